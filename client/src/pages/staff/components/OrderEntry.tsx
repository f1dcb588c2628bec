import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import { recordOrder, type CreditResult } from '@/api/points'
import { Button, Input } from '@/components/nutui'
import { formatYuan } from '@/format'
import { MENU, draftOrder, newDraft, type OrderDraft } from '../menu'
import { useConfirm } from './useConfirm'

export type RecordedOrder = CreditResult & { amountFen: number; receiptNo: string }

/**
 * 录入消费: the counter's menu and a free amount, recorded for the identified member at the clerk's
 * store. The draft belongs to the page (a failed look-up or a coupon scan keeps it); its receipt
 * number is kept across retries, so a retried save is not a second order. No paidAt is sent: the
 * server's clock stamps the order (a device clock behind it made orders late back-fills).
 */
export function OrderEntry({
  memberId,
  storeId,
  confirmAboveFen,
  draft,
  onDraft,
  onRecorded,
}: {
  memberId: string
  storeId: string
  confirmAboveFen: number | null
  draft: OrderDraft
  onDraft: (update: (d: OrderDraft) => OrderDraft) => void
  onRecorded: (r: RecordedOrder) => void
}) {
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const { confirm, dialog } = useConfirm()
  const { items, totalFen, amountError } = draftOrder(draft)
  const add = (sku: string, by: number) => onDraft((d) => ({ ...d, cart: { ...d.cart, [sku]: Math.max(0, (d.cart[sku] ?? 0) + by) } }))

  const submit = async () => {
    if (amountError) return setError(amountError)
    if (items.length === 0 || totalFen <= 0) return setError('请选择商品或输入消费金额')
    if (confirmAboveFen !== null && totalFen > confirmAboveFen) {
      const ok = await confirm({
        title: '请确认金额',
        content: `本单金额 ${formatYuan(totalFen)}，超过 ${formatYuan(confirmAboveFen)}，确认无误再录入。`,
        confirmText: '确认录入',
        className: 'staff-confirm-amount',
      })
      if (!ok) return
    }
    setSaving(true)
    setError(null)
    // The member id from the identified summary: the code itself may expire while the clerk picks items.
    const { receiptNo } = draft
    const res = await recordOrder({ storeId, receiptNo, items, amountFen: totalFen, member: { memberId } })
    setSaving(false)
    if (!res.ok) return setError(res.message)
    onRecorded({ ...res.data, amountFen: totalFen, receiptNo })
    onDraft(() => newDraft())
  }

  return (
    <View className='staff-card staff-order'>
      <Text className='staff-card__title'>录入消费</Text>
      {MENU.map((m) => (
        <View key={m.sku} className='staff-menu-item'>
          <Text className='staff-menu-item__name'>{m.name}</Text>
          <Text className='staff-menu-item__price'>{formatYuan(m.priceFen)}</Text>
          <View className='staff-menu-item__qty'>
            <Button size='small' className={`staff-menu-minus staff-menu-minus--${m.sku}`} disabled={!draft.cart[m.sku]} onClick={() => add(m.sku, -1)}>
              −
            </Button>
            <Text className='staff-menu-item__count'>{draft.cart[m.sku] ?? 0}</Text>
            <Button size='small' className={`staff-menu-plus staff-menu-plus--${m.sku}`} onClick={() => add(m.sku, 1)}>
              +
            </Button>
          </View>
        </View>
      ))}
      <View className='staff-free-amount'>
        <Text className='staff-free-amount__label'>其他金额（元）</Text>
        <View className='staff-free-amount__field staff-amount-input'>
          <Input type='digit' placeholder='例如 38.50' value={draft.freeAmount} onChange={(v) => onDraft((d) => ({ ...d, freeAmount: v }))} clearable />
        </View>
      </View>
      <View className='staff-order__total'>
        <Text>合计</Text>
        <Text className='staff-order-total'>{formatYuan(totalFen)}</Text>
      </View>
      <Text className='staff-order__receipt'>小票号 {draft.receiptNo}</Text>
      {amountError ? <Text className='staff-error staff-amount-error'>{amountError}</Text> : null}
      <Button
        className='staff-record-order'
        type='primary'
        block
        loading={saving}
        disabled={saving || (totalFen <= 0 && !amountError)}
        onClick={() => void submit()}
      >
        确认录入
      </Button>
      {error ? <Text className='staff-error staff-order-error'>{error}</Text> : null}
      {dialog}
    </View>
  )
}
