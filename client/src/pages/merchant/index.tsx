import { useState } from 'react'
import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import { Button } from '@/components/nutui'
import { PageStatus } from '@/components/PageStatus'
import { SwitchIdentity } from '@/components/SwitchIdentity'
import { useRequireRole } from '@/hooks/useRequireRole'
import { SECTIONS } from './sections'
import './index.scss'

/**
 * 商家后台: one tab per section (`sections/`); every section reads through the typed API and every
 * save carries the version it was made against.
 */
export default function MerchantPage() {
  const { state, reload } = useRequireRole(['merchant'])
  const [sectionId, setSectionId] = useState(SECTIONS[0].id)

  if (state.status !== 'ready') {
    return (
      <View className='merchant-page merchant-console'>
        <PageStatus
          className='merchant-status'
          status={state.status}
          message={state.status === 'error' ? state.message : undefined}
          onRetry={() => void reload()}
        />
      </View>
    )
  }
  const { role } = state
  const section = SECTIONS.find((s) => s.id === sectionId) ?? SECTIONS[0]
  return (
    <View className='merchant-page merchant-console'>
      <View className='merchant-header'>
        <Text className='merchant-header__name'>{role.name ?? '商家'}</Text>
        <Button
          className='merchant-dashboard-link'
          size='small'
          type='primary'
          onClick={() => void Taro.navigateTo({ url: '/pages/merchant/dashboard/index' })}
        >
          数据看板
        </Button>
        <SwitchIdentity />
      </View>
      <View className='merchant-tabs'>
        {SECTIONS.map((s) => (
          <View
            key={s.id}
            className={`merchant-tab merchant-tab-${s.id}${s.id === section.id ? ' merchant-tab--active' : ''}`}
            onClick={() => setSectionId(s.id)}
          >
            <Text>{s.label}</Text>
          </View>
        ))}
      </View>
      <section.Component role={role} />
    </View>
  )
}
