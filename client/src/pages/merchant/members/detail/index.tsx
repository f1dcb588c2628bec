import { useState, type ReactNode } from 'react'
import { useRouter } from '@tarojs/taro'
import { View, Text } from '@tarojs/components'
import { memberDetail, noteMember, tagMembers, type MemberDetailView } from '@/api/crm'
import { grantCoupons, listTemplates, newRequestId } from '@/api/coupon'
import { adjustPoints } from '@/api/points'
import { Button, Input } from '@/components/nutui'
import { Cell, Radio, Tag, TextArea } from '../../components/kit'
import { calendarDate, dateTime, formatYuan } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import type { StaffRole } from '@/hooks/useRequireRole'
import { areaById } from '../../areas'
import { ConsoleShell } from '../../components/ConsoleShell'
import { useConfirm } from '../../components/useConfirm'
import { ErrorText, GRANT_REFUSAL, Section, SectionLoading, wholeNumber } from '../../sections/common'
import { useFilterOptions } from '../useFilterOptions'

type Detail = MemberDetailView
type Confirm = ReturnType<typeof useConfirm>['confirm']

const refusal = (code: string) => GRANT_REFUSAL[code] ?? code
const ACCESS_BY: Record<string, string> = { member_code: '扫会员码', phone: '手机号查询', console: '后台查看', coupon: '核销券' }
const COUPON_STATUS: Record<string, string> = { unused: '未使用', used: '已使用', expired: '已过期', revoked: '已作废' }
const MALL_STATUS: Record<string, string> = { pending: '待发货', shipped: '已发货', fulfilled: '已完成', cancelled: '已取消' }
const LEDGER_KIND: Record<string, string> = {
  earn: '消费',
  mature: '到账',
  spend: '使用',
  expire: '过期',
  refund: '退款扣回',
  adjust: '人工调整',
  forfeit: '清零',
}

function Block({ cls, title, empty, children }: { cls: string; title: string; empty: boolean; children: ReactNode }) {
  return (
    <View className={`merchant-detail-block ${cls}`}>
      <Cell.Group title={title}>{empty ? <Cell title='暂无记录' /> : children}</Cell.Group>
    </View>
  )
}

/** 调整积分: add or take, with a reason; asks first, shows the balance after. The request id is kept until answered. */
function AdjustPoints({ d, confirm, onDone }: { d: Detail; confirm: Confirm; onDone: () => void }) {
  const [sign, setSign] = useState<'add' | 'take'>('add')
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const [requestId, setRequestId] = useState(() => newRequestId('adj'))
  const [result, setResult] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const m = d.member
  const submit = async () => {
    setError(null)
    setResult(null)
    const n = wholeNumber(amount)
    if (n === null || n === 0) return setError('请填写要调整的积分（正整数）')
    if (reason.trim().length < 2) return setError('请填写调整原因（至少 2 个字）')
    const delta = sign === 'add' ? n : -n
    const word = sign === 'add' ? '增加' : '扣减'
    const yes = await confirm(
      '确认调整积分',
      `将为 ${m.nickname}（卡号 ${m.cardNo}）${word} ${n} 积分，原因：${reason.trim()}。当前可用 ${m.pointsAvailable} 积分，调整后 ${m.pointsAvailable + delta} 积分。调整会记入积分明细，会员可见。`,
      `确认${word}`,
    )
    if (!yes) return
    setBusy(true)
    const res = await adjustPoints({ memberId: m.memberId, delta, requestId, reason: reason.trim() })
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setResult(`已${word} ${n} 积分，当前可用 ${res.data.balanceAfter} 积分`)
    setRequestId(newRequestId('adj'))
    setAmount('')
    setReason('')
    onDone()
  }
  return (
    <Section className='merchant-detail-adjust'>
      <Text className='merchant-label'>调整积分</Text>
      <Radio.Group direction='horizontal' shape='button' value={sign} onChange={(v) => setSign(v === 'take' ? 'take' : 'add')}>
        <Radio className='merchant-adjust-add' shape='button' value='add'>
          增加
        </Radio>
        <Radio className='merchant-adjust-take' shape='button' value='take'>
          扣减
        </Radio>
      </Radio.Group>
      <View className='merchant-row'>
        <Text className='merchant-label'>积分</Text>
        <View className='merchant-field merchant-adjust-amount'>
          <Input type='number' placeholder='正整数' value={amount} onChange={setAmount} />
        </View>
      </View>
      <View className='merchant-row'>
        <Text className='merchant-label'>原因</Text>
        <View className='merchant-field merchant-adjust-reason'>
          <Input placeholder='如：活动补发' value={reason} onChange={setReason} />
        </View>
      </View>
      <Button className='merchant-adjust-submit' type='primary' block loading={busy} disabled={busy} onClick={() => void submit()}>
        调整积分
      </Button>
      {result ? <Text className='merchant-saved merchant-adjust-result'>{result}</Text> : null}
      <ErrorText message={error} />
    </Section>
  )
}

/** 发放优惠券: one coupon of a manual-channel template; asks first, shows what was issued or why not. */
function GrantCoupon({ d, confirm, onDone }: { d: Detail; confirm: Confirm; onDone: () => void }) {
  const templates = useRemote(() => listTemplates(), [])
  const [templateId, setTemplateId] = useState('')
  const [requestId, setRequestId] = useState(() => newRequestId('grant'))
  const [result, setResult] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  if (templates.state.status !== 'ready') return <SectionLoading error={templates.state.status === 'error' ? templates.state.message : null} />
  const manual = templates.state.data.templates.filter((t) => t.channels.includes('manual') && t.status === 'active')
  const m = d.member
  const submit = async () => {
    setError(null)
    setResult(null)
    const t = manual.find((x) => x.templateId === templateId)
    if (!t) return setError('请选择要发放的优惠券')
    const yes = await confirm(
      '确认发放优惠券',
      `将向 ${m.nickname}（卡号 ${m.cardNo}）发放 1 张「${t.title}」（${t.face}），会员可在「我的券」中看到并使用。`,
      '确认发放',
    )
    if (!yes) return
    const res = await grantCoupons(t.templateId, [m.memberId], requestId)
    if (!res.ok) return setError(res.message)
    const r = res.data.results[0]
    if (r?.code) setError(`未发放「${t.title}」：${refusal(r.code)}`)
    else setResult(r?.duplicate ? `「${t.title}」此前已发放，未重复发放` : `已发放 1 张「${t.title}」`)
    setRequestId(newRequestId('grant'))
    onDone()
  }
  return (
    <Section className='merchant-detail-grant'>
      <Text className='merchant-label'>发放优惠券</Text>
      {manual.length === 0 ? (
        <Text className='merchant-hint'>没有可手动发放的券（在「优惠券」中创建并勾选「手动发放」渠道）</Text>
      ) : (
        <Radio.Group direction='horizontal' shape='button' value={templateId} onChange={(v) => setTemplateId(String(v))}>
          {manual.map((t) => (
            <Radio key={t.templateId} className={`merchant-grant-option merchant-grant-option--${t.templateId}`} shape='button' value={t.templateId}>
              {t.face} · {t.title}
            </Radio>
          ))}
        </Radio.Group>
      )}
      <Button className='merchant-grant-submit' type='primary' block disabled={manual.length === 0} onClick={() => void submit()}>
        发放
      </Button>
      {result ? <Text className='merchant-saved merchant-grant-result'>{result}</Text> : null}
      <ErrorText message={error} />
    </Section>
  )
}

/** Tags (automatic ones with their rule; manual ones removable) and the merchant's notes. */
function TagsAndNotes({ d, onDone }: { d: Detail; onDone: () => void }) {
  const [tag, setTag] = useState('')
  const [note, setNote] = useState('')
  const [noteRequest, setNoteRequest] = useState(() => newRequestId('note'))
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const id = d.member.memberId
  const change = async (c: { add?: string[]; remove?: string[] }, done: string) => {
    setError(null)
    setSaved(null)
    const res = await tagMembers([id], c)
    if (!res.ok) return setError(res.message)
    setSaved(done)
    setTag('')
    onDone()
  }
  const addNote = async () => {
    setError(null)
    setSaved(null)
    if (!note.trim()) return setError('请填写备注')
    const res = await noteMember(id, note.trim(), noteRequest)
    if (!res.ok) return setError(res.message)
    setSaved('备注已保存')
    setNote('')
    setNoteRequest(newRequestId('note'))
    onDone()
  }
  return (
    <Section className='merchant-detail-tags'>
      <Text className='merchant-label'>标签</Text>
      <View className='merchant-member-cell__tags merchant-detail-tag-list'>
        {d.tags.length === 0 ? <Text className='merchant-hint'>暂无标签</Text> : null}
        {d.tags.map((t) =>
          t.kind === 'auto' ? (
            <Tag key={t.tag} className='merchant-detail-tag merchant-detail-tag--auto' type='primary' plain>
              {t.tag}
            </Tag>
          ) : (
            <Tag
              key={t.tag}
              className={`merchant-detail-tag merchant-detail-tag--manual merchant-detail-tag--${t.tag}`}
              type='warning'
              closeable
              onClose={() => void change({ remove: [t.tag] }, `已移除标签「${t.tag}」`)}
            >
              {t.tag}
            </Tag>
          ),
        )}
      </View>
      {d.tags
        .filter((t) => t.rule)
        .map((t) => (
          <Text key={t.tag} className='merchant-hint merchant-detail-tag-rule'>
            {t.tag}：{t.rule}
          </Text>
        ))}
      <View className='merchant-members-search'>
        <View className='merchant-field merchant-detail-tag-input'>
          <Input placeholder='新标签，如 VIP' value={tag} onChange={setTag} />
        </View>
        <Button
          className='merchant-detail-tag-add'
          size='small'
          type='primary'
          onClick={() => (tag.trim() ? void change({ add: [tag.trim()] }, `已添加标签「${tag.trim()}」`) : setError('请填写标签'))}
        >
          添加标签
        </Button>
      </View>
      <Text className='merchant-label'>备注</Text>
      <View className='merchant-detail-note-input'>
        <TextArea placeholder='如：喜欢燕麦拿铁（仅商家可见）' maxLength={200} showCount value={note} onChange={setNote} />
      </View>
      <Button className='merchant-detail-note-save' size='small' onClick={() => void addNote()}>
        保存备注
      </Button>
      {d.notes.map((n) => (
        <View key={n.noteId} className='merchant-access-item merchant-detail-note'>
          <Text className='merchant-access-item__who'>{n.text}</Text>
          <Text className='merchant-hint'>
            {n.byName} · {dateTime(n.at)}
          </Text>
        </View>
      ))}
      {saved ? <Text className='merchant-saved merchant-detail-tags-saved'>{saved}</Text> : null}
      <ErrorText message={error} />
    </Section>
  )
}

function MemberCard({ d, tierName }: { d: Detail; tierName: (id: string) => string }) {
  const m = d.member
  return (
    <Section className='merchant-detail-card'>
      <Text className='merchant-header__name merchant-detail-name'>{m.nickname || '未设置昵称'}</Text>
      <Text className='merchant-hint merchant-detail-ids'>
        卡号 {m.cardNo} · 手机 {m.phoneMasked ?? '未绑定'} · {tierName(m.tierId)}
      </Text>
      <View className='merchant-row'>
        <Text className='merchant-label'>可用积分</Text>
        <Text className='merchant-detail-points'>
          {m.pointsAvailable}
          {m.pointsPending ? `（待到账 ${m.pointsPending}）` : ''}
        </Text>
      </View>
      <View className='merchant-row'>
        <Text className='merchant-label'>成长值</Text>
        <Text>{m.growth}</Text>
      </View>
      <View className='merchant-row'>
        <Text className='merchant-label'>消费</Text>
        <Text>
          {m.purchaseCount} 次 · {formatYuan(m.amountFen)}
        </Text>
      </View>
      <View className='merchant-row'>
        <Text className='merchant-label'>生命周期</Text>
        <Text className='merchant-detail-stage'>
          {d.lifecycle.label}（{d.lifecycle.idleDays} 天未消费）
        </Text>
      </View>
      <View className='merchant-row'>
        <Text className='merchant-label'>注册 / 生日</Text>
        <Text>
          {calendarDate(m.registeredAt)} · {m.birthday ? `${m.birthday.month}月${m.birthday.day}日` : '未填写生日'}
        </Text>
      </View>
      {m.interests.length ? <Text className='merchant-hint'>兴趣：{m.interests.join('、')}</Text> : null}
      {d.rfm ? (
        <View className='merchant-detail-rfm'>
          <Text className='merchant-label'>
            RFM：{d.rfm.segment}（R{d.rfm.r} F{d.rfm.f} M{d.rfm.m}）
          </Text>
          <Text className='merchant-hint'>
            {d.rfm.who}。建议：{d.rfm.todo}
          </Text>
        </View>
      ) : (
        <Text className='merchant-hint'>RFM：统计窗口内没有消费</Text>
      )}
    </Section>
  )
}

function History({ d }: { d: Detail }) {
  return (
    <View className='merchant-detail-history'>
      <Block cls='merchant-detail-orders' title='消费订单' empty={d.orders.length === 0}>
        {d.orders.map((o) => (
          <Cell
            key={o.orderId}
            title={`${formatYuan(o.amountFen)}${o.refundedFen ? `（退 ${formatYuan(o.refundedFen)}）` : ''}`}
            description={`${o.storeId} · 小票 ${o.receiptNo} · ${dateTime(o.paidAt)}`}
            extra={`+${o.points}`}
          />
        ))}
      </Block>
      <Block cls='merchant-detail-ledger' title='积分明细' empty={d.ledger.length === 0}>
        {d.ledger.map((e) => (
          <Cell
            key={e.entryId}
            className={`merchant-ledger-row merchant-ledger-row--${e.kind}`}
            title={`${LEDGER_KIND[e.kind] ?? e.kind} · ${e.reason}`}
            description={`${dateTime(e.createdAt)} · 余额 ${e.balanceAfter}`}
            extra={e.delta > 0 ? `+${e.delta}` : String(e.delta)}
          />
        ))}
      </Block>
      <Block cls='merchant-detail-coupons' title='优惠券' empty={d.coupons.length === 0}>
        {d.coupons.map((c) => (
          <Cell
            key={c.couponId}
            title={c.title}
            description={c.usedAt ? `使用于 ${dateTime(c.usedAt)}` : `有效期至 ${calendarDate(c.endsAt)}`}
            extra={COUPON_STATUS[c.status] ?? c.status}
          />
        ))}
      </Block>
      <Block cls='merchant-detail-mall' title='商城兑换' empty={d.mallOrders.length === 0}>
        {d.mallOrders.map((o) => (
          <Cell
            key={o.orderId}
            title={`${o.title} ×${o.quantity}`}
            description={dateTime(o.createdAt)}
            extra={`${o.pointsSpent} 积分 · ${MALL_STATUS[o.status] ?? o.status}`}
          />
        ))}
      </Block>
      <Block cls='merchant-detail-checkin' title='签到' empty={!d.checkin}>
        {d.checkin ? (
          <Cell
            title={`连续 ${d.checkin.streak} 天 · 最长 ${d.checkin.longest} 天 · 共 ${d.checkin.total} 天`}
            description={d.checkin.lastDay ? `最近签到 ${d.checkin.lastDay}` : ''}
          />
        ) : null}
      </Block>
      <Block cls='merchant-detail-tiers' title='等级变化' empty={d.tierChanges.length === 0}>
        {d.tierChanges.map((t) => (
          <Cell key={`${t.at}-${t.toTierId}`} title={`${t.fromTierId} → ${t.toTierId}`} description={`${t.reason} · ${dateTime(t.at)}`} />
        ))}
      </Block>
      <Block cls='merchant-detail-access' title='查看记录（员工与商家）' empty={d.accessLog.length === 0}>
        {d.accessLog.map((e) => (
          <Cell
            key={e._id}
            className='merchant-detail-access-row'
            title={`${e.actor.name}（${e.actor.role === 'merchant' ? '商家' : '店员'}）`}
            description={`${ACCESS_BY[e.by] ?? e.by} · ${dateTime(e.at)}`}
          />
        ))}
      </Block>
    </View>
  )
}

function MemberDetail({ role, memberId }: { role: StaffRole; memberId: string }) {
  const options = useFilterOptions(role)
  const remote = useRemote(() => memberDetail(memberId), [memberId])
  const { confirm, dialog } = useConfirm()
  if (remote.state.status !== 'ready')
    return (
      <Section className='merchant-detail'>
        <SectionLoading error={remote.state.status === 'error' ? remote.state.message : null} />
      </Section>
    )
  const d = remote.state.data
  const refresh = () => void remote.reload({ quiet: true })
  return (
    <View className='merchant-detail'>
      <View className='merchant-desktop-columns'>
        <MemberCard d={d} tierName={options.tierName} />
        <TagsAndNotes d={d} onDone={refresh} />
      </View>
      <View className='merchant-desktop-columns merchant-detail-actions-row'>
        <AdjustPoints d={d} confirm={confirm} onDone={refresh} />
        <GrantCoupon d={d} confirm={confirm} onDone={refresh} />
      </View>
      <History d={d} />
      {dialog}
    </View>
  )
}

/** A member's page for the merchant; opening it is written to the access log (PIPL). */
export default function MerchantMemberDetailPage() {
  const router = useRouter()
  const memberId = router.params.memberId ? decodeURIComponent(router.params.memberId) : ''
  return (
    <ConsoleShell area={areaById('members')}>
      {(role) => (memberId ? <MemberDetail role={role} memberId={memberId} /> : <Text className='merchant-empty'>没有指定会员，请从会员列表打开</Text>)}
    </ConsoleShell>
  )
}
