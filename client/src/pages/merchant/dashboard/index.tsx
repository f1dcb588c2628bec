import { useCallback, useEffect, useMemo, useState } from 'react'
import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import { addBusinessDays, businessDate } from '@shared/calendar'
import type { DashboardView } from '@shared/rules/dashboard'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { formatYuan } from '@/format'
import { useRequireRole } from '@/hooks/useRequireRole'
import { loadDashboard } from '@/api/dashboard'
import { Chart } from './components/Chart'
import type { ChartSpec } from './components/Chart/types'
import type { CsvTable } from './csv'
import { exportCsv } from './export-csv'
import { cohortTable, monthlyTable, percent, rfmTable, storesTable, tiersTable } from './tables'
import './index.scss'

const RANGES = [
  { id: '30', label: '近30天', days: 30 },
  { id: '90', label: '近90天', days: 90 },
  { id: '365', label: '近12个月', days: 365 },
] as const
type RangeId = (typeof RANGES)[number]['id']

type DashState = { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; view: DashboardView }

/** `2026-03` → `26年3月` (chart labels stay short on a phone). */
const shortMonth = (month: string) => `${month.slice(2, 4)}年${Number(month.slice(5))}月`

/**
 * 数据看板 (issue 21 item 5): the merchant's figures from the nightly snapshots (`crm.dashboard`),
 * the points liability live. Cards, charts (uCharts, this subpackage only), and every table with its
 * CSV export. One column on a phone, two on a desktop browser.
 */
export default function DashboardPage() {
  const { state: roleState, reload } = useRequireRole(['merchant'])
  const [range, setRange] = useState<RangeId>('365')
  const [state, setState] = useState<DashState>({ status: 'loading' })

  const load = useCallback(async (id: RangeId) => {
    setState({ status: 'loading' })
    const today = businessDate(Date.now())
    const days = RANGES.find((r) => r.id === id)?.days ?? 365
    const res = await loadDashboard(addBusinessDays(today, -(days - 1)), today)
    setState(res.ok ? { status: 'ready', view: res.data } : { status: 'error', message: res.message })
  }, [])

  useEffect(() => {
    if (roleState.status === 'ready') void load(range)
  }, [roleState.status, range, load])

  if (roleState.status !== 'ready') {
    return (
      <View className='dash-page'>
        <PageStatus
          className='dash-status'
          status={roleState.status}
          message={roleState.status === 'error' ? roleState.message : undefined}
          onRetry={() => void reload()}
        />
      </View>
    )
  }
  return (
    <View className='dash-page'>
      <View className='dash-head'>
        <Text className='dash-head__title'>数据看板</Text>
        <View className='dash-ranges'>
          {RANGES.map((r) => (
            <Button
              key={r.id}
              className={`dash-range dash-range-${r.id}`}
              size='small'
              type={r.id === range ? 'primary' : 'default'}
              onClick={() => setRange(r.id)}
            >
              {r.label}
            </Button>
          ))}
        </View>
      </View>
      <DashBody state={state} onRetry={() => void load(range)} />
    </View>
  )
}

function DashBody({ state, onRetry }: { state: DashState; onRetry: () => void }) {
  switch (state.status) {
    case 'loading':
      return <PageStatus className='dash-status' status='loading' />
    case 'error':
      return <PageStatus className='dash-status' status='error' message={state.message} onRetry={onRetry} />
    case 'ready':
      return <DashReady view={state.view} />
  }
}

function Card({ label, value, note, id }: { label: string; value: string; note?: string; id: string }) {
  return (
    <View className={`dash-card dash-card-${id}`}>
      <Text className='dash-card__label'>{label}</Text>
      <Text className='dash-card__value'>{value}</Text>
      {note ? <Text className='dash-card__note'>{note}</Text> : null}
    </View>
  )
}

function DashReady({ view }: { view: DashboardView }) {
  const charts = useMemo(() => chartsOf(view), [view])
  const liability = view.pointsLiability
  return (
    <View className='dash-body'>
      <Text className='dash-muted dash-asof'>
        {view.from} 至 {view.to}，数据截至 {view.asOf ?? '—'}（每日 00:30 更新；积分负债为实时）
      </Text>
      {view.alerts.map((a) => (
        <View key={a.kind} className={`dash-alert dash-alert-${a.kind}`}>
          <Text>⚠ {a.message}</Text>
        </View>
      ))}
      <View className='dash-cards'>
        <Card id='members' label='会员总数' value={String(view.members.total)} note={`新增 ${view.members.new}`} />
        <Card id='active' label='近30天活跃' value={String(view.members.active30d)} />
        <Card id='repurchase' label='复购率' value={percent(view.repurchaseRate)} note={`${view.repurchasers}/${view.buyers} 位消费会员`} />
        <Card id='liability' label='积分负债' value={formatYuan(liability.valueFen)} note={`${liability.points} 积分 × ${view.settings.pointValueFen} 分`} />
        <Card id='expiring' label='即将过期积分' value={String(liability.expiring30)} note={`90天内 ${liability.expiring90}`} />
        <Card id='redemption' label='积分兑换率' value={percent(view.redemptionRate)} note={`预警线 ${view.settings.redemptionAlertPercent}%`} />
        <Card id='breakage' label='积分过期率' value={percent(view.breakageRate)} note={`发放 ${view.points.issued}，过期 ${view.points.expired}`} />
        <Card id='coupons' label='优惠券核销率' value={percent(view.coupons.useRate)} note={`发放 ${view.coupons.issued}，核销 ${view.coupons.used}`} />
        <Card id='mall' label='积分商城兑换' value={String(view.mall.redemptions)} note={`消耗 ${view.mall.points} 积分`} />
      </View>
      <View className='dash-grid'>
        <Panel title='每月新增会员' table={monthlyTable(view)} chart={charts.members} id='members' />
        <Panel title='积分发放 / 兑换 / 过期（每月）' chart={charts.points} id='points' />
        <Panel title='门店销售额（元）' table={storesTable(view)} chart={charts.stores} id='stores' />
        <Panel title='会员等级分布' table={tiersTable(view)} chart={charts.tiers} id='tiers' />
        <Panel title='RFM 分群' table={rfmTable(view)} chart={charts.rfm} id='rfm' />
        <Panel title='月留存（按注册月份）' table={cohortTable(view)} id='cohorts' wide />
      </View>
    </View>
  )
}

function chartsOf(view: DashboardView): Record<'members' | 'points' | 'stores' | 'tiers' | 'rfm', ChartSpec> {
  const months = view.months.map((m) => shortMonth(m.month))
  return {
    members: { type: 'column', categories: months, series: [{ name: '新增会员', data: view.months.map((m) => m.newMembers) }] },
    points: {
      type: 'column',
      categories: months,
      series: [
        { name: '发放', data: view.months.map((m) => m.issued) },
        { name: '兑换', data: view.months.map((m) => m.redeemed) },
        { name: '过期', data: view.months.map((m) => m.expired) },
      ],
    },
    stores: {
      type: 'column',
      categories: view.stores.map((s) => s.name),
      series: [{ name: '销售额', data: view.stores.map((s) => s.amountFen - s.refundedFen) }],
      money: true,
    },
    tiers: { type: 'ring', series: view.tiers.map((t) => ({ name: t.name, value: t.count })) },
    rfm: { type: 'bar', categories: view.rfm.map((r) => r.segment), series: [{ name: '人数', data: view.rfm.map((r) => r.count) }], height: 260 },
  }
}

function Panel({ title, chart, table, id, wide }: { title: string; chart?: ChartSpec; table?: CsvTable; id: string; wide?: boolean }) {
  const onExport = async (t: CsvTable) => {
    const res = await exportCsv(t)
    void Taro.showToast({ title: res.message, icon: 'none' })
  }
  return (
    <View className={`dash-panel dash-panel-${id}${wide ? ' dash-panel--wide' : ''}`}>
      <View className='dash-panel__head'>
        <Text className='dash-panel__title'>{title}</Text>
        {table ? (
          <Button className={`dash-export dash-export-${id}`} size='small' fill='outline' onClick={() => void onExport(table)}>
            导出 CSV
          </Button>
        ) : null}
      </View>
      {chart ? <Chart spec={chart} className={`dash-chart-${id}`} /> : null}
      {table ? <Table table={table} /> : null}
    </View>
  )
}

function Table({ table }: { table: CsvTable }) {
  return (
    <View className='dash-table'>
      <View className='dash-table__row dash-table__row--head'>
        {table.headers.map((h) => (
          <Text key={h} className='dash-table__cell'>
            {h}
          </Text>
        ))}
      </View>
      {table.rows.map((row, i) => (
        <View key={i} className='dash-table__row'>
          {row.map((cell, j) => (
            <Text key={j} className='dash-table__cell'>
              {cell ?? ''}
            </Text>
          ))}
        </View>
      ))}
      {table.rows.length === 0 ? <Text className='dash-muted'>暂无数据</Text> : null}
    </View>
  )
}
