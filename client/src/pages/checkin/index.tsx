import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { checkIn, getCalendar, type CheckinCalendar } from '@/api/checkin'
import { askSubscribe } from '@/api/subscribe'
import { SubscribeSheet } from '@/components/SubscribeSheet'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { NotAMember } from '@/components/NotAMember'
import { useRemote } from '@/hooks/useRemote'
import { useSubscribeTemplates } from '@/hooks/useSubscribeTemplates'
import './index.scss'

const WEEK = ['日', '一', '二', '三', '四', '五', '六']

/** The month's cells: blanks before the 1st (weeks start on Sunday), then each day. */
function cells(month: string): (string | null)[] {
  const [y, m] = month.split('-').map(Number)
  const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay()
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return [...Array.from({ length: first }, () => null), ...Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)]
}

function Calendar({ data }: { data: CheckinCalendar }) {
  const checked = new Map(data.days.map((d) => [d.day, d]))
  return (
    <View className='checkin-calendar'>
      <Text className='checkin-calendar__title'>{`${Number(data.month.slice(0, 4))}年${Number(data.month.slice(5))}月`}</Text>
      <View className='checkin-calendar__grid'>
        {WEEK.map((w) => (
          <Text key={w} className='checkin-calendar__weekday'>
            {w}
          </Text>
        ))}
        {cells(data.month).map((day, i) =>
          day ? (
            <View key={day} className={`checkin-day${checked.has(day) ? ' checkin-day--done' : ''}${day === data.today ? ' checkin-day--today' : ''}`}>
              <Text className='checkin-day__date'>{Number(day.slice(8))}</Text>
              {checked.has(day) ? <Text className='checkin-day__points'>+{checked.get(day)?.points}</Text> : null}
            </View>
          ) : (
            <View key={`blank-${i}`} className='checkin-day checkin-day--blank' />
          ),
        )}
      </View>
    </View>
  )
}

export default function CheckinPage() {
  const { state, reload } = useRemote(() => getCalendar(), [])
  const [busy, setBusy] = useState(false)
  const [toast, setToast] = useState<string | null>(null)
  const reminderTemplates = useSubscribeTemplates(['checkin_reminder'])

  const onCheckIn = async () => {
    // A natural moment to ask for tomorrow's reminder; WeChat opens the dialog only from the tap itself.
    void askSubscribe(reminderTemplates)
    setBusy(true)
    const res = await checkIn()
    setBusy(false)
    if (!res.ok) {
      setToast(res.message)
      return
    }
    setToast(
      res.data.already ? '今天已经签到过了' : `签到成功，获得 ${res.data.points} 积分${res.data.bonus > 0 ? `（含连续签到奖励 ${res.data.bonus}）` : ''}`,
    )
    await reload({ quiet: true })
  }

  // A visitor without a card (NOT_A_MEMBER) is invited to 开卡, as on the card and points pages.
  if (state.status === 'error' && state.code === 'NOT_A_MEMBER') return <NotAMember />
  switch (state.status) {
    case 'loading':
      return <PageStatus status='loading' className='checkin-page' />
    case 'error':
      return <PageStatus status='error' code={state.code} message={state.message} onRetry={() => void reload()} className='checkin-page' />
    case 'ready': {
      const data = state.data
      return (
        <View className='checkin-page'>
          <SubscribeSheet />
          <View className='checkin-hero'>
            <View className='checkin-hero__stat'>
              <Text className='checkin-streak'>{data.streak}</Text>
              <Text className='checkin-hero__label'>连续签到（天）</Text>
            </View>
            <View className='checkin-hero__stat'>
              <Text className='checkin-points'>{data.available}</Text>
              <Text className='checkin-hero__label'>可用积分</Text>
            </View>
          </View>
          <Button className='checkin-button' type='primary' block disabled={busy || data.checkedToday} onClick={() => void onCheckIn()}>
            {data.checkedToday ? '今日已签到' : `签到 +${data.rules.dailyPoints} 积分`}
          </Button>
          {toast ? <Text className='checkin-toast'>{toast}</Text> : null}
          {data.nextBonus ? (
            <Text className='checkin-next'>
              再连续签到 {data.nextBonus.day - data.streak} 天，额外获得 {data.nextBonus.points} 积分
            </Text>
          ) : null}
          <Calendar data={data} />
          <Text className='checkin-month-points'>本月签到获得 {data.monthPoints} 积分</Text>
          <View className='checkin-back' onClick={() => void Taro.navigateBack()}>
            <Text>返回会员卡</Text>
          </View>
        </View>
      )
    }
  }
}
