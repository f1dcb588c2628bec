import { View, Text } from '@tarojs/components'
import { Button } from '@/components/nutui'
import './index.scss'

interface PageStatusProps {
  /** loading, or an error with its message */
  status: 'loading' | 'error'
  message?: string
  /** shows 重试 when given */
  onRetry?: () => void
  /** extra class for tests and page styles */
  className?: string
}

/** The one loading / error view of every page and section. */
export function PageStatus({ status, message, onRetry, className = '' }: PageStatusProps) {
  return (
    <View className={`page-status page-status--${status} ${className}`}>
      <Text className='page-status__text'>{status === 'loading' ? '加载中…' : message || '加载失败'}</Text>
      {status === 'error' && onRetry ? (
        <Button className='page-status__retry' type='primary' size='small' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  )
}
