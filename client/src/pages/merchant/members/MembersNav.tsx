import { View, Text } from '@tarojs/components'
import { Tabs } from '../components/kit'
import { replace } from '@/navigation'

const PAGES = [
  { id: 'list', label: '会员列表', path: '/pages/merchant/members/index' },
  { id: 'tags', label: '标签', path: '/pages/merchant/members/tags/index' },
  { id: 'segments', label: '分群', path: '/pages/merchant/members/segments/index' },
] as const

/** The members area's three pages, as NutUI tabs that lead to each other. */
export function MembersNav({ active }: { active: (typeof PAGES)[number]['id'] }) {
  return (
    <Tabs
      className='merchant-area-tabs merchant-members-nav'
      value={active}
      activeType='line'
      title={() =>
        PAGES.map((p) => (
          <View
            key={p.id}
            className={`nut-tabs-titles-item merchant-members-nav-${p.id}${p.id === active ? ' nut-tabs-titles-item-active' : ''}`}
            onClick={() => (p.id === active ? undefined : replace(p.path))}
          >
            <View className='nut-tabs-titles-item-line nut-tabs-titles-item-line-horizontal' />
            <Text className='nut-tabs-titles-item-text'>{p.label}</Text>
          </View>
        ))
      }
    />
  )
}
