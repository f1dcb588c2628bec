import Taro from '@tarojs/taro'
import { Button, Image, Text, View } from '@tarojs/components'
import type { BaseEventOrig } from '@tarojs/components'
import { toast } from '@/components/PageToast'

/** Weapp: `open-type="chooseAvatar"`; the temporary file is uploaded to cloud storage, its fileID kept. */
export function AvatarButton({
  avatarUrl,
  nickname,
  memberId,
  onUploaded,
}: {
  avatarUrl: string
  nickname: string
  memberId: string
  onUploaded: (fileId: string) => void
}) {
  return (
    <View className='profile-avatar-field'>
      <Button
        className='profile-avatar-button'
        openType='chooseAvatar'
        onChooseAvatar={async (e: BaseEventOrig<{ avatarUrl: string }>) => {
          try {
            const res = await Taro.cloud.uploadFile({ cloudPath: `avatars/${memberId}-${Date.now()}.png`, filePath: e.detail.avatarUrl })
            onUploaded(res.fileID)
          } catch {
            toast('头像上传失败')
          }
        }}
      >
        {avatarUrl ? (
          <Image className='profile-avatar' src={avatarUrl} />
        ) : (
          <View className='profile-avatar profile-avatar--initial'>
            <Text>{nickname.trim().slice(0, 1) || '会'}</Text>
          </View>
        )}
      </Button>
      <Text className='profile-hint'>点击更换头像</Text>
    </View>
  )
}
