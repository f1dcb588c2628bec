import { View, Image, Text } from '@tarojs/components'

/** H5 preview: WeChat's avatar chooser does not exist here; shows the avatar only. */
export function AvatarButton({ avatarUrl }: { avatarUrl: string; memberId: string; onUploaded: (fileId: string) => void }) {
  return <View className='profile-avatar-button'>{avatarUrl ? <Image className='profile-avatar' src={avatarUrl} /> : <Text>H5 预览不支持选择头像</Text>}</View>
}
