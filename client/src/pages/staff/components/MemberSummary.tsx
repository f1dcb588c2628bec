import { View, Text } from '@tarojs/components'
import type { IdentifiedMember } from '@shared/schemas/member'

/** The identified member as the clerk sees them: masked, no birthday, no full number. */
export function MemberSummary({ member }: { member: IdentifiedMember }) {
  return (
    <View className='staff-card staff-member-summary'>
      <View className='staff-member-summary__top'>
        <Text className='staff-member-summary__name'>{member.nickname || '会员'}</Text>
        <Text className='staff-member-summary__tier'>{member.tier.name}</Text>
      </View>
      <Text className='staff-member-summary__line'>卡号 {member.cardNo}</Text>
      <Text className='staff-member-summary__line'>手机 {member.phoneMasked ?? '未绑定'}</Text>
      <Text className='staff-member-summary__line'>
        可用积分 <Text className='staff-member-points'>{member.pointsAvailable}</Text> · 成长值 {member.growth}
      </Text>
    </View>
  )
}
