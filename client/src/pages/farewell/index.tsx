import { View, Text } from '@tarojs/components'
import { Button } from '@/components/nutui'
import { BRAND_NAME } from '@/brand'
import { go } from '@/navigation'
import './index.scss'

/**
 * After 注销会员 (and on every later open until the person rejoins): no card is created by opening
 * the app again; rejoining is an explicit 开卡, without a second registration gift.
 */
export default function FarewellPage() {
  return (
    <View className='farewell-page'>
      <Text className='farewell-title'>您已注销{BRAND_NAME}会员</Text>
      <Text className='farewell-text'>您的昵称、头像、手机号和生日已清除，积分已作废。感谢您一路相伴。</Text>
      <Text className='farewell-text'>如需再次成为会员，可随时重新开卡（注册礼每人仅限一次）。</Text>
      <Button className='farewell-rejoin' type='primary' block onClick={() => go('/pages/join/index')}>
        重新开卡
      </Button>
      <Text className='farewell-policy' onClick={() => go('/pages/legal/index?doc=privacy')}>
        我们保留了什么？查看《隐私政策》
      </Text>
    </View>
  )
}
