import { useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { myRole } from '@/api/member'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { SwitchIdentity } from '@/components/SwitchIdentity'
import { WORKBENCH, restart } from '@/navigation'

type Who = { kind: 'loading' } | { kind: 'consumer' } | { kind: 'error'; message: string }

/**
 * The workbench opened by someone who is not a clerk (the NotAMember pattern, the other way round):
 * a consumer or a visitor is told where the member's pages are, with the way there — never a bare
 * 重试. Only a failed request (an outage) offers 重试, because then trying again is the way.
 */
export function StaffGate({ onRetry }: { onRetry: () => void }) {
  const [who, setWho] = useState<Who>({ kind: 'loading' })
  useEffect(() => {
    void myRole().then((res) => {
      if (!res.ok) return setWho({ kind: 'error', message: res.message })
      // Staff and the merchant pass useRequireRole; whoever reaches here holds no staff role.
      setWho({ kind: 'consumer' })
    })
  }, [])
  switch (who.kind) {
    case 'loading':
      return <PageStatus className='staff-status' status='loading' />
    case 'error':
      return <PageStatus className='staff-status staff-error' status='error' message={who.message} onRetry={onRetry} />
    case 'consumer':
      return (
        <View className='staff-card staff-gate staff-gate--consumer'>
          <Text className='staff-gate__title'>店员工作台仅供门店店员使用</Text>
          <Text className='staff-gate__text'>您当前的账号不是店员。会员卡、积分和优惠券在会员首页查看。</Text>
          <Text className='staff-gate__text'>如果您是门店店员，请联系商家在后台「员工与门店」中为您开通店员账号后再进入。</Text>
          <Button className='staff-gate-home' type='primary' block onClick={() => restart('/pages/index/index')}>
            前往会员首页
          </Button>
          <View className='staff-gate__switch'>
            <SwitchIdentity />
          </View>
        </View>
      )
  }
}

/** A clerk whose account has no store yet: nothing can be recorded; who fixes it and how. */
export function NoStore() {
  return (
    <View className='staff-card staff-gate staff-gate--no-store'>
      <Text className='staff-gate__title'>您的店员账号还没有绑定门店</Text>
      <Text className='staff-gate__text'>绑定门店后才能识别会员、录入消费和核销优惠券。请联系商家在后台「员工与门店」中为您选择门店，然后重新打开工作台。</Text>
      <Button className='staff-gate-home' block onClick={() => restart(WORKBENCH.staff)}>
        已绑定，重新打开
      </Button>
    </View>
  )
}
