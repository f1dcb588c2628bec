import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import { myVerifications, undoVerify } from '@/api/coupon'
import { Button } from '@/components/nutui'
import { stamp } from '@/format'
import { useRemote } from '@/hooks/useRemote'

/** 今日核销: the clerk's own verifications of the day; a store manager may undo one within 10 minutes. */
export function Verifications({ refreshKey }: { refreshKey: number }) {
  const { state, reload } = useRemote(() => myVerifications(), [refreshKey])
  const [error, setError] = useState<string | null>(null)
  const undo = async (couponId: string) => {
    setError(null)
    const res = await undoVerify(couponId)
    if (!res.ok) setError(res.message)
    void reload({ quiet: true })
  }
  if (state.status !== 'ready' || state.data.entries.length === 0) return null
  return (
    <View className='staff-card staff-verifications'>
      <Text className='staff-card__title'>今日核销（{state.data.entries.filter((e) => e.action === 'verify').length}）</Text>
      {state.data.entries.map((e) => (
        <View key={e.auditId} className='staff-menu-item staff-verification'>
          <Text className='staff-menu-item__name'>
            {e.action === 'undo' ? '撤销 · ' : ''}
            {e.title}
          </Text>
          <Text className='staff-menu-item__price'>{stamp(e.at)}</Text>
          {e.canUndo ? (
            <Button size='small' className='staff-verification-undo' onClick={() => void undo(e.couponId)}>
              撤销
            </Button>
          ) : null}
        </View>
      ))}
      {error ? <Text className='staff-error'>{error}</Text> : null}
    </View>
  )
}
