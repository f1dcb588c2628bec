import { View, Text } from '@tarojs/components'
import { listTags } from '@/api/crm'
import { Cell } from '../../components/kit'
import { useRemote } from '@/hooks/useRemote'
import { areaById } from '../../areas'
import { ConsoleShell } from '../../components/ConsoleShell'
import { Section, SectionLoading } from '../../sections/common'
import { MembersNav } from '../MembersNav'

function TagList() {
  const remote = useRemote(() => listTags(), [])
  if (remote.state.status !== 'ready')
    return (
      <Section className='merchant-tags'>
        <SectionLoading error={remote.state.status === 'error' ? remote.state.message : null} />
      </Section>
    )
  const { auto, manual } = remote.state.data
  return (
    <View className='merchant-tags merchant-desktop-columns'>
      <Section className='merchant-tags-auto'>
        <Cell.Group title='自动标签' description='每天凌晨按规则自动更新'>
          {auto.map((t) => (
            <Cell
              key={t.tag}
              className={`merchant-tag-row merchant-tag-row--${t.tag}`}
              title={t.tag}
              description={t.rule}
              extra={<Text className='merchant-tag-count'>{t.count} 人</Text>}
            />
          ))}
        </Cell.Group>
      </Section>
      <Section className='merchant-tags-manual'>
        <Cell.Group title='手动标签' description='在会员详情页添加或移除'>
          {manual.length === 0 ? <Cell title='还没有手动标签' /> : null}
          {manual.map((t) => (
            <Cell
              key={t.tag}
              className={`merchant-tag-row merchant-tag-row--${t.tag}`}
              title={t.tag}
              extra={<Text className='merchant-tag-count'>{t.count} 人</Text>}
            />
          ))}
        </Cell.Group>
      </Section>
    </View>
  )
}

/** 标签: the automatic tags with their rules, the manual tags, each with how many members hold it. */
export default function MerchantTagsPage() {
  return (
    <ConsoleShell area={areaById('members')}>
      {() => (
        <>
          <MembersNav active='tags' />
          <TagList />
        </>
      )}
    </ConsoleShell>
  )
}
