import { useState } from 'react'
import { View } from '@tarojs/components'
import { Button, Input } from '@/components/nutui'
import type { ScanInputProps } from './types'
import './index.scss'

/**
 * Typed entry of a member code: the 26 digits under the barcode (spaces allowed) or the QR token;
 * or the member's mobile number when the card is not at hand (the page decides which it is).
 * The whole input on H5 (no camera API); the fallback beside the scan button in weapp.
 */
export function CodeEntry({ onCode, busy, buttonText = '识别' }: ScanInputProps & { buttonText?: string }) {
  const [text, setText] = useState('')
  const submit = () => {
    const code = text.replace(/\s+/g, '')
    if (code) onCode(code)
  }
  return (
    <View className='scan-input'>
      <View className='scan-input__field staff-code-input'>
        <Input placeholder='会员码、券码或手机号' value={text} onChange={(v) => setText(v)} onConfirm={submit} clearable />
      </View>
      <Button className='scan-input__button staff-identify' type='primary' loading={busy} disabled={busy} onClick={submit}>
        {buttonText}
      </Button>
    </View>
  )
}
