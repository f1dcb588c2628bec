import { AreaPage } from '../components/AreaPage'

export default function MerchantCouponsPage() {
  return <AreaPage areaId='coupons' />
}
