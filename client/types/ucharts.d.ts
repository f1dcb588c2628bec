/**
 * The part of uCharts 2.5 (`@qiun/ucharts`, shipped untyped) the dashboard uses: a chart drawn at
 * construction on a canvas 2D context (the browser's, or a mini-program `<canvas type="2d">` node's).
 */
declare module '@qiun/ucharts' {
  export interface UChartsSeries {
    name: string
    data: (number | null)[] | { name: string; value: number }[]
    type?: 'column' | 'line'
    index?: number
    color?: string
  }
  export interface UChartsOptions {
    type: 'column' | 'bar' | 'line' | 'area' | 'ring' | 'pie' | 'mix'
    context: unknown
    width: number
    height: number
    pixelRatio?: number
    canvas2d?: boolean
    animation?: boolean
    background?: string
    color?: string[]
    padding?: number[]
    fontSize?: number
    categories?: string[]
    series: UChartsSeries[]
    dataLabel?: boolean
    dataPointShape?: boolean
    legend?: Record<string, unknown>
    xAxis?: Record<string, unknown>
    yAxis?: Record<string, unknown>
    extra?: Record<string, unknown>
  }
  export default class UCharts {
    constructor(options: UChartsOptions)
    updateData(data: Partial<UChartsOptions>): void
  }
}
