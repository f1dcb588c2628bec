import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { cancelOrder, myOrders, type MallOrderView } from '@/api/mall'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import '../mall.scss'

const STATUS_TEXT: Record<MallOrderView['status'], string> = { paid: '待发货', shipped: '已发货', completed: '已完成', cancelled: '已取消' }

/** 我的兑换: every redemption with its status; goods not yet shipped may be cancelled (points and stock back). */
export default function MallOrdersPage() {
  const { state, reload } = useRemote(() => myOrders(), [])
  const [error, setError] = useState<string | null>(null)
  const cancel = async (orderId: string) => {
    setError(null)
    const res = await cancelOrder(orderId)
    if (!res.ok) setError(res.message)
    else void Taro.showToast({ title: `已退回 ${res.data.pointsRefunded} 积分`, icon: 'none' })
    void reload({ quiet: true })
  }
  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  if (state.status !== 'ready') {
    return (
      <View className='mall-page'>
        <PageStatus status={state.status} message={state.status === 'error' ? state.message : undefined} onRetry={() => void reload()} />
      </View>
    )
  }
  return (
    <View className='mall-page mall-orders'>
      {error ? <Text className='mall-error'>{error}</Text> : null}
      {state.data.orders.length === 0 ? <Text className='mall-empty'>还没有兑换记录</Text> : null}
      {state.data.orders.map((o) => (
        <View key={o.orderId} className={`mall-card mall-order mall-order--${o.status}`}>
          <View className='mall-row'>
            <Text className='mall-item__title'>
              {o.title}
              {o.quantity > 1 ? ` ×${o.quantity}` : ''}
            </Text>
            <Text className='mall-order-status'>{STATUS_TEXT[o.status]}</Text>
          </View>
          <Text className='mall-hint'>
            {o.pointsSpent} 积分 · {dateTime(o.createdAt)}
          </Text>
          {o.codes.map((c) => (
            <Text key={c} className='mall-hint'>
              兑换码 {c}
            </Text>
          ))}
          {o.shipping ? (
            <Text className='mall-hint'>
              {o.shipping.carrier} {o.shipping.trackingNo}
            </Text>
          ) : null}
          {o.addressMasked ? <Text className='mall-hint'>收货：{o.addressMasked}</Text> : null}
          {o.couponIds.length ? (
            <Text className='mall-hint' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/mine/index' })}>
              券已放入「我的券」 ›
            </Text>
          ) : null}
          {o.kind === 'physical' && o.status === 'paid' ? (
            <Button size='small' className='mall-order-cancel' onClick={() => void cancel(o.orderId)}>
              取消兑换
            </Button>
          ) : null}
        </View>
      ))}
    </View>
  )
}
