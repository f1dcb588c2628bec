import type { UChartsOptions } from '@qiun/ucharts'
import type { ChartSpec } from './types'

const PALETTE = ['#fa2c19', '#1890ff', '#91cb74', '#fac858', '#73c0de', '#9a60b4', '#ea7ccc', '#3ca272']

/** The uCharts options of a spec, at `pixelRatio` (the library draws in device pixels). */
export function chartOptions(spec: ChartSpec, size: { width: number; height: number; pixelRatio: number }): Omit<UChartsOptions, 'context'> {
  const pix = size.pixelRatio
  const common = {
    width: size.width * pix,
    height: size.height * pix,
    pixelRatio: pix,
    animation: false,
    background: '#FFFFFF',
    color: PALETTE,
    fontSize: 11,
    padding: [12, 12, 4, 4],
    legend: { show: true, position: 'bottom', fontSize: 11, lineHeight: 14 },
  }
  if (spec.type === 'ring') {
    const data = spec.series as { name: string; value: number }[]
    return {
      ...common,
      type: 'ring',
      series: [{ name: '', data }],
      dataLabel: true,
      legend: { show: true, position: 'right', fontSize: 11, lineHeight: 16 },
      extra: { ring: { ringWidth: 18 * pix, offsetAngle: -90, labelWidth: 8, border: false } },
    }
  }
  const series = spec.series as { name: string; data: number[] }[]
  const many = (spec.categories?.length ?? 0) > 6
  return {
    ...common,
    type: spec.type,
    categories: spec.categories ?? [],
    series: series.map((s) => ({ name: s.name, data: spec.money ? s.data.map((v) => Math.round(v / 100)) : s.data })),
    dataLabel: !many && spec.type !== 'line',
    dataPointShape: !many,
    xAxis: { disableGrid: true, fontSize: 10, rotateLabel: many, rotateAngle: 40, labelCount: many ? 12 : undefined },
    yAxis: { gridType: 'dash', dashLength: 4, data: [{ min: 0, format: spec.money ? 'yuan' : undefined }] },
    extra: { column: { type: 'group', width: many ? 8 : 16, seriesGap: 2 }, bar: { type: 'group', width: 14 }, line: { type: 'straight', width: 2 } },
  }
}
