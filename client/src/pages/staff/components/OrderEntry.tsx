import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { recordOrder, type CreditResult } from '@/api/points'
import { Button, Input } from '@/components/nutui'
import { formatYuan, yuanToFen } from '@/format'
import { MENU, freeAmountItem, newReceiptNo, type OrderItem } from '../menu'

export type RecordedOrder = CreditResult & { amountFen: number; receiptNo: string }

/**
 * 录入消费: the counter's menu and a free amount, recorded for the identified member at the clerk's
 * store. The receipt number is kept across retries, so a retried save is not a second order.
 */
/** The amount typed at the till, checked before sending: a sentence for anything the till cannot take. */
function checkAmount(text: string): { fen: number; error?: undefined } | { fen?: undefined; error: string } {
  const t = text.trim()
  if (!t) return { fen: 0 }
  if (/^\d+(\.\d+)?$/.test(t) && t.split('.')[0].length > 8) return { error: '金额不能超过 ¥99999999.99，请核对后重新输入' }
  const fen = yuanToFen(t)
  return fen === null ? { error: '金额格式不正确，请输入如 38 或 38.50 的金额' } : { fen }
}

export function OrderEntry({
  memberId,
  storeId,
  confirmAboveFen,
  onRecorded,
}: {
  memberId: string
  storeId: string
  confirmAboveFen: number | null
  onRecorded: (r: RecordedOrder) => void
}) {
  const [cart, setCart] = useState<Record<string, number>>({})
  const [freeAmount, setFreeAmount] = useState('')
  const [receiptNo, setReceiptNo] = useState(() => newReceiptNo())
  const [saving, setSaving] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const items: OrderItem[] = MENU.filter((m) => (cart[m.sku] ?? 0) > 0).map((m) => ({ ...m, quantity: cart[m.sku] }))
  const checked = checkAmount(freeAmount)
  const freeFen = checked.error ? null : checked.fen
  if (freeFen) items.push(freeAmountItem(freeFen))
  const totalFen = items.reduce((s, it) => s + it.priceFen * it.quantity, 0)
  const add = (sku: string, by: number) => setCart((c) => ({ ...c, [sku]: Math.max(0, (c[sku] ?? 0) + by) }))

  const submit = async () => {
    if (checked.error) return setError(checked.error)
    if (items.length === 0 || totalFen <= 0) return setError('请选择商品或输入消费金额')
    if (confirmAboveFen !== null && totalFen > confirmAboveFen) {
      const ok = await Taro.showModal({
        title: '请确认金额',
        content: `本单金额 ${formatYuan(totalFen)}，超过 ${formatYuan(confirmAboveFen)}，确认无误再录入。`,
        confirmText: '确认录入',
      })
      if (!ok.confirm) return
    }
    setSaving(true)
    setError(null)
    // The member id from the identified summary: the code itself may expire while the clerk picks items.
    const res = await recordOrder({ storeId, receiptNo, items, amountFen: totalFen, paidAt: new Date().toISOString(), member: { memberId } })
    setSaving(false)
    if (!res.ok) return setError(res.message)
    onRecorded({ ...res.data, amountFen: totalFen, receiptNo })
    setCart({})
    setFreeAmount('')
    setReceiptNo(newReceiptNo())
  }

  return (
    <View className='staff-card staff-order'>
      <Text className='staff-card__title'>录入消费</Text>
      {MENU.map((m) => (
        <View key={m.sku} className='staff-menu-item'>
          <Text className='staff-menu-item__name'>{m.name}</Text>
          <Text className='staff-menu-item__price'>{formatYuan(m.priceFen)}</Text>
          <View className='staff-menu-item__qty'>
            <Button size='small' className={`staff-menu-minus staff-menu-minus--${m.sku}`} disabled={!cart[m.sku]} onClick={() => add(m.sku, -1)}>
              −
            </Button>
            <Text className='staff-menu-item__count'>{cart[m.sku] ?? 0}</Text>
            <Button size='small' className={`staff-menu-plus staff-menu-plus--${m.sku}`} onClick={() => add(m.sku, 1)}>
              +
            </Button>
          </View>
        </View>
      ))}
      <View className='staff-free-amount'>
        <Text className='staff-free-amount__label'>其他金额（元）</Text>
        <View className='staff-free-amount__field staff-amount-input'>
          <Input type='digit' placeholder='例如 38.50' value={freeAmount} onChange={(v) => setFreeAmount(v)} clearable />
        </View>
      </View>
      <View className='staff-order__total'>
        <Text>合计</Text>
        <Text className='staff-order-total'>{formatYuan(totalFen)}</Text>
      </View>
      <Text className='staff-order__receipt'>小票号 {receiptNo}</Text>
      {checked.error ? <Text className='staff-error staff-amount-error'>{checked.error}</Text> : null}
      <Button
        className='staff-record-order'
        type='primary'
        block
        loading={saving}
        disabled={saving || (totalFen <= 0 && !checked.error)}
        onClick={() => void submit()}
      >
        确认录入
      </Button>
      {error ? <Text className='staff-error staff-order-error'>{error}</Text> : null}
    </View>
  )
}
