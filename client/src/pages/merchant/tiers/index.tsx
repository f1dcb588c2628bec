import { AreaPage } from '../components/AreaPage'

export default function MerchantTiersPage() {
  return <AreaPage areaId='tiers' />
}
