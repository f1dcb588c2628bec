import { View, Image, Text } from '@tarojs/components'

/** H5 preview: WeChat's avatar chooser does not exist here; shows the avatar (or the nickname's initial) and says where to change it. */
export function AvatarButton({ avatarUrl, nickname }: { avatarUrl: string; nickname: string; memberId: string; onUploaded: (fileId: string) => void }) {
  return (
    <View className='profile-avatar-field'>
      {avatarUrl ? (
        <Image className='profile-avatar' src={avatarUrl} />
      ) : (
        <View className='profile-avatar profile-avatar--initial'>
          <Text>{nickname.trim().slice(0, 1) || '会'}</Text>
        </View>
      )}
      <Text className='profile-hint'>在微信中打开可更换头像</Text>
    </View>
  )
}
