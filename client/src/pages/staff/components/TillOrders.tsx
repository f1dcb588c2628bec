import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { TillView } from '@shared/contracts/points'
import { Button, Cell, Toast } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import type { Remote } from '@/hooks/useRemote'
import { dateTime, formatYuan } from '@/format'
import { revokeOrder } from '@/api/points'
import { useConfirm } from './useConfirm'

/**
 * 今日订单 of this till: what the clerk recorded today, with 撤销 (the whole order refunded through the
 * refund path: points and growth taken back) while the clerk's window is open; after it, the merchant.
 */
export function TillOrders({ state, onChanged }: { state: Remote<TillView>; onChanged: () => void }) {
  const { confirm, dialog } = useConfirm()
  const [toast, setToast] = useState<string | null>(null)
  if (state.status !== 'ready') return <PageStatus status={state.status} message={state.status === 'error' ? state.message : undefined} onRetry={onChanged} />
  const revoke = async (orderId: string, receiptNo: string, amountFen: number) => {
    const ok = await confirm({
      title: '撤销订单',
      content: `撤销小票 ${receiptNo}（${formatYuan(amountFen)}）？该单积分和成长值将被扣回。`,
      confirmText: '撤销',
      className: 'staff-confirm-revoke',
    })
    if (!ok) return
    const res = await revokeOrder(orderId)
    setToast(res.ok ? (res.data.duplicate ? '该单已撤销' : '已撤销') : res.message)
    onChanged()
  }
  const orders = state.data.orders
  return (
    <View className='staff-card staff-till'>
      <Text className='staff-card__title'>今日订单</Text>
      {orders.length === 0 ? <Text className='staff-till__empty'>今天还没有录入订单</Text> : null}
      {orders.map((o) => {
        const revoked = o.refundedFen >= o.amountFen
        return (
          <Cell
            key={o.orderId}
            className={`staff-till-order${revoked ? ' staff-till-order--revoked' : ''}`}
            title={`${dateTime(o.createdAt)} · 尾号 ${o.cardTail} · ${formatYuan(o.amountFen)}`}
            description={`小票 ${o.receiptNo} · ${o.staffName} · 积分 ${o.points}${
              revoked ? ' · 已撤销' : o.refundedFen > 0 ? ` · 已退 ${formatYuan(o.refundedFen)}` : ''
            }`}
            extra={
              o.revocable ? (
                <Button size='small' className='staff-till-revoke' onClick={() => void revoke(o.orderId, o.receiptNo, o.amountFen)}>
                  撤销
                </Button>
              ) : null
            }
          />
        )
      })}
      {dialog}
      <Toast className='staff-toast' visible={toast !== null} content={toast ?? ''} onClose={() => setToast(null)} />
    </View>
  )
}
