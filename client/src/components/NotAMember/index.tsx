import { useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { joinStatus, myRole } from '@/api/member'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { WORKBENCH, go, replace } from '@/navigation'
import './index.scss'

type Who =
  | { kind: 'loading' }
  | { kind: 'staff'; role: 'staff' | 'merchant'; name: string }
  | { kind: 'departed' }
  | { kind: 'stranger' }
  | { kind: 'error'; code: string; message: string }

/**
 * A consumer page opened by someone without a card: staff and the merchant are shown the way to
 * their workbench (they are never registered as members), a person who left sees the farewell, and
 * anyone else is invited to 开卡. Nothing is written by looking.
 */
export function NotAMember() {
  const [who, setWho] = useState<Who>({ kind: 'loading' })
  useEffect(() => {
    void (async () => {
      const role = await myRole()
      if (!role.ok) return setWho({ kind: 'error', code: role.code, message: role.message })
      if (role.data.role) return setWho({ kind: 'staff', role: role.data.role, name: role.data.name ?? '' })
      const status = await joinStatus()
      if (!status.ok) return setWho({ kind: 'error', code: status.code, message: status.message })
      setWho(status.data.departedOn ? { kind: 'departed' } : { kind: 'stranger' })
    })()
  }, [])

  switch (who.kind) {
    case 'loading':
      return <PageStatus status='loading' />
    case 'error':
      return <PageStatus status='error' code={who.code} message={who.message} />
    case 'staff':
      return (
        <View className='not-member not-member--staff'>
          <Text className='not-member__title'>{who.role === 'staff' ? '店员账号' : '商家账号'}不是会员</Text>
          <Text className='not-member__text'>{who.name ? `${who.name}，` : ''}会员页面供顾客使用，您的账号不会被登记为会员。</Text>
          <Button className='not-member-workbench' type='primary' block onClick={() => replace(WORKBENCH[who.role])}>
            {who.role === 'staff' ? '前往店员工作台' : '前往商家后台'}
          </Button>
        </View>
      )
    case 'departed':
    case 'stranger':
      return (
        <View className='not-member'>
          <Text className='not-member__title'>{who.kind === 'departed' ? '您已注销会员' : '您还不是会员'}</Text>
          <Text className='not-member__text'>开通会员卡后即可查看积分、等级和个人资料。</Text>
          <Button className='not-member-join' type='primary' block onClick={() => go('/pages/join/index')}>
            {who.kind === 'departed' ? '重新开卡' : '立即开卡'}
          </Button>
        </View>
      )
  }
}
