import { View, Text } from '@tarojs/components'
import type { ChartProps } from './types'

/**
 * A dashboard chart (uCharts on a canvas). Taro picks the platform file: `index.h5.tsx` draws on a
 * browser canvas, `index.weapp.tsx` on a `<Canvas type="2d">` node. This file is the type anchor and
 * the answer on any other platform: the figures are in the tables below each chart.
 */
export function Chart({ className }: ChartProps) {
  return (
    <View className={`dash-chart ${className}`}>
      <Text className='dash-muted'>图表见下方表格</Text>
    </View>
  )
}
