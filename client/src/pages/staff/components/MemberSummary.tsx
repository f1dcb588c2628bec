import { View, Text } from '@tarojs/components'
import type { IdentifiedMember } from '@shared/schemas/member'

const SAFE_COLOR = /^#[0-9a-fA-F]{6}$/

/** The identified member as the clerk sees them: masked, no birthday, no full number; the tier chip in its colour. */
export function MemberSummary({ member }: { member: IdentifiedMember }) {
  const color = SAFE_COLOR.test(member.tier.color) ? member.tier.color : '#5b6270'
  return (
    <View className='staff-card staff-member-summary'>
      <View className='staff-member-summary__top'>
        <Text className='staff-member-summary__name'>{member.nickname || '会员'}</Text>
        <Text className='staff-member-summary__tier staff-tier-chip' style={{ backgroundColor: color, color: '#ffffff' }}>
          {member.tier.name}
        </Text>
      </View>
      <Text className='staff-member-summary__line'>卡号 {member.cardNo}</Text>
      <Text className='staff-member-summary__line'>手机 {member.phoneMasked ?? '未绑定'}</Text>
      <Text className='staff-member-summary__line'>
        可用积分 <Text className='staff-member-points'>{member.pointsAvailable}</Text> · 成长值 <Text className='staff-member-growth'>{member.growth}</Text>
      </Text>
      {member.clerkNotes.map((n) => (
        <Text key={n} className='staff-member-summary__note staff-clerk-note'>
          {n}
        </Text>
      ))}
    </View>
  )
}
