import { View, Text } from '@tarojs/components'
import type { MemberSummaryView } from '@/api/crm'
import { Cell, Tag } from '../components/kit'
import { go } from '@/navigation'

/** One member in a list: masked phone, card number, tier, tags, points; a tap opens the member's page. */
export function MemberCell({ m, tierName }: { m: MemberSummaryView; tierName: (id: string) => string }) {
  return (
    <Cell
      className={`merchant-member merchant-member--${m.cardNo}`}
      clickable
      title={m.nickname || '未设置昵称'}
      description={
        <View>
          <Text className='merchant-member__meta'>
            卡号 {m.cardNo} · {m.phoneMasked ?? '未绑定手机'} · {tierName(m.tierId)}
          </Text>
          {m.tags.length ? (
            <View className='merchant-member-cell__tags'>
              {m.tags.map((t) => (
                <Tag key={t} type='primary' plain>
                  {t}
                </Tag>
              ))}
            </View>
          ) : null}
        </View>
      }
      extra={<Text className='merchant-member__points'>{m.pointsAvailable} 积分</Text>}
      onClick={() => go(`/pages/merchant/members/detail/index?memberId=${encodeURIComponent(m.memberId)}`)}
    />
  )
}
