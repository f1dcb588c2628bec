import { useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { MemberCard } from '@shared/schemas/member'
import { DEFAULT_NICKNAME } from '@shared/rules/message-fields'
import { Button } from '@/components/nutui'
import { MemberCode, useMemberCode, type MemberCodeState } from '@/components/MemberCode'
import { TierProgress } from '@/components/TierProgress'
import { CouponLink } from '@/components/CouponLink'
import { calendarDate } from '@/format'
import { go } from '@/navigation'
import './index.scss'

/** Share of the way from the current growth to the next tier, 0–100. */
function growthPercent(card: Pick<MemberCard, 'growth' | 'nextTier'>): number {
  if (!card.nextTier) return 100
  const target = card.growth + card.nextTier.growthNeeded
  if (target <= 0) return 100
  return Math.max(0, Math.min(100, Math.round((card.growth / target) * 100)))
}

/** Groups a card number in fours, as printed on a physical card. */
function formatCardNo(cardNo: string): string {
  return cardNo.replace(/(.{4})(?=.)/g, '$1 ')
}

const SAFE_COLOR = /^#[0-9a-fA-F]{3,8}$|^rgba?\([\d\s.,%]+\)$/

/** Full screen at the till: the screen at full brightness while it is open (weapp), restored on close. */
function CodeSheet({ state, onClose }: { state: MemberCodeState; onClose: () => void }) {
  useEffect(() => {
    let before: number | null = null
    Taro.getScreenBrightness()
      .then((r) => {
        before = r.value
        return Taro.setScreenBrightness({ value: 1 })
      })
      .catch(() => undefined) // H5 has no brightness control
    return () => {
      if (before !== null) void Taro.setScreenBrightness({ value: before }).catch(() => undefined)
    }
  }, [])
  return (
    // Fixed over the page, the code scrolling inside and 关闭 pinned at the bottom: always in view on a small phone.
    <View className='member-code-sheet'>
      <View className='member-code-sheet__body'>
        <MemberCode state={state} fullscreen />
      </View>
      <View className='member-code-sheet__footer'>
        <Button className='member-code-sheet__close' block onClick={onClose}>
          关闭
        </Button>
      </View>
    </View>
  )
}

export function MemberCardView({ card, banner, onRetry }: { card: MemberCard; banner?: string | null; onRetry?: () => void }) {
  const tierColor = SAFE_COLOR.test(card.tier.color) ? card.tier.color : '#5b6270'
  const percent = growthPercent(card)
  const code = useMemberCode()
  const [showCode, setShowCode] = useState(false)
  const reached = card.nextTier !== null && card.nextTier.growthNeeded <= 0
  if (showCode) return <CodeSheet state={code} onClose={() => setShowCode(false)} />
  return (
    <View className='member-card-page'>
      {banner ? (
        <View className='member-refresh-banner' onClick={onRetry}>
          <Text className='member-refresh-banner__text'>{banner}</Text>
          <Text className='member-refresh-banner__retry'>重试</Text>
        </View>
      ) : null}
      <View className='member-show-code-row'>
        <Button className='member-show-code' type='primary' onClick={() => setShowCode(true)}>
          出示会员码
        </Button>
      </View>
      <View className='member-card' style={{ backgroundColor: tierColor }}>
        <View className='member-card__head'>
          <Text className='member-nickname'>{card.nickname || '会员'}</Text>
          <Text className='member-tier'>{card.tier.name}</Text>
        </View>
        {card.isNew ? <Text className='member-card__welcome'>欢迎加入会员！</Text> : null}
        {card.birthday ? (
          <Text className='member-card__birthday'>{card.nickname && card.nickname !== DEFAULT_NICKNAME ? card.nickname : '亲爱的会员'}，生日快乐！</Text>
        ) : null}
        <Text className='member-card-no'>{formatCardNo(card.cardNo)}</Text>
        <Text className='member-card__since'>入会时间 {calendarDate(card.registeredAt)}</Text>
      </View>

      <View className='member-stats'>
        <View className='member-stat'>
          <Text className='member-stat__value member-points-available'>{card.points.available}</Text>
          <Text className='member-stat__label'>可用积分</Text>
        </View>
        <View className='member-stat'>
          <Text className='member-stat__value member-points-pending'>{card.points.pending}</Text>
          <Text className='member-stat__label'>待生效积分</Text>
        </View>
        <View className='member-stat'>
          <Text className='member-stat__value member-growth'>{card.growth}</Text>
          <Text className='member-stat__label'>成长值</Text>
        </View>
      </View>
      {card.birthday && card.birthday.multiplier > 1 ? (
        <View className='member-birthday'>
          <Text className='member-birthday__text'>今天是您的生日，消费积分 ×{card.birthday.multiplier}</Text>
        </View>
      ) : null}
      {card.memberDay ? (
        <View className={`member-day${card.memberDay.today ? ' member-day--today' : ''}`}>
          <Text className='member-day__text'>
            {card.memberDay.today
              ? `今天是会员日，消费积分 ×${card.memberDay.multiplier}`
              : `${card.memberDay.label}：消费积分 ×${card.memberDay.multiplier}（下次 ${Number(card.memberDay.next.slice(5, 7))}月${Number(card.memberDay.next.slice(8))}日）`}
          </Text>
        </View>
      ) : null}
      {card.points.expiringSoon > 0 ? <Text className='member-expiring'>有 {card.points.expiringSoon} 积分即将过期，请尽快使用</Text> : null}
      <View className='member-link member-points-link' onClick={() => go('/pages/points/index')}>
        <Text className='member-link__text'>积分明细</Text>
        <Text className='member-link__arrow'>›</Text>
      </View>
      <View className='member-link member-invite-link' onClick={() => void Taro.navigateTo({ url: '/pages/invite/index' })}>
        <Text className='member-link__text'>邀请好友</Text>
        <Text className='member-link__arrow'>›</Text>
      </View>
      <View className='member-link member-checkin-link' onClick={() => void Taro.navigateTo({ url: '/pages/checkin/index' })}>
        <Text className='member-link__text'>每日签到</Text>
        <Text className='member-link__arrow'>›</Text>
      </View>
      <CouponLink />
      <View className='member-link member-mall-link' onClick={() => void Taro.navigateTo({ url: '/pages/mall/index' })}>
        <Text className='member-link__text'>积分商城</Text>
        <Text className='member-link__arrow'>›</Text>
      </View>

      {card.privacy.accepted ? null : (
        // "已更新" only for a member who accepted an earlier version; a new member agreed at 开卡.
        <View className='member-link member-privacy-banner' onClick={() => go('/pages/profile/index')}>
          <View className='member-privacy-banner__body'>
            <Text className='member-link__text'>{card.privacy.acceptedVersion ? '隐私政策已更新，请查看并同意' : '请查看并同意隐私政策'}</Text>
            {card.privacy.changes.map((c) => (
              <Text key={c} className='member-privacy-banner__change'>
                · {c}
              </Text>
            ))}
          </View>
          <Text className='member-link__arrow'>›</Text>
        </View>
      )}

      <MemberCode state={code} />

      <View className='member-next-tier'>
        <Text className='member-next-tier__text tier-progress-text'>
          {reached && card.nextTier ? `已达到${card.nextTier.name}标准，等级更新中` : card.progressText}
        </Text>
        {card.tierKeptUntil ? (
          <Text className='member-next-tier__grace'>
            当前成长值未达到{card.tier.name}标准，等级保留至 {card.tierKeptUntil}
          </Text>
        ) : null}
        <TierProgress className='member-next-tier__bar' percent={percent} color={tierColor} />
      </View>

      <View className='tier-benefits'>
        <View className='tier-benefits__col tier-benefits-current'>
          <Text className='tier-benefits__title'>{card.tier.name}权益</Text>
          {card.tier.benefits.map((b) => (
            <Text key={b} className='tier-benefits__item'>
              · {b}
            </Text>
          ))}
        </View>
        {card.nextTier ? (
          <View className='tier-benefits__col tier-benefits-next'>
            <Text className='tier-benefits__title'>升级{card.nextTier.name}可享</Text>
            {card.nextTier.benefits.map((b) => (
              <Text key={b} className='tier-benefits__item'>
                · {b}
              </Text>
            ))}
          </View>
        ) : null}
      </View>

      {card.tierChanges.length > 0 ? (
        <View className='tier-changes'>
          <Text className='tier-benefits__title'>等级变动</Text>
          {card.tierChanges.map((c) => (
            <View key={`${c.at}-${c.kind}`} className='tier-changes__item'>
              <Text className='tier-changes__date'>{calendarDate(c.at)}</Text>
              <Text className='tier-changes__reason'>{c.reason}</Text>
            </View>
          ))}
        </View>
      ) : null}

      <View className='member-link member-profile-link' onClick={() => go('/pages/profile/index')}>
        <Text className='member-link__text'>个人资料与隐私</Text>
        <Text className='member-link__arrow'>›</Text>
      </View>
    </View>
  )
}
