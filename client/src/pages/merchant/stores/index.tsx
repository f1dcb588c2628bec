import { AreaPage } from '../components/AreaPage'

export default function MerchantStoresPage() {
  return <AreaPage areaId='stores' />
}
