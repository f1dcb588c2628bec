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
      // Wider on a desktop browser: taller, with larger labels (the page's rem-scaled text grows too).
      const scale = Math.min(1.6, Math.max(1, width / 360))
      const height = Math.round((spec.height ?? 220) * scale)
      const pixelRatio = window.devicePixelRatio || 1
      el.width = width * pixelRatio
      el.height = height * pixelRatio
      el.style.width = `${width}px`
      el.style.height = `${height}px`
      new UCharts({ ...chartOptions(spec, { width, height, pixelRatio }), fontSize: Math.round(11 * scale), context })
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
