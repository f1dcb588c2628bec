import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { listFraudFlags, reviewFraudFlag } from '@/api/points'
import { Button } from '@/components/nutui'
import { dateTime, formatYuan } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { ErrorText, Section, SectionLoading } from './common'

/** 风险预警: open fraud flags; the merchant releases the held points or confirms the forfeit. */
export function FraudSection() {
  const { state, reload } = useRemote(() => listFraudFlags({ status: 'open' }))
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)

  const review = async (flagId: string, decision: 'release' | 'confirm') => {
    if (decision === 'confirm') {
      // Destructive: the order's points are forfeited and cannot be given back from here.
      const ok = await Taro.showModal({
        title: '确认作废',
        content: '确认后，该订单尚未使用的积分将被作废，且无法恢复。',
        confirmText: '作废',
        confirmColor: '#d4380d',
      })
      if (!ok.confirm) return
    }
    setBusy(flagId)
    setError(null)
    const res = await reviewFraudFlag({ flagId, decision, note: decision === 'release' ? '商家放行' : '商家确认作废' })
    setBusy(null)
    if (!res.ok) setError(res.message)
    await reload({ quiet: true })
  }

  if (state.status !== 'ready') {
    return (
      <Section className='merchant-fraud'>
        <SectionLoading error={state.status === 'error' ? state.message : null} />
      </Section>
    )
  }
  const flags = state.data
  return (
    <Section className='merchant-fraud'>
      <ErrorText message={error} />
      <View className='merchant-fraud-list'>
        {flags.length === 0 ? <Text className='merchant-empty merchant-fraud-empty'>暂无待处理的风险预警</Text> : null}
        {flags.map((f) => (
          <View key={f._id} className='merchant-fraud-item'>
            <Text className='merchant-fraud-item__reason'>{f.reason}</Text>
            <Text className='merchant-hint'>
              {f.storeName} · {f.staffName ? `录入：${f.staffName}` : 'POS 录入'} · 会员卡尾号 {f.memberId.slice(-4)} · {formatYuan(f.amountFen)} · {f.points}{' '}
              积分{f.held ? '（暂缓发放）' : ''} · {dateTime(f.createdAt)}
            </Text>
            <View className='merchant-fraud-item__actions'>
              <Button size='small' className='merchant-fraud-release' type='primary' disabled={busy !== null} onClick={() => void review(f._id, 'release')}>
                放行
              </Button>
              <Button size='small' className='merchant-fraud-confirm' type='danger' disabled={busy !== null} onClick={() => void review(f._id, 'confirm')}>
                确认作废
              </Button>
            </View>
          </View>
        ))}
      </View>
    </Section>
  )
}
