import { useEffect, useRef } from 'react'
import { View } from '@tarojs/components'
import UCharts from '@qiun/ucharts'
import { chartOptions } from './options'
import type { ChartProps } from './types'

/** The browser's canvas, redrawn at the container's width when the spec or the window changes. */
export function Chart({ spec, className }: ChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null)
  useEffect(() => {
    const draw = () => {
      const el = canvas.current
      const context = el?.getContext('2d')
      if (!el || !context) return
      const width = el.parentElement?.clientWidth ?? 320
      const height = spec.height ?? 220
      const pixelRatio = window.devicePixelRatio || 1
      el.width = width * pixelRatio
      el.height = height * pixelRatio
      el.style.width = `${width}px`
      el.style.height = `${height}px`
      new UCharts({ ...chartOptions(spec, { width, height, pixelRatio }), context })
    }
    draw()
    window.addEventListener('resize', draw)
    return () => window.removeEventListener('resize', draw)
  }, [spec])
  return (
    <View className={`dash-chart ${className}`}>
      <canvas ref={canvas} className='dash-chart__canvas' />
    </View>
  )
}
