import { AreaPage } from '../components/AreaPage'

export default function MerchantRulesPage() {
  return <AreaPage areaId='rules' />
}
