import { AreaPage } from '../components/AreaPage'

export default function MerchantEngagementPage() {
  return <AreaPage areaId='engagement' />
}
