import { useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { getPosSecret, resetPosSecret, type PosSecret } from '@/api/points'
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

  const copy = (storeName: string, secret: string) => {
    Taro.setClipboardData({ data: secret })
      .then(() => Taro.showToast({ title: `已复制${storeName}的密钥`, icon: 'none' }))
      .catch(() => setError('复制失败，请点「显示」后手动复制'))
  }
  const reset = async (storeId: string, storeName: string) => {
    const ok = await Taro.showModal({
      title: '重置 POS 密钥',
      content: `重置后${storeName}的旧密钥立即失效，需在收银系统中填入新密钥，否则订单无法上传。确定重置？`,
      confirmText: '重置',
      confirmColor: '#d4380d',
    })
    if (!ok.confirm) return
    const res = await resetPosSecret(storeId)
    if (!res.ok) return setError(res.message)
    setSecrets((m) => ({ ...m, [storeId]: res.data }))
    setShown((m) => ({ ...m, [storeId]: true }))
    void Taro.showToast({ title: '已重置，请更新收银系统', icon: 'none' })
  }

  return (
    <Section className='merchant-pos'>
      <Text className='merchant-hint'>POS 以 HMAC-SHA256 签名请求，请仅在门店收银系统中配置，勿外传。</Text>
      {stores.length === 0 ? <Text className='merchant-empty'>暂无门店</Text> : null}
      {stores.map((s) => {
        const secret = secrets[s.id]
        return (
          <View key={s.id} className={`merchant-pos-store merchant-pos-store--${s.id}`}>
            <Text className='merchant-pos-store__name'>{s.name}</Text>
            <View className='merchant-row'>
              <Text className='merchant-pos-secret'>{secret ? (shown[s.id] ? secret.secret : mask(secret.secret)) : '加载中…'}</Text>
              <Button size='small' className='merchant-pos-toggle' disabled={!secret} onClick={() => setShown((m) => ({ ...m, [s.id]: !m[s.id] }))}>
                {shown[s.id] ? '隐藏' : '显示'}
              </Button>
            </View>
            <View className='merchant-row'>
              <Button size='small' className='merchant-pos-copy' disabled={!secret} onClick={() => secret && copy(s.name, secret.secret)}>
                复制
              </Button>
              <Button size='small' type='danger' className='merchant-pos-reset' onClick={() => void reset(s.id, s.name)}>
                重置
              </Button>
            </View>
          </View>
        )
      })}
      <ErrorText message={error} />
    </Section>
  )
}
