import { useCallback, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import type { PointsHistory, PointsHistoryEntry } from '@shared/schemas/points'
import { getPointsHistory } from '@/api/points'
import { askSubscribe, canAskSubscribe } from '@/api/subscribe'
import { useSubscribeTemplates } from '@/hooks/useSubscribeTemplates'
import { Button } from '@/components/nutui'
import { monthDay, monthOf, stamp } from '@/format'
import './index.scss'

type State = { status: 'loading' } | { status: 'ready'; data: PointsHistory } | { status: 'error'; message: string }

const KIND_LABEL: Record<string, string> = { earn: '获得', spend: '使用', expire: '过期', refund: '退款扣回', adjust: '商家调整', forfeit: '作废', mature: '生效' }

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
  const expiryTemplates = useSubscribeTemplates(['points_expiry'])
  const load = useCallback(async () => {
    const res = await getPointsHistory()
    setState(res.ok ? { status: 'ready', data: res.data } : { status: 'error', message: res.message })
  }, [])
  useDidShow(() => {
    void load()
  })
  usePullDownRefresh(() => {
    void load().finally(() => Taro.stopPullDownRefresh())
  })

  if (state.status === 'loading') {
    return (
      <View className='points-page page-status'>
        <Text className='page-status__text'>加载中…</Text>
      </View>
    )
  }
  if (state.status === 'error') {
    return (
      <View className='points-page page-status points-error'>
        <Text className='page-status__text'>{state.message}</Text>
        <Button type='primary' size='small' onClick={() => void load()}>
          重试
        </Button>
      </View>
    )
  }
  const { summary, pendingLots, expiring, entries } = state.data
  const expiringTotal = expiring.reduce((s, l) => s + l.amount, 0)
  return (
    <View className='points-page points-history'>
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
            即将过期 <Text className='points-expiring-total'>{expiringTotal}</Text> 积分（{expiring.map((l) => `${monthDay(l.expiresOn)}前 ${l.amount}`).join('，')}）
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
              {l.amount} 积分{l.held ? '审核中' : `将于 ${monthDay(l.maturesOn)} 生效`}
            </Text>
          ))}
        </View>
      ) : null}
      {summary.debt > 0 ? <Text className='points-debt'>待抵扣 {summary.debt} 积分（将从之后获得的积分中扣除）</Text> : null}
      {entries.length === 0 ? <Text className='points-empty'>暂无积分记录</Text> : null}
      {byMonth(entries).map((g) => (
        <View key={g.month} className='points-month'>
          <Text className='points-month__title'>{g.month}</Text>
          {g.entries.map((e) => (
            <View key={e.id} className={`points-entry points-entry--${e.kind}`}>
              <View className='points-entry__main'>
                <Text className='points-entry__reason'>{e.reason}</Text>
                <Text className='points-entry__meta'>
                  {KIND_LABEL[e.kind] ?? e.kind} · {stamp(e.createdAt)}
                  {e.maturesOn ? ` · 待生效，${monthDay(e.maturesOn)}可用` : ''}
                </Text>
              </View>
              <Text className={`points-entry__delta ${e.points >= 0 ? 'points-entry__delta--plus' : 'points-entry__delta--minus'}`}>
                {e.points > 0 ? `+${e.points}` : e.points}
              </Text>
            </View>
          ))}
        </View>
      ))}
    </View>
  )
}
