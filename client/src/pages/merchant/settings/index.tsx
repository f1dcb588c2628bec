import { AreaPage } from '../components/AreaPage'

export default function MerchantSettingsPage() {
  return <AreaPage areaId='settings' />
}
