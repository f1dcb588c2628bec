import type { ReactNode } from 'react'
import { View, Text } from '@tarojs/components'
import { calendarDate } from '@/format'

const STATUS_TEXT = { unused: '未使用', used: '已使用', expired: '已过期', void: '已作废' } as const

interface CouponCardProps {
  face: string
  title: string
  conditions: string[]
  /** the wallet's coupons have a status and dates; the claim centre's templates a validity text */
  status?: keyof typeof STATUS_TEXT
  endsAt?: string
  validityText?: string
  expiringSoon?: boolean
  usedText?: string
  className?: string
  onClick?: () => void
  children?: ReactNode
}

/** One coupon as a ticket: the face value on the left, title, conditions and dates on the right. */
export function CouponCard(p: CouponCardProps) {
  const dim = p.status && p.status !== 'unused'
  return (
    <View className={`coupon-card${dim ? ' coupon-card--dim' : ''} ${p.className ?? ''}`} onClick={p.onClick}>
      <View className='coupon-card__face'>
        <Text className='coupon-card__value'>{p.face}</Text>
      </View>
      <View className='coupon-card__body'>
        <View className='coupon-card__top'>
          <Text className='coupon-card__title'>{p.title}</Text>
          {p.expiringSoon ? <Text className='coupon-card__soon coupon-expiring-soon'>即将过期</Text> : null}
          {p.status && p.status !== 'unused' ? <Text className='coupon-card__status'>{STATUS_TEXT[p.status]}</Text> : null}
        </View>
        {p.conditions.slice(0, 2).map((c) => (
          <Text key={c} className='coupon-card__line'>
            {c}
          </Text>
        ))}
        {p.endsAt ? <Text className='coupon-card__line'>有效期至 {calendarDate(new Date(new Date(p.endsAt).getTime() - 1).toISOString())}</Text> : null}
        {p.validityText ? <Text className='coupon-card__line'>{p.validityText}</Text> : null}
        {p.usedText ? <Text className='coupon-card__line coupon-card__used'>{p.usedText}</Text> : null}
        {p.children}
      </View>
    </View>
  )
}
