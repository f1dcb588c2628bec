import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import { reconcile, type ReconcileResult } from '@/api/points'
import { Button } from '@/components/nutui'
import { ErrorText, Section } from './common'

export function ReconcileSection() {
  const [running, setRunning] = useState(false)
  const [progress, setProgress] = useState(0)
  const [result, setResult] = useState<{ checked: number; drifts: ReconcileResult['drifts'] } | null>(null)
  const [error, setError] = useState<string | null>(null)

  /** Every member, page by page (the function audits at most 200 per call). */
  const run = async () => {
    setRunning(true)
    setError(null)
    setResult(null)
    let after: string | undefined
    let checked = 0
    const drifts: ReconcileResult['drifts'] = []
    for (;;) {
      const res = await reconcile(after ? { after, limit: 200 } : { limit: 200 })
      if (!res.ok) {
        setError(res.message)
        break
      }
      checked += res.data.checked
      drifts.push(...res.data.drifts)
      setProgress(checked)
      if (!res.data.nextAfter) {
        setResult({ checked, drifts })
        break
      }
      after = res.data.nextAfter
    }
    setRunning(false)
  }

  return (
    <Section className='merchant-reconcile-section'>
      <Text className='merchant-hint'>逐个核对会员积分余额与流水合计；发现差异只记录，不自动修正。</Text>
      <Button className='merchant-reconcile' type='primary' block loading={running} disabled={running} onClick={() => void run()}>
        {running ? `对账中（已核对 ${progress}）` : '开始对账'}
      </Button>
      {result ? (
        <View className={`merchant-reconcile-result${result.drifts.length ? ' merchant-reconcile-result--drift' : ''}`}>
          <Text className='merchant-row'>
            已核对会员 <Text className='merchant-reconcile-checked'>{result.checked}</Text> 人，差异{' '}
            <Text className='merchant-reconcile-drifts'>{result.drifts.length}</Text> 条
          </Text>
          {result.drifts.slice(0, 20).map((d) => (
            <Text key={d.memberId} className='merchant-hint merchant-drift'>
              {d.memberId}：{d.problems.join('；')}
            </Text>
          ))}
        </View>
      ) : null}
      <ErrorText message={error} />
    </Section>
  )
}
