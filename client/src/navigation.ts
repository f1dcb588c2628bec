import Taro from '@tarojs/taro'

/**
 * Navigation that says when it fails. A page's code is loaded on demand (a chunk in H5, a subpackage
 * in WeChat): on a bad network that load fails, and a tap that silently does nothing looks broken.
 */
function failed(err: unknown) {
  console.warn('[navigate] failed', err)
  void Taro.showToast({ title: '页面加载失败，请检查网络后重试', icon: 'none', duration: 2500 })
}

export function go(url: string): void {
  Taro.navigateTo({ url }).catch(failed)
}

export function replace(url: string): void {
  Taro.redirectTo({ url }).catch(failed)
}

export function restart(url: string): void {
  Taro.reLaunch({ url }).catch(failed)
}

export const WORKBENCH = { staff: '/pages/staff/index', merchant: '/pages/merchant/index' } as const
