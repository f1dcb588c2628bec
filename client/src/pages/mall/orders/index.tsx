import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { cancelOrder, myOrders, type MallOrderView } from '@/api/mall'
import { Button, Cell, CellGroup, Dialog, Toast } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import '../mall.scss'

const STATUS_TEXT: Record<MallOrderView['status'], string> = { paid: '待发货', shipped: '已发货', completed: '已完成', cancelled: '已取消' }

/**
 * 我的兑换: every redemption with its status; goods not yet shipped may be cancelled (points and
 * stock back), after a dialog that says so.
 */
export default function MallOrdersPage() {
  const { state, reload } = useRemote(() => myOrders(), [])
  const [error, setError] = useState<string | null>(null)
  const [asking, setAsking] = useState<MallOrderView | null>(null)
  const [busy, setBusy] = useState(false)
  const [toast, setToast] = useState<string | null>(null)
  const cancel = async (o: MallOrderView) => {
    setAsking(null)
    setError(null)
    setBusy(true)
    const res = await cancelOrder(o.orderId)
    setBusy(false)
    if (!res.ok) setError(res.message)
    else setToast(`已取消，退回 ${res.data.pointsRefunded} 积分`)
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
      {error ? <Text className='mall-error mall-cancel-error'>{error}</Text> : null}
      {state.data.orders.length === 0 ? <Text className='mall-empty'>还没有兑换记录</Text> : null}
      {state.data.orders.map((o) => (
        <CellGroup key={o.orderId} className={`mall-order mall-order--${o.status}`}>
          <Cell
            title={
              <Text className='mall-item__title'>
                {o.title}
                {o.quantity > 1 ? ` ×${o.quantity}` : ''}
              </Text>
            }
            description={`${o.pointsSpent} 积分 · ${dateTime(o.createdAt)}`}
            extra={<Text className='mall-order-status'>{STATUS_TEXT[o.status]}</Text>}
          />
          {o.codes.map((c) => (
            <Cell key={c} title='兑换码' extra={<Text className='mall-code'>{c}</Text>} />
          ))}
          {o.shipping ? <Cell title='物流' extra={`${o.shipping.carrier} ${o.shipping.trackingNo}`} /> : null}
          {o.addressMasked ? <Cell title='收货' description={o.addressMasked} /> : null}
          {o.couponIds.length ? (
            <Cell title='券已放入「我的券」' clickable extra='查看 ›' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/mine/index' })} />
          ) : null}
          {o.kind === 'physical' && o.status === 'paid' ? (
            <Cell
              extra={
                <Button size='small' className='mall-order-cancel' disabled={busy} onClick={() => setAsking(o)}>
                  取消兑换
                </Button>
              }
            />
          ) : null}
        </CellGroup>
      ))}
      <Dialog
        className='mall-cancel-dialog'
        visible={asking !== null}
        title='取消兑换'
        content={
          asking ? (
            <Text className='mall-dialog-text'>
              {`取消「${asking.title}」×${asking.quantity}：${asking.pointsSpent} 积分按原有效期退回（其间已到期的部分随即过期），商品库存加回 ${asking.quantity} 件。取消后不能恢复。`}
            </Text>
          ) : null
        }
        confirmText='确认取消'
        cancelText='不取消'
        onConfirm={() => {
          if (asking) void cancel(asking)
        }}
        onCancel={() => setAsking(null)}
        onClose={() => setAsking(null)}
      />
      <Toast className='mall-toast' visible={toast !== null} content={toast ?? ''} icon='success' duration={2} onClose={() => setToast(null)} />
    </View>
  )
}
