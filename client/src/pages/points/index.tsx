import { useCallback, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import type { PointsHistory, PointsHistoryEntry } from '@shared/schemas/points'
import { describePointsLine } from '@shared/rules/points-label'
import { getPointsHistory } from '@/api/points'
import { askSubscribe, canAskSubscribe } from '@/api/subscribe'
import { useSubscribeTemplates } from '@/hooks/useSubscribeTemplates'
import { SubscribeSheet } from '@/components/SubscribeSheet'
import { Cell, CellGroup, TabPane, Tabs } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { formatYuan, monthDay, monthOf, stamp } from '@/format'
import './index.scss'

type State = { status: 'loading' } | { status: 'ready'; data: PointsHistory } | { status: 'error'; code: string; message: string } | { status: 'notMember' }

/** 获得: what came in; 使用: what went out (spent, expired, clawed back, voided); 订单: every purchase. */
type Filter = 'all' | 'in' | 'out' | 'orders'
const FILTERS: { key: Filter; label: string }[] = [
  { key: 'all', label: '全部' },
  { key: 'in', label: '获得' },
  { key: 'out', label: '使用' },
  { key: 'orders', label: '消费记录' },
]
const ORDER_STATE_LABEL: Record<PointsHistory['orders'][number]['state'], string> = {
  none: '不计积分',
  pending: '待生效',
  held: '审核中',
  credited: '已到账',
  voided: '已作废',
  refunded: '已退款',
}

function byMonth(entries: PointsHistoryEntry[]): { month: string; entries: PointsHistoryEntry[] }[] {
  const groups: { month: string; entries: PointsHistoryEntry[] }[] = []
  for (const e of entries) {
    const month = monthOf(e.createdAt)
    const last = groups[groups.length - 1]
    if (last && last.month === month) last.entries.push(e)
    else groups.push({ month, entries: [e] })
  }
  return groups
}

export default function PointsPage() {
  const [state, setState] = useState<State>({ status: 'loading' })
  const [filter, setFilter] = useState<Filter>('all')
  const expiryTemplates = useSubscribeTemplates(['points_expiry'])
  const load = useCallback(async () => {
    const res = await getPointsHistory()
    setState(
      res.ok
        ? { status: 'ready', data: res.data }
        : res.code === 'NOT_A_MEMBER'
          ? { status: 'notMember' }
          : { status: 'error', code: res.code, message: res.message },
    )
  }, [])
  useDidShow(() => {
    void load()
  })
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh())
  })

  if (state.status === 'notMember') return <NotAMember />
  if (state.status === 'loading') return <PageStatus status='loading' className='points-page' />
  if (state.status === 'error')
    return <PageStatus status='error' code={state.code} message={state.message} onRetry={() => void load()} className='points-page points-error' />
  const { summary, pendingLots, expiring, orders } = state.data
  const entries = state.data.entries.filter((e) => (filter === 'in' ? e.points > 0 : filter === 'out' ? e.points < 0 : true))
  const expiringTotal = expiring.reduce((s, l) => s + l.amount, 0)
  return (
    <View className='points-page points-history'>
      <SubscribeSheet />
      <View className='points-summary'>
        <View className='points-summary__item'>
          <Text className='points-summary__value points-available'>{summary.available}</Text>
          <Text className='points-summary__label'>可用积分</Text>
        </View>
        <View className='points-summary__item'>
          <Text className='points-summary__value points-pending'>{summary.pending}</Text>
          <Text className='points-summary__label'>待生效</Text>
        </View>
      </View>
      {expiringTotal > 0 ? (
        <View className='points-expiring'>
          <Text className='points-expiring__text'>
            即将过期 <Text className='points-expiring-total'>{expiringTotal}</Text> 积分（
            {expiring.map((l) => `${monthDay(l.expiresOn)}前 ${l.amount}`).join('，')}）
          </Text>
        </View>
      ) : null}
      {canAskSubscribe && expiryTemplates.length > 0 ? (
        // Before a points-expiry reminder can be sent, the member must have accepted one (from this tap).
        <View className='points-subscribe' onClick={() => void askSubscribe(expiryTemplates)}>
          <Text className='points-subscribe__text'>积分到期前提醒我</Text>
        </View>
      ) : null}
      {pendingLots.length > 0 ? (
        <View className='points-pending-list'>
          {pendingLots.map((l, i) => (
            <Text key={i} className='points-pending-lot'>
              {l.amount} 积分{l.held ? '审核中，审核通过后发放' : `将于 ${monthDay(l.maturesOn)} 生效`}
            </Text>
          ))}
        </View>
      ) : null}
      {summary.debt > 0 ? <Text className='points-debt'>待抵扣 {summary.debt} 积分（将从之后获得的积分中扣除）</Text> : null}
      <Tabs className='points-filters' value={filter} activeType='smile' onChange={(v) => setFilter(v as Filter)}>
        {FILTERS.map((f) => (
          <TabPane key={f.key} className={`points-filter points-filter--${f.key}`} title={f.label} value={f.key} />
        ))}
      </Tabs>
      {filter === 'orders' ? (
        <View className='points-orders'>
          {orders.length === 0 ? <Text className='points-empty'>暂无消费记录</Text> : null}
          <CellGroup className='points-orders__rows'>
            {orders.map((o) => (
              <Cell
                key={o.orderId}
                className={`points-order points-order--${o.state}`}
                title={
                  <Text className='points-entry__reason'>
                    {o.storeName} · {formatYuan(o.amountFen)}
                  </Text>
                }
                description={
                  <Text className='points-entry__meta points-order__note'>
                    {stamp(o.paidAt)} · {o.note}
                  </Text>
                }
                extra={
                  <View className='points-order__side'>
                    <Text className='points-order__points'>{o.points > 0 ? `+${o.points}` : '0'}</Text>
                    <Text className={`points-order__state points-order-state points-order-state--${o.state}`}>{ORDER_STATE_LABEL[o.state]}</Text>
                  </View>
                }
              />
            ))}
          </CellGroup>
        </View>
      ) : null}
      {filter !== 'orders' && entries.length === 0 ? <Text className='points-empty'>暂无积分记录</Text> : null}
      {(filter === 'orders' ? [] : byMonth(entries)).map((g) => (
        <View key={g.month} className='points-month'>
          <Text className='points-month__title'>{g.month}</Text>
          <CellGroup className='points-month__rows'>
            {g.entries.map((e) => {
              const label = describePointsLine(e, state.data.earning)
              return (
                <Cell
                  key={e.id}
                  className={`points-entry points-entry--${e.kind}`}
                  title={<Text className='points-entry__title'>{label.title}</Text>}
                  description={
                    <View className='points-entry__main'>
                      <Text className='points-entry__reason'>{e.reason}</Text>
                      {label.note ? <Text className='points-entry__note'>{label.note}</Text> : null}
                      <Text className='points-entry__meta'>{stamp(e.createdAt)}</Text>
                    </View>
                  }
                  extra={
                    <Text className={`points-entry__delta points-entry__delta--${e.points > 0 ? 'plus' : e.points < 0 ? 'minus' : 'zero'}`}>
                      {label.amount}
                    </Text>
                  }
                />
              )
            })}
          </CellGroup>
        </View>
      ))}
    </View>
  )
}
