import { useEffect, useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { inspectCoupon, newRequestId, verifyCoupon, type InspectedCoupon } from '@/api/coupon'
import { Button, Input } from '@/components/nutui'
import { calendarDate } from '@/format'

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; seen: InspectedCoupon }
  | { status: 'verified'; seen: InspectedCoupon; at: string; storeName: string }

/**
 * 核销优惠券: the scanned coupon with its conditions and its member (masked), then 确认核销. The server
 * decides (unused → used once); a second scan shows when and where it was used.
 */
export function CouponVerify({ code, storeId, onVerified }: { code: string; storeId: string | null; onVerified: () => void }) {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [orderId, setOrderId] = useState('')
  const [busy, setBusy] = useState(false)
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

  const confirm = async (seen: InspectedCoupon) => {
    setBusy(true)
    setError(null)
    const res = await verifyCoupon(code, requestId.current, storeId ?? undefined, orderId.trim() || undefined)
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setState({ status: 'verified', seen, at: res.data.verifiedAt, storeName: res.data.storeName })
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
  const { coupon, member, refusal } = state.seen
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
        <Text className='staff-order-result__title staff-coupon-result'>核销成功 · {state.storeName}</Text>
      ) : refusal ? (
        <Text className='staff-error staff-coupon-error'>{refusal.message}</Text>
      ) : (
        <>
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
    </View>
  )
}
