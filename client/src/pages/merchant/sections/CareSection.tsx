import type { EngagementSettings } from '@shared/rules/engagement'
import type { CheckinRules } from '@shared/rules/checkin'
import { getCheckinRules, getEngagementSettings, updateCheckinRules, updateEngagementSettings } from '@/api/marketing'
import { mapResult, Section, SettingsForm, type Draft, type FieldSpec } from './common'

const EXPIRY_REMINDERS = 3
const MAX_BONUSES = 10

const CARE_FIELDS: FieldSpec[] = [
  { kind: 'heading', key: 'birthdayHeading', label: '生日关怀：生日前发券并送祝福，生日当天消费积分加倍（2 月 29 日生日在平年 2 月 28 日）' },
  { kind: 'switch', key: 'birthday.enabled', label: '生日关怀' },
  { kind: 'number', key: 'leadDays', label: '生日前', min: 0, max: 30, unit: '天发券' },
  { kind: 'coupon', key: 'birthdayCoupon', label: '生日礼券' },
  { kind: 'number', key: 'multiplier', label: '生日积分倍率', min: 1, max: 10, decimal: true, unit: '倍' },
  { kind: 'heading', key: 'remindersHeading', label: '到期提醒（订阅消息）：积分到期前最多三次，不需要的留空' },
  ...Array.from({ length: EXPIRY_REMINDERS }, (_, i): FieldSpec => ({
    kind: 'number',
    key: `pe${i}`,
    label: `积分到期提醒 ${i + 1}`,
    min: 1,
    max: 90,
    optional: i > 0,
    unit: '天前',
  })),
  { kind: 'number', key: 'couponExpiry', label: '优惠券到期提醒', min: 1, max: 30, unit: '天前' },
]

function careDraft(s: EngagementSettings): Draft {
  const d: Draft = {
    'birthday.enabled': s.birthday.enabled ? 'on' : 'off',
    leadDays: String(s.birthday.leadDays),
    birthdayCoupon: s.birthday.couponTemplateId ?? '',
    multiplier: String(s.birthday.pointsMultiplier),
    couponExpiry: String(s.couponExpiry.daysBefore),
  }
  s.pointsExpiry.daysBefore.forEach((days, i) => (d[`pe${i}`] = String(days)))
  return d
}

function careFromDraft(d: Draft, n: Record<string, number | null>, base: EngagementSettings): EngagementSettings | string {
  const daysBefore = [...new Set(Array.from({ length: EXPIRY_REMINDERS }, (_, i) => n[`pe${i}`]).filter((x): x is number => typeof x === 'number'))].sort(
    (a, b) => b - a,
  )
  return {
    birthday: {
      enabled: d['birthday.enabled'] === 'on',
      leadDays: n.leadDays ?? base.birthday.leadDays,
      couponTemplateId: d.birthdayCoupon || null,
      pointsMultiplier: n.multiplier ?? base.birthday.pointsMultiplier,
    },
    pointsExpiry: { daysBefore },
    couponExpiry: { daysBefore: n.couponExpiry ?? base.couponExpiry.daysBefore },
  }
}

const careDescribe = (s: EngagementSettings, couponTitle: (id: string | null) => string) =>
  [
    s.birthday.enabled
      ? `生日前 ${s.birthday.leadDays} 天${s.birthday.couponTemplateId ? `送「${couponTitle(s.birthday.couponTemplateId)}」` : '发祝福（不发券）'}，生日积分 ×${s.birthday.pointsMultiplier}`
      : '生日关怀关闭',
    `积分到期前 ${s.pointsExpiry.daysBefore.join('、')} 天提醒`,
    `优惠券到期前 ${s.couponExpiry.daysBefore} 天提醒`,
  ].join('；')

const bonusRows = (r: CheckinRules) => Math.min(MAX_BONUSES, r.bonuses.length + 1)

function checkinFields(r: CheckinRules): FieldSpec[] {
  const specs: FieldSpec[] = [{ kind: 'number', key: 'dailyPoints', label: '每日签到', min: 0, max: 1000, unit: '积分' }]
  for (let i = 0; i < bonusRows(r); i += 1)
    specs.push(
      { kind: 'number', key: `b${i}.day`, label: `连续签到奖励 ${i + 1}：第`, min: 2, max: 365, optional: true, unit: '天' },
      { kind: 'number', key: `b${i}.points`, label: `连续签到奖励 ${i + 1}：额外`, min: 1, max: 100_000, optional: true, unit: '积分' },
    )
  specs.push(
    { kind: 'heading', key: 'makeUpHeading', label: '补签：用积分补签最近漏签的日子' },
    { kind: 'switch', key: 'makeUp.enabled', label: '补签' },
    { kind: 'number', key: 'withinDays', label: '可补最近', min: 1, max: 31, unit: '天' },
    { kind: 'number', key: 'perMonth', label: '每月最多补签', min: 0, max: 31, unit: '次' },
    { kind: 'number', key: 'costPoints', label: '每次补签消耗', min: 0, max: 100_000, unit: '积分' },
  )
  return specs
}

function checkinDraft(r: CheckinRules): Draft {
  const d: Draft = {
    dailyPoints: String(r.dailyPoints),
    'makeUp.enabled': r.makeUp.enabled ? 'on' : 'off',
    withinDays: String(r.makeUp.withinDays),
    perMonth: String(r.makeUp.perMonth),
    costPoints: String(r.makeUp.costPoints),
  }
  r.bonuses.forEach((b, i) => {
    d[`b${i}.day`] = String(b.day)
    d[`b${i}.points`] = String(b.points)
  })
  return d
}

function checkinFromDraft(d: Draft, n: Record<string, number | null>, base: CheckinRules): CheckinRules | string {
  const bonuses: CheckinRules['bonuses'] = []
  for (let i = 0; i < bonusRows(base); i += 1) {
    const day = n[`b${i}.day`] ?? null
    const points = n[`b${i}.points`] ?? null
    if (day === null && points === null) continue
    if (day === null || points === null) return `连续签到奖励 ${i + 1} 请同时填写天数和积分，不需要请都留空`
    if (bonuses.some((b) => b.day === day)) return `连续第 ${day} 天的奖励重复了`
    bonuses.push({ day, points })
  }
  return {
    dailyPoints: n.dailyPoints ?? base.dailyPoints,
    bonuses: bonuses.sort((a, b) => a.day - b.day),
    makeUp: {
      enabled: d['makeUp.enabled'] === 'on',
      withinDays: n.withinDays ?? base.makeUp.withinDays,
      perMonth: n.perMonth ?? base.makeUp.perMonth,
      costPoints: n.costPoints ?? base.makeUp.costPoints,
    },
  }
}

const checkinDescribe = (r: CheckinRules) =>
  [
    `每日 ${r.dailyPoints} 积分`,
    ...r.bonuses.map((b) => `连续 ${b.day} 天额外 ${b.points} 积分`),
    r.makeUp.enabled ? `补签：最近 ${r.makeUp.withinDays} 天内，每月 ${r.makeUp.perMonth} 次，每次 ${r.makeUp.costPoints} 积分` : '不可补签',
  ].join('；')

/** 会员关怀: the birthday gift and the reminders' lead times (`marketing`), the check-in rewards (`checkin`). */
export function CareSection() {
  return (
    <Section className='merchant-care'>
      <SettingsForm<EngagementSettings>
        className='merchant-care'
        title='生日与提醒'
        load={async () => mapResult(await getEngagementSettings(), (d) => ({ version: d.version, value: d.settings }))}
        save={updateEngagementSettings}
        fields={() => CARE_FIELDS}
        toDraft={careDraft}
        fromDraft={careFromDraft}
        describe={careDescribe}
      />
      <SettingsForm<CheckinRules>
        className='merchant-checkin'
        title='签到规则'
        load={async () => mapResult(await getCheckinRules(), (d) => ({ version: d.version, value: d.rules }))}
        save={updateCheckinRules}
        fields={checkinFields}
        toDraft={checkinDraft}
        fromDraft={checkinFromDraft}
        describe={checkinDescribe}
      />
    </Section>
  )
}
