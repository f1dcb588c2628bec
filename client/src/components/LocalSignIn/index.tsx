import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import { signIn, type SignInRole } from '@/api/session'
import { Button, Input } from '@/components/nutui'
import './index.scss'

const ROLES: { role: SignInRole; label: string }[] = [
  { role: 'consumer', label: '顾客' },
  { role: 'staff', label: '店员' },
  { role: 'merchant', label: '商家' },
]

/**
 * The local cloud's sign-in (H5 only): pick who to act as, optionally with a chosen openid,
 * then `onSignedIn` reloads whatever asked for it.
 */
export function LocalSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [openid, setOpenid] = useState('')
  const [busy, setBusy] = useState<SignInRole | null>(null)
  const [error, setError] = useState<string | null>(null)

  const choose = async (role: SignInRole) => {
    setBusy(role)
    setError(null)
    const trimmed = openid.trim()
    const res = await signIn(trimmed ? { role, openid: trimmed } : { role })
    setBusy(null)
    if (res.ok) onSignedIn()
    else setError(res.message)
  }

  return (
    <View className='local-sign-in'>
      <Text className='local-sign-in__title'>选择身份</Text>
      <Text className='local-sign-in__hint'>本地云开发环境：选择以哪种身份体验</Text>
      <View className='local-sign-in__openid'>
        <Input className='login-openid' placeholder='openid（可选，留空自动分配）' value={openid} onChange={(v) => setOpenid(v)} clearable />
      </View>
      <View className='local-sign-in__roles'>
        {ROLES.map(({ role, label }) => (
          <Button
            key={role}
            className={`local-sign-in__role login-${role}`}
            type={role === 'consumer' ? 'primary' : 'default'}
            block
            loading={busy === role}
            disabled={busy !== null}
            onClick={() => void choose(role)}
          >
            {label}
          </Button>
        ))}
      </View>
      {error ? <Text className='local-sign-in__error'>{error}</Text> : null}
    </View>
  )
}
