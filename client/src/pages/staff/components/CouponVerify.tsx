import { useEffect, useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { inspectCoupon, newRequestId, verifyCoupon, type InspectedCoupon, type VerificationResult } from '@/api/coupon'
import { Button, Input } from '@/components/nutui'
import { calendarDate, formatYuan, yuanToFen } from '@/format'
import { VerifiedSheet } from './VerifiedSheet'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; seen: InspectedCoupon }
  | { status: 'verified'; seen: InspectedCoupon; result: VerificationResult }

/**
 * 核销优惠券: the scanned coupon with its conditions and its member (masked), the order's amount
 * (taken from the order being entered when there is one), then 确认核销. The server decides
 * (threshold, store, unused → used once); success opens a result sheet that cannot be missed; a
 * second scan shows when and where it was used.
 */
export function CouponVerify({
  code,
  storeId,
  orderFen,
  receiptNo,
  onVerified,
}: {
  code: string
  storeId: string | null
  /** the total of the order being entered for the identified member (0: none) */
  orderFen: number
  receiptNo: string | null
  onVerified: () => void
}) {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [amount, setAmount] = useState(orderFen > 0 ? (orderFen / 100).toFixed(2) : '')
  const [orderId, setOrderId] = useState(orderFen > 0 && receiptNo ? receiptNo : '')
  const [busy, setBusy] = useState(false)
  const [sheetOpen, setSheetOpen] = useState(false)
  // One id per scan (set below with each code): a retried 确认核销 after a lost answer is recognised, not refused as used.
  const requestId = useRef('')
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let alive = true
    requestId.current = newRequestId('verify')
    setState({ status: 'loading' })
    setError(null)
    void inspectCoupon(code, storeId ?? undefined).then((res) => {
      if (!alive) return
      setState(res.ok ? { status: 'ready', seen: res.data } : { status: 'error', message: res.message })
    })
    return () => {
      alive = false
    }
  }, [code, storeId])

  const amountFen = amount.trim() ? yuanToFen(amount.trim()) : null

  const confirm = async (seen: InspectedCoupon) => {
    if (amountFen === null) return setError(amount.trim() ? '金额格式不正确，请输入如 128 或 128.50 的金额' : '请输入本单消费金额')
    setBusy(true)
    setError(null)
    const res = await verifyCoupon({
      code,
      requestId: requestId.current,
      storeId: storeId ?? undefined,
      orderId: orderId.trim() || undefined,
      orderAmountFen: amountFen,
    })
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setState({ status: 'verified', seen, result: res.data })
    setSheetOpen(true)
    onVerified()
  }

  if (state.status === 'loading') return <Text className='staff-card staff-status'>券码识别中…</Text>
  if (state.status === 'error') {
    return (
      <View className='staff-card staff-coupon'>
        <Text className='staff-error staff-coupon-error'>{state.message}</Text>
      </View>
    )
  }
  const { coupon, member, refusal, thresholdFen } = state.seen
  return (
    <View className={`staff-card staff-coupon staff-coupon--${state.status}`}>
      <Text className='staff-card__title'>
        {coupon.face} · {coupon.title}
      </Text>
      {coupon.conditions.map((c) => (
        <Text key={c} className='staff-member-summary__line'>
          {c}
        </Text>
      ))}
      <Text className='staff-member-summary__line'>有效期至 {calendarDate(new Date(new Date(coupon.endsAt).getTime() - 1).toISOString())}</Text>
      <Text className='staff-member-summary__line staff-coupon-member'>
        会员 {member.nickname} · {member.phoneMasked ?? `卡号 ${member.cardNo}`}
      </Text>
      {state.status === 'verified' ? (
        <Text className='staff-order-result__title staff-coupon-result'>
          核销成功 · {state.result.storeName}
          {state.result.orderAmountFen !== null ? ` · 本单 ${formatYuan(state.result.orderAmountFen)}` : ''}
        </Text>
      ) : refusal ? (
        <Text className='staff-error staff-coupon-error'>{refusal.message}</Text>
      ) : (
        <>
          <View className='staff-free-amount'>
            <Text className='staff-free-amount__label'>本单金额（元）{thresholdFen > 0 ? `· 满${formatYuan(thresholdFen)}可用` : ''}</Text>
            <View className='staff-free-amount__field staff-coupon-amount'>
              <Input type='digit' placeholder='例如 128.00' value={amount} onChange={(v) => setAmount(v)} clearable />
            </View>
          </View>
          <View className='staff-free-amount'>
            <Text className='staff-free-amount__label'>小票号（选填）</Text>
            <View className='staff-free-amount__field staff-coupon-order'>
              <Input placeholder='关联订单' value={orderId} onChange={(v) => setOrderId(v)} clearable />
            </View>
          </View>
          <Button className='staff-coupon-verify' type='primary' block loading={busy} disabled={busy} onClick={() => void confirm(state.seen)}>
            确认核销
          </Button>
        </>
      )}
      {error ? <Text className='staff-error staff-coupon-error'>{error}</Text> : null}
      {state.status === 'verified' ? <VerifiedSheet visible={sheetOpen} seen={state.seen} result={state.result} onClose={() => setSheetOpen(false)} /> : null}
    </View>
  )
}
