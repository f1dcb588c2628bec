import Taro from '@tarojs/taro'
import { Button, Image } from '@tarojs/components'
import type { BaseEventOrig } from '@tarojs/components'

/** Weapp: `open-type="chooseAvatar"`; the temporary file is uploaded to cloud storage, its fileID kept. */
export function AvatarButton({ avatarUrl, memberId, onUploaded }: { avatarUrl: string; memberId: string; onUploaded: (fileId: string) => void }) {
  return (
    <Button
      className='profile-avatar-button'
      openType='chooseAvatar'
      onChooseAvatar={async (e: BaseEventOrig<{ avatarUrl: string }>) => {
        try {
          const res = await Taro.cloud.uploadFile({ cloudPath: `avatars/${memberId}-${Date.now()}.png`, filePath: e.detail.avatarUrl })
          onUploaded(res.fileID)
        } catch {
          void Taro.showToast({ title: '头像上传失败', icon: 'none' })
        }
      }}
    >
      {avatarUrl ? <Image className='profile-avatar' src={avatarUrl} /> : '选择头像'}
    </Button>
  )
}
