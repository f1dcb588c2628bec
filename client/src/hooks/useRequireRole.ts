import { useCallback, useState } from 'react'
import Taro, { useDidShow } from '@tarojs/taro'
import type { MyRole } from '@shared/schemas/member'
import { myRole } from '@/api/member'

export type StaffRole = MyRole & { role: 'staff' | 'merchant' }
type RoleState = { status: 'loading' } | { status: 'ready'; role: StaffRole } | { status: 'error'; message: string }

const REFUSAL: Record<string, string> = {
  merchant: '仅商家可使用后台',
  'staff,merchant': '仅店员或商家可使用工作台',
}

/**
 * The staff and merchant pages: asks the server who the caller is (never decides locally), sends a
 * signed-out visitor to the start page, and refuses anyone without one of `allowed`.
 */
export function useRequireRole(allowed: readonly ('staff' | 'merchant')[]) {
  const [state, setState] = useState<RoleState>({ status: 'loading' })
  const key = allowed.join(',')
  const load = useCallback(async () => {
    const res = await myRole()
    if (!res.ok) {
      if (res.code === 'UNAUTHENTICATED') void Taro.redirectTo({ url: '/pages/index/index' })
      else setState({ status: 'error', message: res.message })
      return
    }
    const r = res.data
    if (r.role === null || !key.split(',').includes(r.role)) setState({ status: 'error', message: REFUSAL[key] ?? '没有权限使用此页面' })
    else setState({ status: 'ready', role: r as StaffRole })
  }, [key])
  useDidShow(() => void load())
  return { state, reload: load }
}
