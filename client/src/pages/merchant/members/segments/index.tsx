import { useEffect, useRef, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { RFM_SEGMENTS, SEGMENT_GUIDE } from '@shared/rules/rfm'
import type { SegmentFilter } from '@shared/rules/segments'
import { countSegment, listSegments, saveSegment, segmentMembers, type MemberSummaryView, type SegmentView } from '@/api/crm'
import { Button, Input } from '@/components/nutui'
import { Cell } from '../../components/kit'
import { useRemote } from '@/hooks/useRemote'
import type { StaffRole } from '@/hooks/useRequireRole'
import { areaById } from '../../areas'
import { ConsoleShell } from '../../components/ConsoleShell'
import { ErrorText, Section, SectionLoading } from '../../sections/common'
import { FilterForm } from '../FilterForm'
import { EMPTY_DRAFT, describeFilter, draftFromFilter, filterFromDraft, type FilterDraft } from '../filter'
import { MemberCell } from '../MemberCell'
import { MembersNav } from '../MembersNav'
import { useFilterOptions } from '../useFilterOptions'

/** how long the form rests before the live count is asked (one count request per pause, not per keystroke) */
const COUNT_DEBOUNCE_MS = 400

type Count = { status: 'counting' } | { status: 'ready'; count: number } | { status: 'invalid'; message: string }

/** The live count of a draft: asked after the form rests, the answer of the latest draft only. */
function useLiveCount(draft: FilterDraft): Count {
  const [count, setCount] = useState<Count>({ status: 'counting' })
  const ticket = useRef(0)
  useEffect(() => {
    const filter = filterFromDraft(draft)
    if (typeof filter === 'string') {
      setCount({ status: 'invalid', message: filter })
      return undefined
    }
    setCount({ status: 'counting' })
    const mine = ++ticket.current
    const timer = setTimeout(() => {
      void countSegment(filter).then((res) => {
        if (mine !== ticket.current) return
        setCount(res.ok ? { status: 'ready', count: res.data.count } : { status: 'invalid', message: res.message })
      })
    }, COUNT_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [draft])
  return count
}

/** Every member of a saved segment, walked page by page with `nextAfter` (the list a campaign would reach). */
async function walkSegment(segmentId: string): Promise<{ members: MemberSummaryView[] } | { error: string }> {
  const members: MemberSummaryView[] = []
  let after: string | undefined
  for (;;) {
    const res = await segmentMembers(segmentId, after)
    if (!res.ok) return { error: res.message }
    members.push(...res.data.members)
    if (!res.data.nextAfter) return { members }
    after = res.data.nextAfter
  }
}

function SavedSegment({
  s,
  describe,
  onEdit,
  tierName,
}: {
  s: SegmentView
  describe: (f: SegmentFilter) => string
  onEdit: () => void
  tierName: (id: string) => string
}) {
  const [count, setCount] = useState<number | null>(null)
  const [walked, setWalked] = useState<MemberSummaryView[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    void countSegment(s.filter).then((res) => (res.ok ? setCount(res.data.count) : setError(res.message)))
  }, [s.filter, s.version])
  const walk = async () => {
    const res = await walkSegment(s.segmentId)
    if ('error' in res) setError(res.error)
    else setWalked(res.members)
  }
  return (
    <View className={`merchant-fraud-item merchant-saved-segment merchant-saved-segment--${s.segmentId}`}>
      <Text className='merchant-access-item__who'>
        {s.name} · v{s.version} · <Text className='merchant-saved-segment-count'>{count === null ? '…' : count}</Text> 人
      </Text>
      <Text className='merchant-hint'>{describe(s.filter)}</Text>
      <Text className='merchant-hint'>
        {s.updatedByName} 保存于 {s.updatedAt.slice(0, 10)}
      </Text>
      <View className='merchant-fraud-item__actions'>
        <Button className='merchant-saved-segment-edit' size='small' onClick={onEdit}>
          编辑
        </Button>
        <Button className='merchant-saved-segment-walk' size='small' onClick={() => void walk()}>
          查看成员
        </Button>
      </View>
      {walked ? (
        <View className='merchant-saved-segment-members'>
          <Text className='merchant-hint merchant-saved-segment-walked'>共 {walked.length} 位会员</Text>
          <Cell.Group>
            {walked.slice(0, 50).map((m) => (
              <MemberCell key={m.memberId} m={m} tierName={tierName} />
            ))}
          </Cell.Group>
          {walked.length > 50 ? <Text className='merchant-hint'>仅显示前 50 位</Text> : null}
        </View>
      ) : null}
      <ErrorText message={error} />
    </View>
  )
}

function RfmOverview() {
  const [counts, setCounts] = useState<Record<string, number>>({})
  useEffect(() => {
    for (const seg of RFM_SEGMENTS) void countSegment({ rfmSegments: [seg] }).then((res) => res.ok && setCounts((c) => ({ ...c, [seg]: res.data.count })))
  }, [])
  return (
    <Section className='merchant-rfm'>
      <Cell.Group title='RFM 八类会员' description='按最近消费、消费频次、消费金额与平均水平比较，每天凌晨更新'>
        {RFM_SEGMENTS.map((seg) => (
          <Cell
            key={seg}
            className={`merchant-rfm-row merchant-rfm-row--${seg}`}
            title={seg}
            description={`${SEGMENT_GUIDE[seg].who}。建议：${SEGMENT_GUIDE[seg].todo}`}
            extra={<Text className='merchant-rfm-count'>{counts[seg] ?? '…'} 人</Text>}
          />
        ))}
      </Cell.Group>
    </Section>
  )
}

function SegmentBuilder({ role }: { role: StaffRole }) {
  const options = useFilterOptions(role)
  const saved = useRemote(() => listSegments(), [])
  const [draft, setDraft] = useState<FilterDraft>(EMPTY_DRAFT)
  const [name, setName] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [result, setResult] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const count = useLiveCount(draft)
  const segments = saved.state.status === 'ready' ? saved.state.data : []
  const describe = (f: SegmentFilter) => describeFilter(f, options.tierName, options.storeName)

  const save = async () => {
    setError(null)
    setResult(null)
    const filter = filterFromDraft(draft)
    if (typeof filter === 'string') return setError(filter)
    if (!name.trim()) return setError('请填写分群名称')
    // A segment is found by name: saving over one names the version this draft was made from.
    const existing = segments.find((s) => s.name === name.trim())
    setSaving(true)
    const res = await saveSegment(name.trim(), filter, existing?.version)
    setSaving(false)
    if (!res.ok) {
      setError(res.code === 'SEGMENT_VERSION_CONFLICT' ? `${res.message}（已载入最新的分群列表，请核对后重新保存）` : res.message)
      void saved.reload({ quiet: true })
      return
    }
    setResult(`已保存「${name.trim()}」第 ${res.data.version} 版`)
    void saved.reload({ quiet: true })
  }

  return (
    <View className='merchant-segments'>
      <View className='merchant-desktop-columns'>
        <Section className='merchant-segment-builder'>
          <View className='merchant-row'>
            <Text className='merchant-label'>符合条件的会员</Text>
            <Text className='merchant-count merchant-segment-count'>{count.status === 'ready' ? count.count : count.status === 'counting' ? '…' : '—'}</Text>
          </View>
          {count.status === 'invalid' ? <ErrorText message={count.message} /> : null}
          <FilterForm draft={draft} options={options} onChange={setDraft} />
          <View className='merchant-members-search'>
            <View className='merchant-field merchant-segment-name'>
              <Input placeholder='分群名称，如 沉睡高价值' value={name} onChange={setName} />
            </View>
            <Button className='merchant-segment-save' type='primary' size='small' loading={saving} disabled={saving} onClick={() => void save()}>
              保存分群
            </Button>
          </View>
          {result ? <Text className='merchant-saved merchant-segment-saved'>{result}</Text> : null}
          <ErrorText message={error} />
        </Section>
        <Section className='merchant-saved-segments'>
          <Text className='merchant-label'>已保存的分群</Text>
          {saved.state.status !== 'ready' ? <SectionLoading error={saved.state.status === 'error' ? saved.state.message : null} /> : null}
          {saved.state.status === 'ready' && segments.length === 0 ? <Text className='merchant-empty'>还没有保存的分群</Text> : null}
          {segments.map((s) => (
            <SavedSegment
              key={`${s.segmentId}@${s.version}`}
              s={s}
              describe={describe}
              tierName={options.tierName}
              onEdit={() => {
                setDraft(draftFromFilter(s.filter))
                setName(s.name)
              }}
            />
          ))}
        </Section>
      </View>
      <RfmOverview />
    </View>
  )
}

/** 分群: compose a filter with a live count, save it by name (versioned), and the eight RFM segments. */
export default function MerchantSegmentsPage() {
  return (
    <ConsoleShell area={areaById('members')}>
      {(role) => (
        <>
          <MembersNav active='segments' />
          <SegmentBuilder role={role} />
        </>
      )}
    </ConsoleShell>
  )
}
