import { useCallback, useEffect, useState } from 'react'
import { View, Text } from '@tarojs/components'
import { listAccessLog, type AccessLogEntry } from '@/api/member'
import { Button } from '@/components/nutui'
import { dateTime } from '@/format'
import type { StaffRole } from '@/hooks/useRequireRole'
import { ErrorText, Section } from './common'

const LOOKUP_BY: Record<AccessLogEntry['by'], string> = { member_code: '会员码', phone: '手机号', console: '商家后台会员页', coupon: '券码' }

/** Who at the stores looked up which member, and how (PIPL: access to personal data is accountable). */
export function AccessSection({ role }: { role: StaffRole }) {
  const storeName = (id: string) => role.stores?.find((st) => st.id === id)?.name ?? '其他门店'
  const [entries, setEntries] = useState<AccessLogEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [more, setMore] = useState(false)
  const PAGE = 30

  const load = useCallback(async (before?: string) => {
    const res = await listAccessLog({ limit: PAGE, before })
    if (!res.ok) {
      setError(res.message)
      return
    }
    setEntries((cur) => (before && cur ? [...cur, ...res.data.entries] : res.data.entries))
    setMore(res.data.entries.length === PAGE)
  }, [])
  useEffect(() => void load(), [load])

  return (
    <Section className='merchant-access'>
      <Text className='merchant-hint'>店员每次识别会员（扫码或手机号）都会记录在此，会员导出个人数据时也可看到。</Text>
      <ErrorText message={error} />
      {entries === null && !error ? <Text className='merchant-status'>加载中…</Text> : null}
      <View className='merchant-access-list'>
        {entries && entries.length === 0 ? <Text className='merchant-empty'>暂无查询记录</Text> : null}
        {(entries ?? []).map((e) => (
          <View key={e._id} className='merchant-access-item'>
            <Text className='merchant-access-item__who'>
              {e.actor.name}
              {e.actor.storeId ? ` · ${storeName(e.actor.storeId)}` : ''}
            </Text>
            <Text className='merchant-hint'>
              以{LOOKUP_BY[e.by]}识别会员 {e.memberId} · {dateTime(e.at)}
            </Text>
          </View>
        ))}
      </View>
      {more && entries ? (
        <Button size='small' className='merchant-access-more' onClick={() => void load(entries[entries.length - 1].at)}>
          加载更多
        </Button>
      ) : null}
    </Section>
  )
}
