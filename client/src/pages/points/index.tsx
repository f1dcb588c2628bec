import { View, Text } from '@tarojs/components'
import './index.scss'

export default function PointsPage() {
  return (
    <View className='points-page'>
      <Text className='points-page__title'>积分明细</Text>
      <Text className='points-page__hint'>即将上线</Text>
    </View>
  )
}
