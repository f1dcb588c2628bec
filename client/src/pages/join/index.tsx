import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { join, joinStatus, myRole } from '@/api/member'
import { NotAMember } from '@/components/NotAMember'
import { inviteOffer } from '@/api/referral'
import { Button, Checkbox } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { PhoneButton } from '@/components/PhoneButton'
import { useRemote } from '@/hooks/useRemote'
import { useSubscribeTemplates } from '@/hooks/useSubscribeTemplates'
import { recordSubscriptions, requestSubscribe } from '@/api/subscribe'
import { SubscribeSheet } from '@/components/SubscribeSheet'
import { BRAND_NAME, BRAND_SLOGAN } from '@/brand'
import { go, restart } from '@/navigation'
import './index.scss'

/**
 * 开卡: the brand, what membership gives, the privacy policy and the membership terms (real pages),
 * an agreement the person ticks, then the card — optionally with the phone number authorised in the
 * same tap (WeChat's 一键开卡). Nothing about the person is stored before they agree.
 */
export default function JoinPage() {
  const invite = useRouter().params.invite
  const { state, reload } = useRemote(() => joinStatus())
  // A clerk or the merchant is never registered as a member: NotAMember offers them their workbench.
  const who = useRemote(() => myRole())
  // Who invited this person and what the invitation gives (masked nickname only); a bad link still lets them join.
  const offer = useRemote(() => (invite ? inviteOffer(invite) : Promise.resolve({ ok: true as const, data: null })), [invite])
  const [agreed, setAgreed] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // What a new member hears about: the birthday gift, coupons and points before they lapse (WeChat allows 3 a dialog).
  const reminders = useSubscribeTemplates(['birthday', 'coupon_expiry', 'points_expiry'])

  const open = async (phoneCode?: string) => {
    if (!agreed) return setError('请先阅读并勾选同意《隐私政策》和《会员服务协议》')
    // Asked from the tap itself (WeChat's rule); recorded once the card exists.
    const asked = requestSubscribe(reminders)
    setBusy(true)
    setError(null)
    const res = await join({ ...(phoneCode ? { phoneCode } : {}), ...(invite ? { invite } : {}) })
    setBusy(false)
    if (!res.ok) {
      void asked
      return setError(res.message)
    }
    await recordSubscriptions(await asked)
    // The card greets a member who just joined (the card page reads it again, so say so on the way).
    restart(res.data.isNew ? '/pages/index/index?welcome=1' : '/pages/index/index')
  }

  if (who.state.status === 'ready' && who.state.data.role) return <NotAMember />
  if (state.status !== 'ready') {
    return (
      <View className='join-page'>
        <PageStatus
          status={state.status}
          code={state.status === 'error' ? state.code : undefined}
          message={state.status === 'error' ? state.message : undefined}
          onRetry={() => void reload()}
          home={false}
        />
      </View>
    )
  }
  const info = state.data
  return (
    <View className='join-page'>
      <SubscribeSheet />
      <View className='join-brand'>
        <Text className='join-brand__name'>{BRAND_NAME}</Text>
        <Text className='join-brand__slogan'>{BRAND_SLOGAN}</Text>
      </View>

      {offer.state.status === 'ready' && offer.state.data ? (
        <View className='join-section join-invited'>
          <Text className='join-inviter'>
            {offer.state.data.inviter} 邀请你加入{BRAND_NAME}会员
          </Text>
          {info.registrationBonus > 0 ? <Text className='join-invite-gift'>好友送你：开卡即得 {info.registrationBonus} 积分</Text> : null}
        </View>
      ) : null}
      {offer.state.status === 'error' ? (
        <View className='join-section join-invited join-invited--invalid'>
          <Text className='join-invite-invalid'>{offer.state.message}。你仍可直接开卡。</Text>
        </View>
      ) : null}
      <View className='join-section join-benefits'>
        <Text className='join-section__title'>会员权益</Text>
        {info.registrationBonus > 0 ? (
          <Text className='join-gift'>开卡即送 {info.registrationBonus} 积分</Text>
        ) : info.departedOn ? (
          <Text className='join-gift join-gift--none'>欢迎回来。注册礼每人仅限一次，重新开卡不再赠送。</Text>
        ) : null}
        <Text className='join-line'>消费即积分，积分可在门店抵扣</Text>
        {info.tiers.map((t) => (
          <View key={t.name} className='join-tier'>
            <Text className='join-tier__name' style={{ color: t.color }}>
              {t.name}
            </Text>
            <Text className='join-tier__rule'>{t.threshold > 0 ? `成长值 ${t.threshold}` : '开卡即享'}</Text>
            <Text className='join-tier__benefits'>{t.benefits.join('、')}</Text>
          </View>
        ))}
      </View>

      <View className='join-section'>
        <Checkbox className={`join-agree${agreed ? ' join-agree--on' : ''}`} checked={agreed} onChange={(on) => setAgreed(on)}>
          <Text className='join-agree__text'>我已阅读并同意</Text>
        </Checkbox>
        <View className='join-docs'>
          <Text className='join-doc join-doc-privacy' onClick={() => go('/pages/legal/index?doc=privacy')}>
            《隐私政策》
          </Text>
          <Text className='join-doc join-doc-terms' onClick={() => go('/pages/legal/index?doc=terms')}>
            《会员服务协议》
          </Text>
        </View>
        <Text className='join-note'>开卡只保存您的微信标识；手机号仅在您授权时加密保存，用于到店识别。</Text>
      </View>

      {error ? <Text className='join-error'>{error}</Text> : null}
      <View className='join-actions'>
        {agreed ? (
          <View className='join-phone'>
            <PhoneButton label='微信手机号一键开卡' onCode={(code) => void open(code)} />
          </View>
        ) : null}
        <Button className='join-submit' type='primary' block loading={busy} disabled={busy} onClick={() => void open()}>
          {agreed ? '暂不授权手机号，直接开卡' : '同意并开卡'}
        </Button>
      </View>
    </View>
  )
}
