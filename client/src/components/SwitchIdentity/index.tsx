import { Text } from '@tarojs/components'
import { signOut, supportsLocalSignIn } from '@/api/session'
import { restart } from '@/navigation'

/** The local build only: sign out and pick another identity (in WeChat the platform says who you are). */
export function SwitchIdentity() {
  if (!supportsLocalSignIn) return null
  return (
    <Text
      className='switch-identity'
      style={{ fontSize: '13px', color: '#576b95' }}
      onClick={() => {
        void signOut().then(() => restart('/pages/index/index'))
      }}
    >
      切换身份
    </Text>
  )
}
