import { useEffect, useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { getCouponCode, getMine, type CouponCode } from '@/api/coupon'
// PageStatus (with the UI kit's styles) before the code views, in the order the card page loads them,
// so the shared style chunk keeps one order.
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { Barcode, QrCode } from '@/components/MemberCode'
import { groupDigits } from '@/components/MemberCode/encode'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { CouponCard } from '../components/CouponCard'
import '../coupons.scss'

/**
 * 券详情: the coupon, and while it is unused its rotating code (QR and Code 128 with the digits for
 * typing), fetched again when the server's window ends. A code refused because the coupon was just
 * used reloads the coupon, so the page shows 已使用 at once.
 */
export default function CouponDetailPage() {
  const couponId = useRouter().params.id ?? ''
  const { state, reload } = useRemote(() => getMine(couponId), [couponId])
  const [code, setCode] = useState<CouponCode | null>(null)
  const [codeError, setCodeError] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const unused = state.status === 'ready' && state.data.status === 'unused'

  useEffect(() => {
    if (!unused) return
    let alive = true
    const load = async () => {
      const res = await getCouponCode(couponId)
      if (!alive) return
      if (res.ok) {
        setCode(res.data)
        setCodeError(null)
        const wait = Math.min(res.data.periodMs, Math.max(1000, new Date(res.data.refreshAt).getTime() - Date.now() + 300))
        timer.current = setTimeout(() => void load(), wait)
      } else if (['COUPON_ALREADY_USED', 'COUPON_EXPIRED'].includes(res.code)) {
        setCode(null)
        void reload({ quiet: true })
      } else {
        setCodeError(res.message)
        timer.current = setTimeout(() => void load(), 5000)
      }
    }
    void load()
    return () => {
      alive = false
      if (timer.current) clearTimeout(timer.current)
    }
  }, [unused, couponId, reload])

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  if (state.status !== 'ready') {
    return (
      <View className='coupons-page coupon-detail-page'>
        <PageStatus
          status={state.status}
          code={state.status === 'error' ? state.code : undefined}
          message={state.status === 'error' ? state.message : undefined}
          onRetry={() => void reload()}
        />
      </View>
    )
  }
  const c = state.data
  return (
    <View className='coupons-page coupon-detail-page'>
      <CouponCard face={c.face} title={c.title} conditions={c.conditions} status={c.status} endsAt={c.endsAt} expiringSoon={c.expiringSoon} />
      <View className={`coupon-detail coupon-detail--${c.status}`}>
        {c.status === 'unused' && code ? (
          <>
            <Barcode text={code.digits} />
            <Text className='coupon-detail__digits coupon-code-digits'>{groupDigits(code.digits)}</Text>
            <QrCode text={code.code} />
            <Text className='coupon-detail__hint'>出示给店员扫码核销，每分钟自动刷新，截图无效</Text>
          </>
        ) : null}
        {c.status === 'unused' && !code ? <Text className='coupon-detail__hint'>{codeError ?? '券码加载中…'}</Text> : null}
        {c.status === 'used' && c.used ? (
          <Text className='coupon-detail__state coupon-detail-used'>
            已于 {dateTime(c.used.at)} 在 {c.used.storeName} 使用
          </Text>
        ) : null}
        {c.status === 'expired' ? <Text className='coupon-detail__state'>已过期</Text> : null}
        {c.status === 'void' ? <Text className='coupon-detail__state'>已作废</Text> : null}
        {c.description ? <Text className='coupon-detail__hint'>{c.description}</Text> : null}
        {c.conditions.map((line) => (
          <Text key={line} className='coupon-detail__hint'>
            · {line}
          </Text>
        ))}
      </View>
    </View>
  )
}
