import { useCallback, useEffect, useRef, useState } from 'react'
import { useReachBottom } from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import type { MemberSort } from '@shared/contracts/crm'
import { searchMembers, type MemberSummaryView, type SearchMembersRequest } from '@/api/crm'
import { Button, Input } from '@/components/nutui'
import { Cell, Radio } from '../components/kit'
import type { StaffRole } from '@/hooks/useRequireRole'
import { areaById } from '../areas'
import { ConsoleShell } from '../components/ConsoleShell'
import { ErrorText, Section } from '../sections/common'
import { FilterForm } from './FilterForm'
import { EMPTY_DRAFT, filterFromDraft, type FilterDraft } from './filter'
import { MemberCell } from './MemberCell'
import { MembersNav } from './MembersNav'
import { useFilterOptions } from './useFilterOptions'

const SORT_TEXT: Record<MemberSort, string> = { cardNo: '按卡号', newest: '最新注册', points: '积分最多' }
const SORTS = Object.keys(SORT_TEXT) as MemberSort[]

/** What an empty answer means for the query typed: a card number or phone that no member holds says so. */
function emptyText(query: string): string {
  const q = query.replace(/[\s-]/g, '')
  if (/^8\d{11}$/.test(q)) return `没有卡号为 ${q} 的会员，请核对卡号`
  if (/^1\d{10}$/.test(q)) return `没有手机号为 ${q.slice(0, 3)}****${q.slice(-4)} 的会员`
  return query ? `没有昵称以「${query}」开头的会员` : '没有符合条件的会员'
}

type ListState = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; members: MemberSummaryView[]; nextAfter: string | null; query: string }

function MemberList({ role }: { role: StaffRole }) {
  const options = useFilterOptions(role)
  const [query, setQuery] = useState('')
  const [sort, setSort] = useState<MemberSort>('cardNo')
  const [draft, setDraft] = useState<FilterDraft>(EMPTY_DRAFT)
  const [showFilter, setShowFilter] = useState(false)
  const [list, setList] = useState<ListState>({ status: 'idle' })
  const [error, setError] = useState<string | null>(null)
  const [more, setMore] = useState(false)
  /** the request the list shows, to ask its next page */
  const shown = useRef<SearchMembersRequest | null>(null)
  const ticket = useRef(0)

  const search = useCallback(
    async (nextSort = sort) => {
      setError(null)
      const filter = filterFromDraft(draft)
      if (typeof filter === 'string') return setError(filter)
      const q = query.trim()
      const req: SearchMembersRequest = { sort: nextSort, ...(q ? { query: q } : {}), ...(Object.keys(filter).length ? { filter } : {}) }
      setList({ status: 'loading' })
      // only the latest search may answer: an earlier one (the first page on open) arriving late is dropped
      const mine = ++ticket.current
      const res = await searchMembers(req)
      if (mine !== ticket.current) return
      if (!res.ok) {
        setList({ status: 'idle' })
        return setError(res.message)
      }
      shown.current = req
      setList({ status: 'ready', members: res.data.members, nextAfter: res.data.nextAfter, query: q })
    },
    [draft, query, sort],
  )

  const loadMore = async () => {
    if (list.status !== 'ready' || !list.nextAfter || !shown.current || more) return
    setMore(true)
    const mine = ticket.current
    const res = await searchMembers({ ...shown.current, after: list.nextAfter })
    setMore(false)
    if (mine !== ticket.current) return
    if (!res.ok) return setError(res.message)
    setList({ ...list, members: [...list.members, ...res.data.members], nextAfter: res.data.nextAfter })
  }
  useReachBottom(() => void loadMore())

  useEffect(() => {
    void search()
    // the first page on open; later searches are the merchant's
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  return (
    <View className='merchant-members'>
      <Section className='merchant-members-query'>
        <View className='merchant-members-search'>
          <View className='merchant-field merchant-members-search-input'>
            <Input placeholder='手机号 / 卡号 / 昵称' value={query} onChange={setQuery} onConfirm={() => void search()} />
          </View>
          <Button className='merchant-members-search-go' type='primary' size='small' onClick={() => void search()}>
            搜索
          </Button>
        </View>
        <Radio.Group
          className='merchant-members-sort'
          direction='horizontal'
          shape='button'
          value={sort}
          onChange={(v) => {
            const next = v as MemberSort
            setSort(next)
            void search(next)
          }}
        >
          {SORTS.map((s) => (
            <Radio key={s} className={`merchant-members-sort--${s}`} shape='button' value={s}>
              {SORT_TEXT[s]}
            </Radio>
          ))}
        </Radio.Group>
        <View className='merchant-detail-actions'>
          <Button className='merchant-members-filter-toggle' size='small' onClick={() => setShowFilter((x) => !x)}>
            {showFilter ? '收起筛选' : '筛选'}
          </Button>
          {showFilter ? (
            <Button
              size='small'
              onClick={() => {
                setDraft(EMPTY_DRAFT)
              }}
            >
              清空条件
            </Button>
          ) : null}
        </View>
        {showFilter ? (
          <>
            <FilterForm draft={draft} options={options} onChange={setDraft} />
            <Button className='merchant-members-filter-apply' type='primary' block onClick={() => void search()}>
              按条件查找
            </Button>
          </>
        ) : null}
        <ErrorText message={error} />
      </Section>
      <View className='merchant-members-list'>
        {list.status === 'loading' ? <Text className='merchant-empty'>查找中…</Text> : null}
        {list.status === 'ready' && list.members.length === 0 ? <Text className='merchant-empty merchant-members-empty'>{emptyText(list.query)}</Text> : null}
        {list.status === 'ready' ? (
          <Cell.Group>
            {list.members.map((m) => (
              <MemberCell key={m.memberId} m={m} tierName={options.tierName} />
            ))}
          </Cell.Group>
        ) : null}
        {list.status === 'ready' && list.nextAfter ? (
          <Button className='merchant-members-more' block loading={more} onClick={() => void loadMore()}>
            加载更多
          </Button>
        ) : null}
        {list.status === 'ready' && !list.nextAfter && list.members.length > 0 ? (
          <Text className='merchant-hint merchant-members-end'>已显示全部 {list.members.length} 位</Text>
        ) : null}
      </View>
    </View>
  )
}

/** 会员: find a member by phone (through the keyed hash), card number or nickname, filter and sort, page on. */
export default function MerchantMembersPage() {
  return (
    <ConsoleShell area={areaById('members')}>
      {(role) => (
        <>
          <MembersNav active='list' />
          <MemberList role={role} />
        </>
      )}
    </ConsoleShell>
  )
}
