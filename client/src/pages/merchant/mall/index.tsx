import { AreaPage } from '../components/AreaPage'

export default function MerchantMallPage() {
  return <AreaPage areaId='mall' />
}
