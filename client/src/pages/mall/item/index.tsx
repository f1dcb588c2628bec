import { useMemo, useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
// Vant's province / city / district list (MIT, @vant/area-data: the national administrative division codes, with 港澳台).
import { useCascaderAreaData as regionOptions } from '@vant/area-data'
import { getItem, lastAddress, redeem, type Address } from '@/api/mall'
import { newRequestId } from '@/api/coupon'
import { Address as RegionPicker, Button, Cell, CellGroup, Dialog, Image, Input, InputNumber } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { useRemote } from '@/hooks/useRemote'
import { formatYuan } from '@/format'
import { addressLabel, addressProblem } from '@shared/rules/mall'
import { EMPTY_ADDRESS } from '../address'
import { imageSrc } from '../images'
import { price } from '../price'
import '../mall.scss'

type Done = { orderId: string; pointsSpent: number; balanceAfter: number; couponIds: string[]; codes: string[] }

/**
 * 商品详情 and the confirmation: what it costs, the balance after, a shipping address for goods
 * (the region from a picker, the last order's address filled in); a dialog says what will happen
 * before the points are spent. The request id is kept until answered, so a double tap or a retry
 * redeems once.
 */
export default function MallItemPage() {
  const itemId = useRouter().params.id ?? ''
  const { state, reload } = useRemote(() => getItem(itemId), [itemId])
  const [confirming, setConfirming] = useState(false)
  const [asking, setAsking] = useState(false)
  const [picking, setPicking] = useState(false)
  const [quantity, setQuantity] = useState(1)
  const [address, setAddress] = useState<Address>(EMPTY_ADDRESS)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [done, setDone] = useState<Done | null>(null)
  const requestId = useRef<string | null>(null)
  // The list (about 3,600 places) is built when the picker first opens, not with the page.
  const [regionsWanted, setRegionsWanted] = useState(false)
  const regions = useMemo(() => (regionsWanted ? regionOptions() : []), [regionsWanted])

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  if (state.status !== 'ready') {
    return (
      <View className='mall-page'>
        <PageStatus status={state.status} message={state.status === 'error' ? state.message : undefined} onRetry={() => void reload()} />
      </View>
    )
  }
  const { item, balance, imageUrls } = state.data
  const cost = item.pointsPrice * quantity
  const physical = item.kind === 'physical'

  const startConfirm = async () => {
    setConfirming(true)
    if (!physical) return
    // The last order's address fills the form; the member changes what moved.
    const last = await lastAddress()
    // Only into an untouched form: what the member typed meanwhile wins.
    if (last.ok && last.data.address) setAddress((a) => (Object.values(a).every((v) => v === '') ? (last.data.address ?? a) : a))
  }
  const ask = () => {
    const problem = physical ? addressProblem(address) : null
    setError(problem)
    if (!problem) setAsking(true)
  }
  const submit = async () => {
    setAsking(false)
    setBusy(true)
    setError(null)
    requestId.current ??= newRequestId('redeem')
    const res = await redeem({ itemId, quantity, requestId: requestId.current, ...(physical ? { address } : {}) })
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
  const edit = (change: Partial<Address>) => {
    setError(null)
    setAddress((a) => ({ ...a, ...change }))
  }
  // A cell's own children replace its title: the label is drawn beside the input here.
  const field = (key: 'name' | 'phone' | 'detail', type: 'text' | 'tel' = 'text') => (
    <Cell key={key} className={`mall-address-${key}`}>
      <View className='mall-address-row'>
        <Text className='mall-address-label'>{addressLabel(key)}</Text>
        <Input type={type} placeholder={`请填写${addressLabel(key)}`} value={address[key]} onChange={(v) => edit({ [key]: v })} />
      </View>
    </Cell>
  )
  const cover = imageSrc(item.images[0], imageUrls)
  const afterText = physical ? '未发货前可在「我的兑换」取消，积分退回。' : '兑换后不可取消。'
  return (
    <View className='mall-page mall-item-page'>
      {cover ? <Image className='mall-cover' src={cover} mode='aspectFill' width='100%' height='160px' radius='8px' /> : null}
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
        <View className='mall-confirm'>
          <CellGroup>
            <Cell
              title='数量'
              extra={<InputNumber className='mall-quantity' value={quantity} min={1} max={Math.max(1, item.left)} onChange={(v) => setQuantity(Number(v))} />}
            />
            <Cell title='消耗积分' extra={<Text className='mall-cost'>{cost}</Text>} />
            <Cell title='兑换后剩余' extra={<Text className='mall-balance-preview'>{balance - cost}</Text>} />
          </CellGroup>
          {physical ? (
            <CellGroup title='收货地址（加密保存）' className='mall-address'>
              {field('name')}
              {field('phone', 'tel')}
              <Cell
                className='mall-address-region'
                title={addressLabel('region')}
                extra={<Text className={address.region ? 'mall-region' : 'mall-region mall-hint'}>{address.region || '请选择省 / 市 / 区'}</Text>}
                clickable
                onClick={() => {
                  setRegionsWanted(true)
                  setPicking(true)
                }}
              />
              {field('detail')}
            </CellGroup>
          ) : null}
          {error ? <Text className='mall-error mall-redeem-error'>{error}</Text> : null}
          <Button className='mall-redeem-confirm' type='primary' block loading={busy} disabled={busy || balance < cost} onClick={ask}>
            确认兑换
          </Button>
        </View>
      ) : (
        <Button
          className='mall-redeem'
          type='primary'
          block
          disabled={!!item.unavailable || !item.affordable || item.left <= 0}
          onClick={() => void startConfirm()}
        >
          {item.affordable ? '立即兑换' : '积分不足'}
        </Button>
      )}
      <RegionPicker
        className='mall-region-picker'
        visible={picking}
        type='cascader'
        title='选择所在地区'
        options={regions}
        onChange={(_value, nodes) => {
          // Answered once the last level is chosen (a district; a city for the few without districts).
          edit({ region: nodes.map((n) => n.text ?? '').join(' ') })
          setPicking(false)
        }}
        onClose={() => setPicking(false)}
      />
      <Dialog
        className='mall-redeem-dialog'
        visible={asking}
        title='确认兑换'
        content={
          <Text className='mall-dialog-text'>
            {`将消耗 ${cost} 积分兑换「${item.title}」×${quantity}${item.cashFen > 0 ? `（另付 ${formatYuan(item.cashFen * quantity)}）` : ''}，兑换后剩余 ${balance - cost} 积分，库存减少 ${quantity} 件。${afterText}`}
          </Text>
        }
        confirmText='确认兑换'
        cancelText='再想想'
        onConfirm={() => void submit()}
        onCancel={() => setAsking(false)}
        onClose={() => setAsking(false)}
      />
    </View>
  )
}
