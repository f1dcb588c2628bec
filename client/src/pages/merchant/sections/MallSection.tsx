import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { MALL_IMAGE_MAX_BYTES } from '@shared/rules/mall'
import { adminItems, createItem, listOrders, restock, shipOrder, updateItem, type MallItemView } from '@/api/mall'
import { uploadFile } from '@/api/storage'
import { Button, Image, Input } from '@/components/nutui'
import { dateTime } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { ErrorText, Section, SectionLoading, wholeNumber } from './common'

const STATUS_TEXT = { paid: '待发货', shipped: '已发货', completed: '已完成', cancelled: '已取消' } as const
// Inline: this section's styles stay in its own file while the console is split into pages.
const THUMBS_STYLE = { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '8px', margin: '6px 0' } as const
const PICTURE_STYLE = { display: 'flex', flexDirection: 'column', alignItems: 'center' } as const
const REMOVE_STYLE = { fontSize: '12px', color: '#d4380d', marginTop: '2px' } as const

/** An item holds 9 pictures at most (the schema's cap). */
const MAX_IMAGES = 9

/** A picture chosen for the new item: its file id once uploaded, and the local file to preview it by. */
type Picture = { fileID: string; preview: string }

/** Where an uploaded picture is kept: `mall/<yyyymmdd>/<random>.<ext>` (the extension from the chosen file, if it has one). */
function picturePath(file: { path: string; type?: string }): string {
  const ext = /\.(jpe?g|png|webp)$/i.exec(file.path)?.[1] ?? /image\/(jpeg|png|webp)/.exec(file.type ?? '')?.[1] ?? 'jpg'
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '')
  return `mall/${day}/${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.${ext.toLowerCase()}`
}

/** 积分商城: items (on / off shelf, restock, a new one) and the orders to ship. */
export function MallSection() {
  const items = useRemote(() => adminItems(), [])
  const orders = useRemote(() => listOrders(), [])
  const [error, setError] = useState<string | null>(null)
  const [form, setForm] = useState({ title: '', points: '', stock: '', category: '周边', template: '' })
  const [ship, setShip] = useState<Record<string, { carrier: string; trackingNo: string }>>({})
  const [pictures, setPictures] = useState<Picture[]>([])
  const [uploading, setUploading] = useState(false)
  // The new item's problems are shown beside its button, where the merchant is looking.
  const [formError, setFormError] = useState<string | null>(null)

  /** Chosen pictures go straight to cloud storage; the function checks each (type, ≤ 2 MB) when the item is saved. */
  const pickPictures = async () => {
    setFormError(null)
    const chosen = await Taro.chooseImage({ count: MAX_IMAGES - pictures.length, sizeType: ['compressed'], sourceType: ['album', 'camera'] }).catch(() => null)
    if (!chosen) return
    setUploading(true)
    for (const file of chosen.tempFiles as { path: string; size: number; type?: string }[]) {
      // Refused here too, before the upload costs the merchant's data: the server's check is the one that holds.
      if (file.size > MALL_IMAGE_MAX_BYTES) {
        setFormError('商品图片不能超过 2 MB，请压缩后重新选择')
        continue
      }
      const res = await uploadFile(file.path, picturePath(file))
      if (!res.ok) {
        setFormError(res.message)
        continue
      }
      setPictures((p) => [...p, { fileID: res.data.fileID, preview: file.path }])
    }
    setUploading(false)
  }

  const toggle = async (i: MallItemView) => {
    setFormError(null)
    const { itemId, stock: _s, sold: _o, version, ...fields } = i
    const res = await updateItem({ itemId, expectedVersion: version, ...fields, status: i.status === 'on' ? 'off' : 'on' })
    if (!res.ok) setFormError(res.message)
    void items.reload({ quiet: true })
  }
  const addStock = async (itemId: string) => {
    const res = await restock(itemId, 10)
    if (!res.ok) setFormError(res.message)
    void items.reload({ quiet: true })
  }
  const create = async () => {
    setFormError(null)
    const points = wholeNumber(form.points)
    const stock = wholeNumber(form.stock)
    if (!points || stock === null) return setFormError('积分和库存应为整数')
    const template = form.template.trim()
    const res = await createItem({
      kind: template ? 'coupon' : 'physical',
      title: form.title.trim(),
      pointsPrice: points,
      stock,
      category: form.category.trim(),
      couponTemplateId: template || null,
      images: pictures.map((p) => p.fileID),
    })
    if (!res.ok) return setFormError(res.message)
    setForm({ title: '', points: '', stock: '', category: form.category, template: '' })
    setPictures([])
    void items.reload({ quiet: true })
  }
  const doShip = async (orderId: string) => {
    const s = ship[orderId] ?? { carrier: '', trackingNo: '' }
    const res = await shipOrder(orderId, s.carrier.trim(), s.trackingNo.trim())
    if (!res.ok) setError(res.message)
    void orders.reload({ quiet: true })
  }

  return (
    <Section className='merchant-mall'>
      <ErrorText message={error} />
      {items.state.status !== 'ready' ? (
        <SectionLoading error={items.state.status === 'error' ? items.state.message : null} />
      ) : (
        items.state.data.items.map((i) => (
          <View key={i.itemId} className={`merchant-fraud-item merchant-mall-item merchant-mall-item--${i.itemId}`}>
            {i.images.length ? (
              <View className='merchant-mall-thumbs' style={THUMBS_STYLE}>
                {i.images.map((ref) => (
                  <Image
                    key={ref}
                    className='merchant-mall-thumb'
                    src={/^https:\/\//i.test(ref) ? ref : ((items.state.status === 'ready' ? items.state.data.imageUrls[ref] : undefined) ?? '')}
                    mode='aspectFill'
                    width='56px'
                    height='56px'
                    radius='4px'
                  />
                ))}
              </View>
            ) : null}
            <Text className='merchant-access-item__who'>
              {i.title}
              {i.status === 'off' ? '（已下架）' : ''}
            </Text>
            <Text className='merchant-hint'>
              {i.pointsPrice} 积分 · 库存 {i.stock} · 已兑 {i.sold} · {i.category}
            </Text>
            <View className='merchant-fraud-item__actions'>
              <Button size='small' className='merchant-mall-toggle' onClick={() => void toggle(i)}>
                {i.status === 'on' ? '下架' : '上架'}
              </Button>
              {i.kind !== 'virtual' ? (
                <Button size='small' className='merchant-mall-restock' onClick={() => void addStock(i.itemId)}>
                  补货 10
                </Button>
              ) : null}
            </View>
          </View>
        ))
      )}

      <Text className='merchant-row merchant-label'>新建商品（填券模板 ID 即为优惠券商品）</Text>
      {(
        [
          ['名称', 'title'],
          ['积分', 'points'],
          ['库存', 'stock'],
          ['分类', 'category'],
          ['券模板 ID（选填）', 'template'],
        ] as [string, keyof typeof form][]
      ).map(([label, key]) => (
        <View key={key} className='merchant-row'>
          <Text className='merchant-label'>{label}</Text>
          <View className={`merchant-field merchant-mall-${key}`}>
            <Input value={form[key]} onChange={(v) => setForm((f) => ({ ...f, [key]: v }))} />
          </View>
        </View>
      ))}
      <View className='merchant-row'>
        <Text className='merchant-label'>商品图片（JPG / PNG / WebP，每张不超过 2 MB，最多 {MAX_IMAGES} 张）</Text>
      </View>
      <View className='merchant-mall-thumbs merchant-mall-pictures' style={THUMBS_STYLE}>
        {pictures.map((p) => (
          <View key={p.fileID} className='merchant-mall-picture' style={PICTURE_STYLE}>
            <Image className='merchant-mall-thumb' src={p.preview} mode='aspectFill' width='72px' height='72px' radius='4px' />
            <Text className='merchant-mall-picture-remove' style={REMOVE_STYLE} onClick={() => setPictures((all) => all.filter((x) => x.fileID !== p.fileID))}>
              移除
            </Text>
          </View>
        ))}
        {pictures.length < MAX_IMAGES ? (
          <Button size='small' className='merchant-mall-upload' loading={uploading} disabled={uploading} onClick={() => void pickPictures()}>
            上传图片
          </Button>
        ) : null}
      </View>
      <ErrorText message={formError} />
      <Button className='merchant-mall-create' type='primary' disabled={uploading} onClick={() => void create()}>
        创建商品
      </Button>

      <Text className='merchant-row merchant-label'>兑换订单</Text>
      {orders.state.status !== 'ready' ? (
        <SectionLoading error={orders.state.status === 'error' ? orders.state.message : null} />
      ) : orders.state.data.orders.length === 0 ? (
        <Text className='merchant-empty'>暂无兑换订单</Text>
      ) : (
        orders.state.data.orders.map((o) => (
          <View key={o.orderId} className='merchant-access-item merchant-mall-order'>
            <Text className='merchant-access-item__who'>
              {o.title} ×{o.quantity} · {STATUS_TEXT[o.status]}
            </Text>
            <Text className='merchant-hint'>
              会员 {o.memberId} · {o.pointsSpent} 积分 · {dateTime(o.createdAt)}
            </Text>
            {o.address ? <Text className='merchant-hint'>{`${o.address.name} ${o.address.phone} ${o.address.region}${o.address.detail}`}</Text> : null}
            {o.shipping ? <Text className='merchant-hint'>{`${o.shipping.carrier} ${o.shipping.trackingNo}`}</Text> : null}
            {o.kind === 'physical' && o.status === 'paid' ? (
              <View className='merchant-fraud-item__actions'>
                <View className='merchant-field'>
                  <Input
                    placeholder='快递公司'
                    value={ship[o.orderId]?.carrier ?? ''}
                    onChange={(v) => setShip((s) => ({ ...s, [o.orderId]: { carrier: v, trackingNo: s[o.orderId]?.trackingNo ?? '' } }))}
                  />
                </View>
                <View className='merchant-field'>
                  <Input
                    placeholder='运单号'
                    value={ship[o.orderId]?.trackingNo ?? ''}
                    onChange={(v) => setShip((s) => ({ ...s, [o.orderId]: { carrier: s[o.orderId]?.carrier ?? '', trackingNo: v } }))}
                  />
                </View>
                <Button size='small' type='primary' className='merchant-mall-ship' onClick={() => void doShip(o.orderId)}>
                  发货
                </Button>
              </View>
            ) : null}
          </View>
        ))
      )}
    </Section>
  )
}
