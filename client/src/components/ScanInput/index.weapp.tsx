import Taro from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import { Button } from '@/components/nutui'
import { CodeEntry } from './CodeEntry'
import type { ScanInputProps } from './types'
import './index.scss'

/** Weapp: the camera reads the QR or the barcode; typing the digits stays possible when a scan fails. */
export function ScanInput({ onCode, busy }: ScanInputProps) {
  const scan = async () => {
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode', 'barCode'] })
      const code = (res.result ?? '').replace(/\s+/g, '')
      if (code) onCode(code)
    } catch (err) {
      // The clerk closed the scanner: nothing to say. Anything else: say so.
      const msg = (err as { errMsg?: string }).errMsg ?? ''
      if (!/cancel/.test(msg)) void Taro.showToast({ title: '扫码失败，请重试或手动输入', icon: 'none' })
    }
  }
  return (
    <View className='scan-input scan-input--weapp'>
      <Button className='scan-input__scan staff-scan' type='primary' block loading={busy} disabled={busy} onClick={() => void scan()}>
        扫描会员码
      </Button>
      <Text className='scan-input__or'>或手动输入</Text>
      <CodeEntry onCode={onCode} busy={busy} />
    </View>
  )
}
