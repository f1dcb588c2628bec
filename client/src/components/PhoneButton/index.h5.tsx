import { Button } from '@tarojs/components'

/** H5 (local cloud): no WeChat phone button; the local cloud answers a test number for any code. */
export function PhoneButton({ label, onCode }: { label: string; onCode: (code: string) => void }) {
  return (
    <Button className='profile-phone-button' size='mini' onClick={() => onCode(`h5-local-${Date.now()}`)}>
      {label}（本地测试号）
    </Button>
  )
}
