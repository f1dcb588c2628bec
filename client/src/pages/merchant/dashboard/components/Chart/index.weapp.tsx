import { useEffect, useId } from 'react'
import Taro from '@tarojs/taro'
import { Canvas, View } from '@tarojs/components'
import UCharts from '@qiun/ucharts'
import { chartOptions } from './options'
import type { ChartProps } from './types'

/** A `<Canvas type="2d">` (the same-layer canvas), found by id once rendered, drawn at the device's pixel ratio. */
export function Chart({ spec, className }: ChartProps) {
  // React's id (`:r1:`) without the colons a selector cannot hold
  const id = `dash-chart-${useId().replace(/[^A-Za-z0-9]/g, '')}`
  const height = spec.height ?? 220
  useEffect(() => {
    Taro.nextTick(() => {
      Taro.createSelectorQuery()
        .select(`#${id}`)
        .fields({ node: true, size: true })
        .exec((res: { node?: { width: number; height: number; getContext(kind: '2d'): unknown }; width: number; height: number }[]) => {
          const found = res?.[0]
          if (!found?.node) return
          const pixelRatio = Taro.getSystemInfoSync().pixelRatio
          found.node.width = found.width * pixelRatio
          found.node.height = found.height * pixelRatio
          new UCharts({ ...chartOptions(spec, { width: found.width, height: found.height, pixelRatio }), context: found.node.getContext('2d'), canvas2d: true })
        })
    })
  }, [id, spec])
  return (
    <View className={`dash-chart ${className}`}>
      <Canvas type='2d' id={id} className='dash-chart__canvas' style={{ width: '100%', height: `${height}px` }} />
    </View>
  )
}
