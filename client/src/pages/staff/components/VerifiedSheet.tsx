import { View, Text } from '@tarojs/components'
import type { InspectedCoupon, VerificationResult } from '@/api/coupon'
import { Cell, CellGroup, Dialog } from '@/components/nutui'
import { dateTime, formatYuan } from '@/format'

/**
 * The verification's result where the clerk looks: a NutUI dialog with a large highlighted state,
 * the coupon, the member, the amount and what it took off — unmistakable at a busy counter.
 */
export function VerifiedSheet({
  visible,
  seen,
  result,
  onClose,
}: {
  visible: boolean
  seen: InspectedCoupon
  result: VerificationResult
  onClose: () => void
}) {
  return (
    <Dialog className='staff-verified-sheet' visible={visible} title='' confirmText='完成' hideCancelButton onConfirm={onClose} onClose={onClose}>
      <View className='staff-verified'>
        <View className='staff-verified__mark'>✓</View>
        <Text className='staff-verified__title'>核销成功</Text>
        <Text className='staff-verified__coupon'>
          {seen.coupon.face} · {result.title}
        </Text>
      </View>
      <CellGroup className='staff-verified__cells'>
        <Cell title='会员' extra={seen.member.nickname} />
        <Cell title={seen.member.phoneMasked ? '手机' : '卡号'} extra={seen.member.phoneMasked ?? seen.member.cardNo} />
        <Cell title='本单金额' extra={result.orderAmountFen !== null ? formatYuan(result.orderAmountFen) : '未填写'} />
        {result.discountFen !== null && result.discountFen > 0 ? <Cell title='优惠' extra={`−${formatYuan(result.discountFen)}`} /> : null}
        <Cell title='门店' extra={result.storeName} />
        <Cell title='时间' extra={dateTime(result.verifiedAt)} />
      </CellGroup>
    </Dialog>
  )
}
