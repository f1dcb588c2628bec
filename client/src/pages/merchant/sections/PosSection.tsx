import { useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { getPosSecret, type PosSecret } from '@/api/points'
import { Button } from '@/components/nutui'
import { ErrorText, Section } from './common'

function mask(secret: string): string {
  return secret.length <= 8 ? '••••••••' : `${secret.slice(0, 4)}${'•'.repeat(12)}${secret.slice(-4)}`
}

export function PosSection({ stores }: { stores: { id: string; name: string }[] }) {
  const [secrets, setSecrets] = useState<Record<string, PosSecret>>({})
  const [shown, setShown] = useState<Record<string, boolean>>({})
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let alive = true
    void (async () => {
      for (const s of stores) {
        const res = await getPosSecret(s.id)
        if (!alive) return
        if (res.ok) setSecrets((m) => ({ ...m, [s.id]: res.data }))
        else setError(res.message)
      }
    })()
    return () => {
      alive = false
    }
  }, [stores])

  return (
    <Section className='merchant-pos'>
      <Text className='merchant-hint'>POS 以 HMAC-SHA256 签名请求，请仅在门店收银系统中配置，勿外传。</Text>
      {stores.length === 0 ? <Text className='merchant-empty'>暂无门店</Text> : null}
      {stores.map((s) => {
        const secret = secrets[s.id]
        return (
          <View key={s.id} className={`merchant-pos-store merchant-pos-store--${s.id}`}>
            <Text className='merchant-pos-store__name'>
              {s.name}（{s.id}）
            </Text>
            <View className='merchant-row'>
              <Text className='merchant-pos-secret'>{secret ? (shown[s.id] ? secret.secret : mask(secret.secret)) : '加载中…'}</Text>
              <Button size='small' className='merchant-pos-toggle' disabled={!secret} onClick={() => setShown((m) => ({ ...m, [s.id]: !m[s.id] }))}>
                {shown[s.id] ? '隐藏' : '显示'}
              </Button>
            </View>
          </View>
        )
      })}
      <ErrorText message={error} />
    </Section>
  )
}
