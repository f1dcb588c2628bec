import { View, Text } from '@tarojs/components'
import Taro, { useDidShow } from '@tarojs/taro'
import { couponSummary } from '@/api/coupon'
import { useRemote } from '@/hooks/useRemote'

/** The member card's coupon line: how many unused coupons (and how many end soon), to 我的券; and 领券中心. */
export function CouponLink() {
  const { state, reload } = useRemote(() => couponSummary(), [])
  useDidShow(() => void reload({ quiet: true }))
  const s = state.status === 'ready' ? state.data : null
  return (
    <>
      <View className='member-link member-coupons-link' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/mine/index' })}>
        <Text className='member-link__text'>
          我的券 <Text className='member-coupon-count'>{s ? s.unused : '…'}</Text> 张{s && s.expiringSoon > 0 ? `（${s.expiringSoon} 张即将过期）` : ''}
        </Text>
        <Text className='member-link__arrow'>›</Text>
      </View>
      <View className='member-link member-coupon-center-link' onClick={() => void Taro.navigateTo({ url: '/pages/coupons/center/index' })}>
        <Text className='member-link__text'>领券中心</Text>
        <Text className='member-link__arrow'>›</Text>
      </View>
    </>
  )
}
