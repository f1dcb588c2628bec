import { View, Text } from '@tarojs/components'
import { Button } from '@/components/nutui'
import { restart } from '@/navigation'
import './index.scss'

interface PageStatusProps {
  /** loading, or an error with its message */
  status: 'loading' | 'error'
  message?: string
  /** the error's code: a lost session or a refused role says where to go instead of 重试 */
  code?: string
  /** shows 重试 when given (beside the way home, never alone) */
  onRetry?: () => void
  /** the card page itself has no "home" to go back to */
  home?: boolean
  /** extra class for tests and page styles */
  className?: string
}

const HOME = '/pages/index/index'

/** What an error means for the person and where they can go from it. */
function explain(code: string | undefined, message: string | undefined): { title: string; text: string; retry: boolean; home: string } {
  switch (code) {
    case 'UNAUTHENTICATED':
      // The card page signs in again (the local sign-in in H5; WeChat's own login in the mini-program).
      return { title: '登录已失效', text: '请重新登录后继续。', retry: false, home: '重新登录' }
    case 'FORBIDDEN':
      return { title: '无法打开此页面', text: message || '您的账号没有此页面的权限。', retry: false, home: '返回首页' }
    default:
      return { title: '', text: message || '加载失败', retry: true, home: '返回首页' }
  }
}

/**
 * The one loading / error view of every page and section. An error always offers a way on: 重试 where
 * trying again can help, and the way home (重新登录 after a lost session) — never a bare 重试.
 */
export function PageStatus({ status, message, code, onRetry, home = true, className = '' }: PageStatusProps) {
  if (status === 'loading') {
    return (
      <View className={`page-status page-status--loading ${className}`}>
        <Text className='page-status__text'>加载中…</Text>
      </View>
    )
  }
  const e = explain(code, message)
  const showHome = home || code === 'UNAUTHENTICATED'
  return (
    <View className={`page-status page-status--error${code ? ` page-status--${code}` : ''} ${className}`}>
      {e.title ? <Text className='page-status__title'>{e.title}</Text> : null}
      <Text className='page-status__text'>{e.text}</Text>
      <View className='page-status__actions'>
        {e.retry && onRetry ? (
          <Button className='page-status__retry' type='primary' size='small' onClick={onRetry}>
            重试
          </Button>
        ) : null}
        {showHome ? (
          <Button className='page-status__home' type={e.retry && onRetry ? 'default' : 'primary'} size='small' onClick={() => restart(HOME)}>
            {e.home}
          </Button>
        ) : null}
      </View>
    </View>
  )
}
