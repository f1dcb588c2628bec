import type { ReferralRules } from '@shared/rules/referral'
import { getReferralRules, updateReferralRules } from '@/api/marketing'
import { mapResult, Section, SettingsForm, type Draft, type FieldSpec } from './common'

const MAX_MILESTONES = 5

/** The milestone rows: the saved ones and one empty row to add another (up to five). */
const milestoneRows = (r: ReferralRules) => Math.min(MAX_MILESTONES, r.milestones.length + 1)

function fields(r: ReferralRules): FieldSpec[] {
  const specs: FieldSpec[] = [
    { kind: 'switch', key: 'enabled', label: '邀请有礼' },
    { kind: 'number', key: 'validDays', label: '邀请链接有效期', min: 1, max: 365, unit: '天' },
    { kind: 'number', key: 'onRegister', label: '好友开卡奖励', min: 0, max: 100_000, unit: '积分' },
    { kind: 'number', key: 'onFirstPurchase', label: '好友首次消费奖励', min: 0, max: 100_000, unit: '积分' },
    { kind: 'heading', key: 'milestones', label: '里程碑奖励：累计成功邀请满 N 人（每满 N 人一次）送一张券；不需要请留空人数' },
  ]
  for (let i = 0; i < milestoneRows(r); i += 1)
    specs.push(
      { kind: 'number', key: `m${i}.count`, label: `里程碑 ${i + 1} 人数`, min: 1, max: 1000, optional: true, unit: '人' },
      { kind: 'coupon', key: `m${i}.coupon`, label: `里程碑 ${i + 1} 奖励券` },
    )
  return specs
}

function toDraft(r: ReferralRules): Draft {
  const d: Draft = {
    enabled: r.enabled ? 'on' : 'off',
    validDays: String(r.validDays),
    onRegister: String(r.onRegister.points),
    onFirstPurchase: String(r.onFirstPurchase.points),
  }
  r.milestones.forEach((m, i) => {
    d[`m${i}.count`] = String(m.count)
    d[`m${i}.coupon`] = m.couponTemplateId
  })
  return d
}

function fromDraft(d: Draft, n: Record<string, number | null>, base: ReferralRules): ReferralRules | string {
  const milestones: ReferralRules['milestones'] = []
  for (let i = 0; i < milestoneRows(base); i += 1) {
    const count = n[`m${i}.count`]
    const coupon = d[`m${i}.coupon`] ?? ''
    if (count === null || count === undefined) {
      if (coupon) return `里程碑 ${i + 1} 选了奖励券，请填写人数`
      continue
    }
    if (!coupon) return `里程碑 ${i + 1} 请选择奖励券`
    milestones.push({ count, couponTemplateId: coupon })
  }
  return {
    enabled: d.enabled === 'on',
    validDays: n.validDays ?? base.validDays,
    onRegister: { points: n.onRegister ?? 0 },
    onFirstPurchase: { points: n.onFirstPurchase ?? 0 },
    milestones,
  }
}

function describe(r: ReferralRules, couponTitle: (id: string | null) => string): string {
  const parts = [
    r.enabled ? '开启' : '关闭',
    `链接 ${r.validDays} 天有效`,
    `好友开卡 ${r.onRegister.points} 积分`,
    `首次消费 ${r.onFirstPurchase.points} 积分`,
    ...r.milestones.map((m) => `每满 ${m.count} 人送「${couponTitle(m.couponTemplateId)}」`),
  ]
  return parts.join('；')
}

/** 邀请有礼: what an invitation earns the inviter, how long a link lasts, the milestone coupons. */
export function ReferralSection() {
  return (
    <Section className='merchant-referral'>
      <SettingsForm<ReferralRules>
        className='merchant-referral'
        title='邀请有礼规则'
        load={async () => mapResult(await getReferralRules(), (d) => ({ version: d.version, value: d.rules }))}
        save={updateReferralRules}
        fields={fields}
        toDraft={toDraft}
        fromDraft={fromDraft}
        describe={describe}
      />
    </Section>
  )
}
