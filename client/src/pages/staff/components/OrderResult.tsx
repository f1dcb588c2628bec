import { View, Text } from '@tarojs/components'
import { formatYuan, monthDay } from '@/format'
import type { RecordedOrder } from './OrderEntry'

/** What the order earned: points (pending until a date), held for review, or a duplicate receipt. */
export function OrderResult({ result }: { result: RecordedOrder }) {
  return (
    <View className={`staff-card staff-order-result${result.held ? ' staff-order-result--held' : ''}`}>
      {result.duplicate ? (
        <Text className='staff-order-result__title'>该小票已录入过，本次未重复积分</Text>
      ) : (
        <Text className='staff-order-result__title'>
          已录入 {formatYuan(result.amountFen)}，积分 <Text className='staff-order-points'>+{result.points}</Text>
        </Text>
      )}
      {!result.duplicate && result.maturesOn && !result.held ? (
        <Text className='staff-order-result__line'>积分待生效，{monthDay(result.maturesOn)}起可用</Text>
      ) : null}
      {!result.duplicate && result.points === 0 && !result.held ? (
        <Text className='staff-order-result__line staff-order-no-points'>本单未达积分门槛，不计积分（成长值照常累计）</Text>
      ) : null}
      {result.held ? <Text className='staff-order-result__line staff-order-held'>触发风险预警，积分暂缓发放，待商家审核</Text> : null}
      <Text className='staff-order-result__line'>
        小票号 {result.receiptNo} · 成长值 +{result.growth}
      </Text>
    </View>
  )
}
