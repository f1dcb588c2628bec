import { AreaPage } from '../components/AreaPage'

export default function MerchantRiskPage() {
  return <AreaPage areaId='risk' />
}
