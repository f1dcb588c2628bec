import { useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { onSubscribeAsk, type SubscribeAsk } from '@/api/subscribe-request'
import { subscribeTitles } from '@/api/subscribe'
import { BRAND_NAME } from '@/brand'
import { Button, Checkbox, Popup } from '@/components/nutui'
import './index.scss'

/**
 * The browser build's stand-in for WeChat's subscription dialog (see `api/subscribe-request.h5.ts`):
 * the same question, one line per template, each ticked by default as on the phone; 允许 records the
 * ticked ones. Pages that ask after a tap (开卡, 领券, 签到, 积分到期提醒) place it once; in the
 * mini-program no request ever reaches it (WeChat draws its own).
 */
export function SubscribeSheet() {
  const [ask, setAsk] = useState<SubscribeAsk | null>(null)
  const [ticked, setTicked] = useState<string[]>([])
  useEffect(
    () =>
      onSubscribeAsk((next) => {
        setAsk(next)
        setTicked(next ? next.templateIds : [])
      }),
    [],
  )
  const toggle = (id: string, on: boolean) => setTicked((t) => (on ? [...t.filter((x) => x !== id), id] : t.filter((x) => x !== id)))
  return (
    <Popup className='subscribe-sheet' visible={ask !== null} position='bottom' round onClose={() => ask?.answer([])}>
      {ask ? (
        <View className='subscribe-sheet__body'>
          <Text className='subscribe-sheet__title'>「{BRAND_NAME}」申请向你发送以下订阅消息</Text>
          <Text className='subscribe-sheet__note'>每项允许一次，可收到一条对应通知（本地演示版，模拟微信订阅授权）</Text>
          {ask.templateIds.map((id) => (
            <View key={id} className='subscribe-sheet__item'>
              <Checkbox checked={ticked.includes(id)} onChange={(on) => toggle(id, on)}>
                {subscribeTitles.get(id) ?? '订阅消息'}
              </Checkbox>
            </View>
          ))}
          <View className='subscribe-sheet__actions'>
            <Button className='subscribe-sheet__reject' onClick={() => ask.answer([])}>
              取消
            </Button>
            <Button className='subscribe-sheet__accept' type='primary' onClick={() => ask.answer(ticked)}>
              允许
            </Button>
          </View>
        </View>
      ) : null}
    </Popup>
  )
}
