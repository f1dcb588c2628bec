import { useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { getItem, redeem } from '@/api/mall'
import { newRequestId } from '@/api/coupon'
import { Button, Input } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { useRemote } from '@/hooks/useRemote'
import { price } from '../price'
import '../mall.scss'

type Done = { orderId: string; pointsSpent: number; balanceAfter: number; couponIds: string[]; codes: string[] }

/**
 * 商品详情 and the confirmation: what it costs, the balance after, a shipping address for goods;
 * the request id is kept until answered, so a double tap or a retry redeems once.
 */
export default function MallItemPage() {
  const itemId = useRouter().params.id ?? ''
  const { state, reload } = useRemote(() => getItem(itemId), [itemId])
  const [confirming, setConfirming] = useState(false)
  const [quantity, setQuantity] = useState(1)
  const [address, setAddress] = useState({ name: '', phone: '', region: '', detail: '' })
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<Done | null>(null)
  const requestId = useRef<string | null>(null)

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  if (state.status !== 'ready') {
    return (
      <View className='mall-page'>
        <PageStatus status={state.status} message={state.status === 'error' ? state.message : undefined} onRetry={() => void reload()} />
      </View>
    )
  }
  const { item, balance } = state.data
  const cost = item.pointsPrice * quantity
  const submit = async () => {
    setBusy(true)
    setError(null)
    requestId.current ??= newRequestId('redeem')
    const res = await redeem({ itemId, quantity, requestId: requestId.current, ...(item.kind === 'physical' ? { address } : {}) })
    setBusy(false)
    if (res.ok || !['CONFLICT', 'UNAVAILABLE', 'INTERNAL'].includes(res.code)) requestId.current = null
    if (!res.ok) return setError(res.message)
    setDone(res.data)
  }

  if (done) {
    return (
      <View className='mall-page mall-done'>
        <View className='mall-card'>
          <Text className='mall-success mall-redeemed'>兑换成功</Text>
          <Text className='mall-hint'>
            消耗 {done.pointsSpent} 积分，剩余 <Text className='mall-balance-after'>{done.balanceAfter}</Text> 积分
          </Text>
          {done.codes.map((c) => (
            <Text key={c} className='mall-row mall-virtual-code'>
              兑换码 {c}
            </Text>
          ))}
          {done.couponIds.length ? (
            <Button className='mall-go-coupons' type='primary' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/mine/index' })}>
              查看我的券
            </Button>
          ) : null}
          <Button className='mall-go-orders' onClick={() => void Taro.navigateTo({ url: '/pages/mall/orders/index' })}>
            我的兑换
          </Button>
        </View>
      </View>
    )
  }
  const field = (key: keyof typeof address, label: string) => (
    <View key={key} className={`mall-field mall-address-${key}`}>
      <Input placeholder={label} value={address[key]} onChange={(v) => setAddress((a) => ({ ...a, [key]: v }))} />
    </View>
  )
  return (
    <View className='mall-page mall-item-page'>
      <View className='mall-card'>
        <Text className='mall-item__title'>{item.title}</Text>
        <Text className='mall-item__price'>{price(item)}</Text>
        {item.description ? <Text className='mall-hint'>{item.description}</Text> : null}
        <Text className='mall-hint'>
          剩余 {item.stock} · 每人限兑 {item.perMemberLimit}（还可兑 {item.left}）
        </Text>
        {item.unavailable ? <Text className='mall-error'>{item.unavailable}</Text> : null}
      </View>
      {confirming ? (
        <View className='mall-card mall-confirm'>
          <View className='mall-row'>
            <Text>数量</Text>
            <View className='mall-chips'>
              <Text className='mall-chip' onClick={() => setQuantity((q) => Math.max(1, q - 1))}>
                −
              </Text>
              <Text className='mall-chip'>{quantity}</Text>
              <Text className='mall-chip' onClick={() => setQuantity((q) => Math.min(item.left, q + 1))}>
                +
              </Text>
            </View>
          </View>
          <View className='mall-row'>
            <Text>消耗积分</Text>
            <Text className='mall-cost'>{cost}</Text>
          </View>
          <View className='mall-row'>
            <Text>兑换后剩余</Text>
            <Text className='mall-balance-preview'>{balance - cost}</Text>
          </View>
          {item.kind === 'physical' ? (
            <>
              <Text className='mall-hint'>收货地址（加密保存）</Text>
              {field('name', '收货人')}
              {field('phone', '手机号')}
              {field('region', '省市区')}
              {field('detail', '详细地址')}
            </>
          ) : null}
          {error ? <Text className='mall-error mall-redeem-error'>{error}</Text> : null}
          <Button className='mall-redeem-confirm' type='primary' block loading={busy} disabled={busy || balance < cost} onClick={() => void submit()}>
            确认兑换
          </Button>
        </View>
      ) : (
        <Button
          className='mall-redeem'
          type='primary'
          block
          disabled={!!item.unavailable || !item.affordable || item.left <= 0}
          onClick={() => setConfirming(true)}
        >
          {item.affordable ? '立即兑换' : '积分不足'}
        </Button>
      )}
    </View>
  )
}
