import { Button } from '@tarojs/components'
import type { BaseEventOrig } from '@tarojs/components'

/** Weapp: WeChat's own phone-number button; hands its one-time `code` to `onCode`. */
export function PhoneButton({ label, onCode }: { label: string; onCode: (code: string) => void }) {
  return (
    <Button
      className='profile-phone-button'
      size='mini'
      openType='getPhoneNumber'
      onGetPhoneNumber={(e: BaseEventOrig<{ code?: string; errMsg?: string }>) => {
        if (e.detail.code) onCode(e.detail.code)
      }}
    >
      {label}
    </Button>
  )
}
