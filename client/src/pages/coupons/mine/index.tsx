import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { listMine } from '@/api/coupon'
import { PageStatus } from '@/components/PageStatus'
import { TabPane, Tabs } from '@/components/nutui'
import { NotAMember } from '@/components/NotAMember'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { CouponCard } from '../components/CouponCard'
import '../coupons.scss'

type Tab = 'unused' | 'used' | 'expired'
const TABS: { id: Tab; label: string }[] = [
  { id: 'unused', label: '未使用' },
  { id: 'used', label: '已使用' },
  { id: 'expired', label: '已过期' },
]

/** 我的券: 未使用 (即将过期 marked) / 已使用 / 已过期, as the server reads them now. */
export default function MyCouponsPage() {
  const [tab, setTab] = useState<Tab>('unused')
  const { state, reload } = useRemote(() => listMine(tab), [tab])
  useDidShow(() => void reload({ quiet: true }))

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  return (
    <View className='coupons-page my-coupons'>
      <Tabs className='coupon-tabs' value={tab} onChange={(v) => setTab(v as Tab)}>
        {TABS.map((t) => (
          <TabPane key={t.id} title={t.label} value={t.id} />
        ))}
      </Tabs>
      {(() => {
        switch (state.status) {
          case 'loading':
            return <PageStatus status='loading' />
          case 'error':
            return <PageStatus status='error' code={state.code} message={state.message} onRetry={() => void reload()} />
          case 'ready':
            if (state.data.coupons.length === 0) {
              return (
                <View className='coupons-empty my-coupons-empty'>
                  <Text>暂无优惠券</Text>
                  {tab === 'unused' ? (
                    <Text className='coupons-link my-coupons-center' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/center/index' })}>
                      去领券中心 ›
                    </Text>
                  ) : null}
                </View>
              )
            }
            return state.data.coupons.map((c) => (
              <CouponCard
                key={c.couponId}
                className={`my-coupon my-coupon--${c.couponId}`}
                face={c.face}
                title={c.title}
                conditions={c.conditions}
                status={c.status}
                endsAt={c.endsAt}
                expiringSoon={c.expiringSoon}
                usedText={c.used ? `已于 ${dateTime(c.used.at)} 在 ${c.used.storeName} 使用` : undefined}
                onClick={() => void Taro.navigateTo({ url: `/pages/coupons/detail/index?id=${c.couponId}` })}
              />
            ))
        }
      })()}
    </View>
  )
}
