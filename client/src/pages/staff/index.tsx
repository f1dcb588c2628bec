import { useCallback, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import type { IdentifiedMember, MyRole } from '@shared/schemas/member'
import { identifyMember, myRole } from '@/api/member'
import { recordOrder, type CreditResult } from '@/api/points'
import { Button, Input } from '@/components/nutui'
import { ScanInput } from '@/components/ScanInput'
import { MENU, formatYuan, freeAmountItem, newReceiptNo, yuanToFen, type OrderItem } from './menu'
import './index.scss'

type Staff = MyRole & { role: 'staff' | 'merchant' }
type Load = { status: 'loading' } | { status: 'ready'; staff: Staff } | { status: 'error'; message: string }

/** `2026-03-04` → `3月4日` */
function monthDay(date: string): string {
  const [, m, d] = date.split('-')
  return `${Number(m)}月${Number(d)}日`
}

/**
 * 店员工作台: identify a member by their dynamic code, then record what they paid for. The store is
 * the clerk's own (from `myRole`; the server checks it again); points stay pending until T+N.
 */
export default function StaffPage() {
  const [load, setLoad] = useState<Load>({ status: 'loading' })
  const [storeId, setStoreId] = useState<string | null>(null)
  const [identifying, setIdentifying] = useState(false)
  const [member, setMember] = useState<{ info: IdentifiedMember; code: string } | null>(null)
  const [identifyError, setIdentifyError] = useState<string | null>(null)
  const [cart, setCart] = useState<Record<string, number>>({})
  const [freeAmount, setFreeAmount] = useState('')
  const [receiptNo, setReceiptNo] = useState(() => newReceiptNo())
  const [saving, setSaving] = useState(false)
  const [orderError, setOrderError] = useState<string | null>(null)
  const [result, setResult] = useState<(CreditResult & { amountFen: number; receiptNo: string }) | null>(null)

  const loadRole = useCallback(async () => {
    const res = await myRole()
    if (!res.ok) {
      if (res.code === 'UNAUTHENTICATED') void Taro.redirectTo({ url: '/pages/index/index' })
      else setLoad({ status: 'error', message: res.message })
      return
    }
    const r = res.data
    if (r.role !== 'staff' && r.role !== 'merchant') {
      setLoad({ status: 'error', message: '仅店员或商家可使用工作台' })
      return
    }
    setLoad({ status: 'ready', staff: r as Staff })
    setStoreId((cur) => cur ?? r.storeId ?? r.stores?.[0]?.id ?? null)
  }, [])
  useDidShow(() => void loadRole())

  const identify = async (code: string) => {
    setIdentifying(true)
    setIdentifyError(null)
    setResult(null)
    setOrderError(null)
    const res = await identifyMember(code)
    setIdentifying(false)
    if (res.ok) setMember({ info: res.data, code })
    else {
      setMember(null)
      setIdentifyError(res.message)
    }
  }

  const items: OrderItem[] = MENU.filter((m) => (cart[m.sku] ?? 0) > 0).map((m) => ({ ...m, quantity: cart[m.sku] }))
  const freeFen = freeAmount.trim() ? yuanToFen(freeAmount) : 0
  if (freeFen) items.push(freeAmountItem(freeFen))
  const totalFen = items.reduce((s, it) => s + it.priceFen * it.quantity, 0)

  const add = (sku: string, by: number) => setCart((c) => ({ ...c, [sku]: Math.max(0, (c[sku] ?? 0) + by) }))

  const submit = async () => {
    if (!member || !storeId) return
    if (freeFen === null) {
      setOrderError('金额格式不正确，例如 38 或 38.50')
      return
    }
    if (items.length === 0 || totalFen <= 0) {
      setOrderError('请选择商品或输入消费金额')
      return
    }
    setSaving(true)
    setOrderError(null)
    const res = await recordOrder({
      storeId,
      receiptNo,
      items,
      amountFen: totalFen,
      paidAt: new Date().toISOString(),
      // The member id from the identified summary: the code itself may expire while the clerk picks items.
      member: { memberId: member.info.memberId },
    })
    setSaving(false)
    if (!res.ok) {
      setOrderError(res.message)
      return
    }
    setResult({ ...res.data, amountFen: totalFen, receiptNo })
    setCart({})
    setFreeAmount('')
    setReceiptNo(newReceiptNo())
  }

  if (load.status === 'loading') {
    return (
      <View className='staff-page staff-workbench'>
        <Text className='staff-status'>加载中…</Text>
      </View>
    )
  }
  if (load.status === 'error') {
    return (
      <View className='staff-page staff-workbench'>
        <Text className='staff-status staff-error'>{load.message}</Text>
        <Button type='primary' size='small' onClick={() => void loadRole()}>
          重试
        </Button>
      </View>
    )
  }
  const { staff } = load
  const stores = staff.stores ?? []
  const storeName = stores.find((s) => s.id === storeId)?.name ?? storeId ?? '未绑定门店'

  return (
    <View className='staff-page staff-workbench'>
      <View className='staff-header'>
        <Text className='staff-header__name'>{staff.name ?? '店员'}</Text>
        <Text className='staff-header__store'>{storeName}</Text>
      </View>
      {staff.role === 'merchant' && stores.length > 1 ? (
        <View className='staff-stores'>
          {stores.map((s) => (
            <Button key={s.id} size='small' type={s.id === storeId ? 'primary' : 'default'} onClick={() => setStoreId(s.id)}>
              {s.name}
            </Button>
          ))}
        </View>
      ) : null}

      <View className='staff-card'>
        <Text className='staff-card__title'>识别会员</Text>
        <ScanInput onCode={(c) => void identify(c)} busy={identifying} />
        {identifyError ? <Text className='staff-error staff-identify-error'>{identifyError}</Text> : null}
      </View>

      {member ? (
        <View className='staff-card staff-member-summary'>
          <View className='staff-member-summary__top'>
            <Text className='staff-member-summary__name'>{member.info.nickname || '会员'}</Text>
            <Text className='staff-member-summary__tier'>{member.info.tier.name}</Text>
          </View>
          <Text className='staff-member-summary__line'>卡号 {member.info.cardNo}</Text>
          <Text className='staff-member-summary__line'>手机 {member.info.phoneMasked ?? '未绑定'}</Text>
          <Text className='staff-member-summary__line'>
            可用积分 <Text className='staff-member-points'>{member.info.pointsAvailable}</Text> · 成长值 {member.info.growth}
          </Text>
        </View>
      ) : null}

      {member ? (
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
          <Button className='staff-record-order' type='primary' block loading={saving} disabled={saving || totalFen <= 0} onClick={() => void submit()}>
            确认录入
          </Button>
          {orderError ? <Text className='staff-error staff-order-error'>{orderError}</Text> : null}
        </View>
      ) : null}

      {result ? (
        <View className={`staff-card staff-order-result${result.held ? ' staff-order-result--held' : ''}`}>
          {result.duplicate ? (
            <Text className='staff-order-result__title'>该小票已录入过，本次未重复积分</Text>
          ) : (
            <Text className='staff-order-result__title'>
              已录入 {formatYuan(result.amountFen)}，积分 <Text className='staff-order-points'>+{result.points}</Text>
            </Text>
          )}
          {!result.duplicate && result.maturesOn && !result.held ? (
            <Text className='staff-order-result__line'>积分待生效，{monthDay(result.maturesOn)}起可用</Text>
          ) : null}
          {result.held ? <Text className='staff-order-result__line staff-order-held'>触发风险预警，积分暂缓发放，待商家审核</Text> : null}
          <Text className='staff-order-result__line'>
            小票号 {result.receiptNo} · 成长值 +{result.growth}
          </Text>
        </View>
      ) : null}
    </View>
  )
}
