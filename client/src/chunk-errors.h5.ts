import Taro from '@tarojs/taro'

/** webpack names a chunk that could not be fetched `ChunkLoadError` ("Loading chunk 21 failed"). */
function isChunkFailure(reason: unknown): boolean {
  const e = reason as { name?: unknown; message?: unknown } | null
  return !!e && (e.name === 'ChunkLoadError' || (typeof e.message === 'string' && /Loading (CSS )?chunk .* failed/i.test(e.message)))
}

/**
 * H5: the router loads a page's chunk on navigation and does not report a failed load to the caller;
 * without this a tap on a bad network silently does nothing.
 */
export function reportFailedPageLoads(): void {
  window.addEventListener('unhandledrejection', (event) => {
    if (!isChunkFailure(event.reason)) return
    event.preventDefault()
    void Taro.showToast({ title: '页面加载失败，请检查网络后重试', icon: 'none', duration: 2500 })
  })
}
