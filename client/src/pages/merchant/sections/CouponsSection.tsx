import { useState } from 'react'
import { View, Text } from '@tarojs/components'
import type { CouponChannel, CouponKind } from '@shared/schemas/coupon'
import { couponAuditLog, createTemplate, grantCoupons, listTemplates, newRequestId, undoVerify } from '@/api/coupon'
import { Button, Input } from '@/components/nutui'
import { dateTime, yuanToFen } from '@/format'
import { useRemote } from '@/hooks/useRemote'
import { confirmSave, ErrorText, GRANT_REFUSAL, Section, SectionLoading, wholeNumber } from './common'

const KINDS: { id: CouponKind; label: string }[] = [
  { id: 'cash', label: '满减券' },
  { id: 'discount', label: '折扣券' },
  { id: 'gift', label: '兑换券' },
]
const CHANNELS: { id: CouponChannel; label: string }[] = [
  { id: 'claim_center', label: '领券中心' },
  { id: 'new_member', label: '新会员' },
  { id: 'birthday', label: '生日' },
  { id: 'campaign', label: '营销活动' },
  { id: 'points_mall', label: '积分商城' },
  { id: 'manual', label: '手动发放' },
]
const CHANNEL_TEXT = Object.fromEntries(CHANNELS.map((c) => [c.id, c.label])) as Record<CouponChannel, string>

/** 优惠券: templates (stock, channels) and a new one; the verifications, with undo within 10 minutes. */
export function CouponsSection() {
  const templates = useRemote(() => listTemplates(), [])
  const audit = useRemote(() => couponAuditLog(), [])
  const [kind, setKind] = useState<CouponKind>('cash')
  const [title, setTitle] = useState('')
  const [value, setValue] = useState('')
  const [threshold, setThreshold] = useState('')
  const [percent, setPercent] = useState('')
  const [days, setDays] = useState('30')
  const [stock, setStock] = useState('100')
  const [limit, setLimit] = useState('1')
  const [channels, setChannels] = useState<CouponChannel[]>(['claim_center'])
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState<string | null>(null)
  const [granting, setGranting] = useState<{ templateId: string; members: string; requestId: string } | null>(null)

  const create = async () => {
    setError(null)
    setSaved(null)
    const valueFen = value.trim() ? yuanToFen(value) : 0
    const thresholdFen = threshold.trim() ? yuanToFen(threshold) : 0
    const n = { days: wholeNumber(days), stock: wholeNumber(stock), limit: wholeNumber(limit), percent: percent.trim() ? wholeNumber(percent) : null }
    if (valueFen === null || thresholdFen === null) return setError('金额格式不正确')
    if (!n.days || n.stock === null || !n.limit) return setError('有效天数、库存、每人限领应为整数')
    const res = await createTemplate({
      title: title.trim(),
      kind,
      valueFen,
      thresholdFen,
      discountPercent: kind === 'discount' ? n.percent : null,
      validity: { type: 'relative', days: n.days },
      stock: n.stock,
      perMemberLimit: n.limit,
      channels,
      newMemberGift: channels.includes('new_member'),
    })
    if (!res.ok) return setError(res.message)
    setSaved('已创建')
    setTitle('')
    void templates.reload({ quiet: true })
  }
  /** 手动发放 to card numbers; the request id is kept until answered, so a retried tap grants once. */
  const grant = async () => {
    if (!granting) return
    setError(null)
    setSaved(null)
    const memberIds = [...new Set(granting.members.split(/[\s,，]+/).filter(Boolean))]
    if (memberIds.length === 0) return setError('请填写会员卡号')
    const title = templates.state.status === 'ready' ? templates.state.data.templates.find((t) => t.templateId === granting.templateId)?.title : undefined
    // A grant costs the merchant stock and promises members a coupon: say what will happen first (issue 26 item 4).
    if (
      !(await confirmSave(
        '确认发放优惠券',
        `将向 ${memberIds.length} 位会员（卡号 ${memberIds.join('、')}）各发放 1 张「${title ?? granting.templateId}」。`,
        '确认发放',
      ))
    )
      return
    const res = await grantCoupons(granting.templateId, memberIds, granting.requestId)
    if (!res.ok) return setError(res.message)
    const refused = res.data.results.filter((r) => r.code)
    setSaved(
      `已发放 ${res.data.issued} 张${refused.length ? `，${refused.length} 位未发放（${refused.map((r) => `卡号 ${r.memberId}：${GRANT_REFUSAL[r.code ?? ''] ?? r.code}`).join('；')}）` : ''}`,
    )
    setGranting(null)
    void templates.reload({ quiet: true })
  }
  const undo = async (couponId: string) => {
    const res = await undoVerify(couponId)
    if (!res.ok) setError(res.message)
    void audit.reload({ quiet: true })
  }

  return (
    <Section className='merchant-coupons'>
      {templates.state.status !== 'ready' ? (
        <SectionLoading error={templates.state.status === 'error' ? templates.state.message : null} />
      ) : (
        <View className='merchant-coupon-templates'>
          {templates.state.data.templates.length === 0 ? <Text className='merchant-empty'>还没有优惠券</Text> : null}
          {templates.state.data.templates.map((t) => (
            <View key={t.templateId} className='merchant-fraud-item merchant-coupon-template'>
              <Text className='merchant-access-item__who'>
                {t.face} · {t.title}
                {t.status === 'paused' ? '（已停用）' : ''}
              </Text>
              <Text className='merchant-hint'>
                剩余 {t.remaining}/{t.stock} · 每人限 {t.perMemberLimit} · {t.channels.map((c) => CHANNEL_TEXT[c]).join('、')}
                {t.newMemberGift ? ' · 新人礼' : ''}
              </Text>
              <Text className='merchant-hint'>{t.conditions.join('；')}</Text>
              {t.channels.includes('manual') ? (
                granting?.templateId === t.templateId ? (
                  <View className='merchant-fraud-item__actions'>
                    <View className='merchant-field merchant-coupon-grant-members'>
                      <Input placeholder='会员卡号，逗号分隔' value={granting.members} onChange={(v) => setGranting({ ...granting, members: v })} />
                    </View>
                    <Button size='small' type='primary' className='merchant-coupon-grant-confirm' onClick={() => void grant()}>
                      发放
                    </Button>
                  </View>
                ) : (
                  <Button
                    size='small'
                    className='merchant-coupon-grant'
                    onClick={() => setGranting({ templateId: t.templateId, members: '', requestId: newRequestId('grant') })}
                  >
                    手动发放
                  </Button>
                )
              ) : null}
            </View>
          ))}
        </View>
      )}

      <Text className='merchant-row merchant-label'>新建优惠券</Text>
      <View className='merchant-fraud-item__actions'>
        {KINDS.map((k) => (
          <Button key={k.id} size='small' type={kind === k.id ? 'primary' : 'default'} onClick={() => setKind(k.id)}>
            {k.label}
          </Button>
        ))}
      </View>
      {(
        [
          ['名称', title, setTitle, 'merchant-coupon-title'],
          [
            kind === 'discount' ? '折扣（如 88）' : '面额（元）',
            kind === 'discount' ? percent : value,
            kind === 'discount' ? setPercent : setValue,
            'merchant-coupon-value',
          ],
          ['门槛（元，选填）', threshold, setThreshold, 'merchant-coupon-threshold'],
          ['有效天数', days, setDays, 'merchant-coupon-days'],
          ['库存', stock, setStock, 'merchant-coupon-stock'],
          ['每人限领', limit, setLimit, 'merchant-coupon-limit'],
        ] as [string, string, (v: string) => void, string][]
      ).map(([label, v, set, cls]) => (
        <View key={cls} className='merchant-row'>
          <Text className='merchant-label'>{label}</Text>
          <View className={`merchant-field ${cls}`}>
            <Input value={v} onChange={(x) => set(x)} />
          </View>
        </View>
      ))}
      <View className='merchant-fraud-item__actions'>
        {CHANNELS.map((c) => (
          <Button
            key={c.id}
            size='small'
            type={channels.includes(c.id) ? 'primary' : 'default'}
            onClick={() => setChannels((cs) => (cs.includes(c.id) ? cs.filter((x) => x !== c.id) : [...cs, c.id]))}
          >
            {c.label}
          </Button>
        ))}
      </View>
      <Button className='merchant-coupon-create' type='primary' onClick={() => void create()}>
        创建
      </Button>
      <ErrorText message={error} />
      {saved ? <Text className='merchant-saved'>{saved}</Text> : null}

      <Text className='merchant-row merchant-label'>核销记录</Text>
      {audit.state.status === 'ready' ? (
        <View className='merchant-coupon-audit'>
          {audit.state.data.entries.length === 0 ? <Text className='merchant-empty'>暂无核销</Text> : null}
          {audit.state.data.entries.map((e) => (
            <View key={e.auditId} className='merchant-access-item merchant-coupon-audit-item'>
              <Text className='merchant-access-item__who'>
                {e.action === 'undo' ? '撤销核销' : '核销'} · {e.title}
              </Text>
              <Text className='merchant-hint'>
                {e.staffName} · {e.storeName} · {dateTime(e.at)}
                {e.orderId ? ` · 小票 ${e.orderId}` : ''}
              </Text>
              {e.canUndo ? (
                <Button size='small' className='merchant-coupon-undo' onClick={() => void undo(e.couponId)}>
                  撤销
                </Button>
              ) : null}
            </View>
          ))}
        </View>
      ) : (
        <SectionLoading error={audit.state.status === 'error' ? audit.state.message : null} />
      )}
    </Section>
  )
}
