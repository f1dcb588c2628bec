import type { LifecycleSettings } from '@shared/rules/lifecycle'
import { getLifecycleSettings, updateLifecycleSettings } from '@/api/marketing'
import { mapResult, Section, SettingsForm, type Draft, type FieldSpec } from './common'

const FIELDS: FieldSpec[] = [
  { kind: 'heading', key: 'dormancyHeading', label: '沉睡唤醒：会员多久未消费进入各阶段（预警 < 沉睡 < 流失）' },
  { kind: 'switch', key: 'dormancy.enabled', label: '沉睡唤醒' },
  { kind: 'number', key: 'warningDays', label: '预警', min: 7, max: 365, unit: '天未消费' },
  { kind: 'coupon', key: 'warningCoupon', label: '预警回归券' },
  { kind: 'number', key: 'sleepingDays', label: '沉睡', min: 14, max: 730, unit: '天未消费' },
  { kind: 'number', key: 'lostDays', label: '流失', min: 30, max: 1095, unit: '天未消费' },
  { kind: 'coupon', key: 'recallCoupon', label: '老友回归礼' },
  { kind: 'heading', key: 'repurchaseHeading', label: '复购提醒：按会员自己的购买周期（订单太少时用品类中位数）提前提醒' },
  { kind: 'switch', key: 'repurchase.enabled', label: '复购提醒' },
  { kind: 'number', key: 'leadDays', label: '提前提醒', min: 1, max: 14, unit: '天' },
  { kind: 'number', key: 'minPurchases', label: '个人周期至少需要', min: 2, max: 12, unit: '次购买' },
  { kind: 'number', key: 'maxIntervalDays', label: '周期超过不提醒', min: 7, max: 365, unit: '天' },
]

function toDraft(s: LifecycleSettings): Draft {
  const d = s.dormancy
  const r = s.repurchase
  return {
    'dormancy.enabled': d.enabled ? 'on' : 'off',
    warningDays: String(d.warningDays),
    sleepingDays: String(d.sleepingDays),
    lostDays: String(d.lostDays),
    warningCoupon: d.warningCouponTemplateId ?? '',
    recallCoupon: d.recallCouponTemplateId ?? '',
    'repurchase.enabled': r.enabled ? 'on' : 'off',
    leadDays: String(r.leadDays),
    minPurchases: String(r.minPurchases),
    maxIntervalDays: String(r.maxIntervalDays),
  }
}

function fromDraft(d: Draft, n: Record<string, number | null>, base: LifecycleSettings): LifecycleSettings | string {
  const warningDays = n.warningDays ?? base.dormancy.warningDays
  const sleepingDays = n.sleepingDays ?? base.dormancy.sleepingDays
  const lostDays = n.lostDays ?? base.dormancy.lostDays
  if (!(warningDays < sleepingDays && sleepingDays < lostDays)) return '天数应为 预警 < 沉睡 < 流失'
  return {
    dormancy: {
      enabled: d['dormancy.enabled'] === 'on',
      warningDays,
      sleepingDays,
      lostDays,
      warningCouponTemplateId: d.warningCoupon || null,
      recallCouponTemplateId: d.recallCoupon || null,
    },
    repurchase: {
      enabled: d['repurchase.enabled'] === 'on',
      leadDays: n.leadDays ?? base.repurchase.leadDays,
      minPurchases: n.minPurchases ?? base.repurchase.minPurchases,
      maxIntervalDays: n.maxIntervalDays ?? base.repurchase.maxIntervalDays,
    },
  }
}

function describe(s: LifecycleSettings, couponTitle: (id: string | null) => string): string {
  const d = s.dormancy
  const r = s.repurchase
  return [
    d.enabled
      ? `预警 ${d.warningDays} 天（${couponTitle(d.warningCouponTemplateId)}）、沉睡 ${d.sleepingDays} 天、流失 ${d.lostDays} 天（${couponTitle(d.recallCouponTemplateId)}）`
      : '沉睡唤醒关闭',
    r.enabled ? `复购提前 ${r.leadDays} 天提醒` : '复购提醒关闭',
  ].join('；')
}

/** 会员生命周期: the dormancy stages and their coupons, the repurchase reminders. */
export function LifecycleSection() {
  return (
    <Section className='merchant-lifecycle'>
      <SettingsForm<LifecycleSettings>
        className='merchant-lifecycle'
        title='生命周期设置'
        load={async () => mapResult(await getLifecycleSettings(), (d) => ({ version: d.version, value: d.settings }))}
        save={updateLifecycleSettings}
        fields={() => FIELDS}
        toDraft={toDraft}
        fromDraft={fromDraft}
        describe={describe}
      />
    </Section>
  )
}
