/** What a dashboard chart shows: the library's options are built from it (`options.ts`). */
export interface ChartSpec {
  type: 'column' | 'line' | 'ring' | 'bar'
  categories?: string[]
  series: { name: string; data: number[] }[] | { name: string; value: number }[]
  /** CSS pixels; the width is the container's */
  height?: number
  /** y-axis values shown as yuan (fen in, ¥ out) */
  money?: boolean
}

export interface ChartProps {
  spec: ChartSpec
  /** the chart's class (tests find it by this) */
  className: string
}
