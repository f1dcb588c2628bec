import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { listItems, type MallShelfItem } from '@/api/mall'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { price } from './price'
import { imageSrc } from './images'
import { Image, Tabs } from '@/components/nutui'
import { useRemote } from '@/hooks/useRemote'
import './mall.scss'

type Sort = 'default' | 'points_asc' | 'points_desc'
const ALL = '全部'
const KIND_TEXT: Record<MallShelfItem['kind'], string> = { coupon: '优惠券', physical: '实物', virtual: '虚拟商品' }
const SORT_NEXT: Record<Sort, Sort> = { default: 'points_asc', points_asc: 'points_desc', points_desc: 'default' }
const SORT_TEXT: Record<Sort, string> = { default: '默认排序', points_asc: '积分从低到高', points_desc: '积分从高到低' }

/** 积分商城: categories, 我能兑换 (what the balance covers), sort by points. */
export default function MallPage() {
  const [category, setCategory] = useState<string | null>(null)
  const [affordable, setAffordable] = useState(false)
  const [sort, setSort] = useState<Sort>('default')
  const { state, reload } = useRemote(
    () => listItems({ ...(category ? { category } : {}), ...(affordable ? { affordable } : {}), sort }),
    [category, affordable, sort],
  )
  useDidShow(() => void reload({ quiet: true }))

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  if (state.status !== 'ready') {
    return (
      <View className='mall-page'>
        <PageStatus status={state.status} message={state.status === 'error' ? state.message : undefined} onRetry={() => void reload()} />
      </View>
    )
  }
  const { items, categories, balance, imageUrls } = state.data
  return (
    <View className='mall-page mall-home'>
      <View className='mall-balance'>
        <Text>
          可用积分 <Text className='mall-balance__value mall-balance-value'>{balance}</Text>
        </Text>
        <Text className='mall-hint mall-orders-link' onClick={() => void Taro.navigateTo({ url: '/pages/mall/orders/index' })}>
          我的兑换 ›
        </Text>
      </View>
      {/* Categories as the kit's tabs; a tab only filters the grid below, so the panes are empty. */}
      <Tabs className='mall-categories' value={category ?? ALL} onChange={(v) => setCategory(v === ALL ? null : String(v))} activeType='simple'>
        {[ALL, ...categories].map((c) => (
          <Tabs.TabPane key={c} title={c} value={c} className={`mall-category mall-category--${c === ALL ? 'all' : c}`} />
        ))}
      </Tabs>
      <View className='mall-chips'>
        <Text className={`mall-chip mall-affordable${affordable ? ' mall-chip--active' : ''}`} onClick={() => setAffordable((a) => !a)}>
          我能兑换
        </Text>
        <Text className={`mall-chip mall-sort${sort !== 'default' ? ' mall-chip--active' : ''}`} onClick={() => setSort(SORT_NEXT[sort])}>
          {SORT_TEXT[sort]}
        </Text>
      </View>
      {items.length === 0 ? <Text className='mall-empty'>暂无商品</Text> : null}
      <View className='mall-grid'>
        {items.map((i) => (
          <View
            key={i.itemId}
            className={`mall-item mall-item--${i.itemId}${i.unavailable || !i.affordable ? ' mall-item--dim' : ''}`}
            onClick={() => void Taro.navigateTo({ url: `/pages/mall/item/index?id=${i.itemId}` })}
          >
            {imageSrc(i.images[0], imageUrls) ? (
              <Image className='mall-item__thumb' src={imageSrc(i.images[0], imageUrls)} mode='aspectFill' width='100%' height='120px' radius='6px' />
            ) : (
              <View className='mall-item__thumb mall-item__thumb--none'>
                <Text>暂无图片</Text>
              </View>
            )}
            <Text className='mall-item__kind'>{KIND_TEXT[i.kind]}</Text>
            <Text className='mall-item__title'>{i.title}</Text>
            <Text className='mall-item__price mall-item-price'>{price(i)}</Text>
            <Text className='mall-item__note'>{i.unavailable ?? (i.affordable ? `剩余 ${i.stock}` : '积分不足')}</Text>
          </View>
        ))}
      </View>
    </View>
  )
}
