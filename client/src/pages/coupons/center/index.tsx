import { useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { claim, claimable, newRequestId, type ClaimableTemplate } from '@/api/coupon'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { PageToast, toast } from '@/components/PageToast'
import { NotAMember } from '@/components/NotAMember'
import { monthDay } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { useSubscribeTemplates } from '@/hooks/useSubscribeTemplates'
import { askSubscribe } from '@/api/subscribe'
import { SubscribeSheet } from '@/components/SubscribeSheet'
import { CouponCard } from '../components/CouponCard'
import '../coupons.scss'

function validityText(t: ClaimableTemplate): string {
  return t.validity.type === 'fixed' ? `${monthDay(t.validity.from)}–${monthDay(t.validity.to)} 可用` : `领取后 ${t.validity.days} 天内有效`
}

/** 领券中心: the templates open for claiming; one tap claims one (the request id survives a retried tap). */
export default function CouponCenterPage() {
  const { state, reload } = useRemote(() => claimable(), [])
  const [busy, setBusy] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [claimed, setClaimed] = useState<Record<string, string>>({})
  const pending = useRef<Record<string, string>>({})
  const expiryTemplates = useSubscribeTemplates(['coupon_expiry'])

  const onClaim = async (templateId: string) => {
    // A claim is a moment WeChat allows to ask: a reminder before the coupon lapses.
    void askSubscribe(expiryTemplates)
    setBusy(templateId)
    setMessage(null)
    const requestId = (pending.current[templateId] ??= newRequestId('claim'))
    const res = await claim(templateId, requestId)
    setBusy(null)
    if (res.ok || !['CONFLICT', 'UNAVAILABLE', 'INTERNAL'].includes(res.code)) delete pending.current[templateId]
    if (res.ok) {
      setClaimed((c) => ({ ...c, [templateId]: res.data.couponId }))
      toast('领取成功')
      void reload({ quiet: true })
    } else setMessage(res.message)
  }

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  return (
    <View className='coupons-page coupon-center'>
      <SubscribeSheet />
      <PageToast />
      <View className='coupons-link coupon-center-mine' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/mine/index' })}>
        <Text>我的券</Text>
        <Text>›</Text>
      </View>
      {message ? <Text className='coupons-error coupon-center-error'>{message}</Text> : null}
      {(() => {
        switch (state.status) {
          case 'loading':
            return <PageStatus status='loading' />
          case 'error':
            return <PageStatus status='error' code={state.code} message={state.message} onRetry={() => void reload()} />
          case 'ready':
            if (state.data.templates.length === 0) return <Text className='coupons-empty'>暂无可领取的优惠券</Text>
            return state.data.templates.map((t) => (
              <CouponCard
                key={t.templateId}
                className={`coupon-center-item coupon-center-item--${t.templateId}`}
                face={t.face}
                title={t.title}
                conditions={t.conditions}
                validityText={validityText(t)}
              >
                {claimed[t.templateId] ? (
                  <Button
                    className='coupon-card__action coupon-center-use'
                    size='small'
                    type='primary'
                    onClick={() => void Taro.navigateTo({ url: `/pages/coupons/detail/index?id=${claimed[t.templateId]}` })}
                  >
                    去使用
                  </Button>
                ) : (
                  <Button
                    className='coupon-card__action coupon-center-claim'
                    size='small'
                    type='primary'
                    loading={busy === t.templateId}
                    disabled={!t.canClaim || busy !== null}
                    onClick={() => void onClaim(t.templateId)}
                  >
                    {t.remaining === 0 ? '已抢光' : t.claimed >= t.perMemberLimit ? '已领取' : '立即领取'}
                  </Button>
                )}
              </CouponCard>
            ))
        }
      })()}
    </View>
  )
}
