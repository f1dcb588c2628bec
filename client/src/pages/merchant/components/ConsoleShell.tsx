import type { ReactNode } from 'react'
import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import { PageStatus } from '@/components/PageStatus'
import { SwitchIdentity } from '@/components/SwitchIdentity'
import { Cell } from './kit'
import { useRequireRole, type StaffRole } from '@/hooks/useRequireRole'
import { replace } from '@/navigation'
import { AREAS, type ConsoleArea } from '../areas'
import '../index.scss'

const HOME = '/pages/merchant/index'

/** Back to the console's home: the page below when there is one (the phone's path), else the home itself. */
function backHome() {
  if (Taro.getCurrentPages().length > 1) void Taro.navigateBack()
  else replace(HOME)
}

/**
 * The frame of every console page: the merchant's name, and on a desktop browser (≥ 1024 px, a
 * media query in index.scss) a side menu of every area beside the page; on a phone the page alone
 * with the way back to the home grid. Only the merchant gets past it.
 */
export function ConsoleShell({ area, children }: { area: ConsoleArea | null; children: (role: StaffRole) => ReactNode }) {
  const { state, reload } = useRequireRole(['merchant'])
  const cls = `merchant-page merchant-console merchant-shell${area ? ` merchant-area-page merchant-area-page--${area.id}` : ' merchant-home'}`
  if (state.status !== 'ready') {
    return (
      <View className={cls}>
        <PageStatus
          className='merchant-status'
          status={state.status}
          message={state.status === 'error' ? state.message : undefined}
          onRetry={() => void reload()}
        />
      </View>
    )
  }
  return (
    <View className={cls}>
      <View className='merchant-side'>
        <Text className='merchant-side__title'>商家后台</Text>
        <Cell.Group>
          <Cell
            className={`merchant-side-item merchant-side-home${area ? '' : ' merchant-side-item--active'}`}
            title='后台首页'
            clickable
            onClick={() => replace(HOME)}
          />
          {AREAS.map((a) => (
            <Cell
              key={a.id}
              className={`merchant-side-item merchant-side-${a.id}${a.id === area?.id ? ' merchant-side-item--active' : ''}`}
              title={a.label}
              clickable
              onClick={() => replace(`/${a.path}`)}
            />
          ))}
        </Cell.Group>
      </View>
      <View className='merchant-main'>
        <View className='merchant-header'>
          {area ? (
            <Text className='merchant-back' onClick={backHome}>
              ‹ 后台
            </Text>
          ) : null}
          <Text className='merchant-header__name'>{area ? area.label : (state.role.name ?? '商家')}</Text>
          <SwitchIdentity />
        </View>
        {children(state.role)}
      </View>
    </View>
  )
}
