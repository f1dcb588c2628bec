import { View, Text } from '@tarojs/components'
import { Button, Popup } from '@/components/nutui'
import { OrderResult } from './OrderResult'
import type { RecordedOrder } from './OrderEntry'

/**
 * The result where the clerk looks: a NutUI bottom sheet over the till (not a card below the fold), with the two
 * things a clerk does next — serve the next customer (clears the member) or stay with this one.
 */
export function ResultSheet({ result, onNext, onStay }: { result: RecordedOrder; onNext: () => void; onStay: () => void }) {
  return (
    <Popup visible position='bottom' round closeOnOverlayClick={false} className='staff-sheet'>
      <View className='staff-sheet__panel staff-result-sheet'>
        <Text className='staff-sheet__title'>{result.duplicate ? '未重复录入' : '录入成功'}</Text>
        <OrderResult result={result} />
        <Button className='staff-next-customer' type='primary' block onClick={onNext}>
          下一位顾客
        </Button>
        <Button className='staff-stay' block onClick={onStay}>
          继续为该会员录入
        </Button>
      </View>
    </Popup>
  )
}
