import type { ComponentType } from 'react'
import type { StaffRole } from '@/hooks/useRequireRole'
import { AccessSection } from './AccessSection'
import { FraudSection } from './FraudSection'
import { PosSection } from './PosSection'
import { ReconcileSection } from './ReconcileSection'
import { RulesSection } from './RulesSection'
import { TiersSection } from './TiersSection'
import { CouponsSection } from './CouponsSection'
import { MallSection } from './MallSection'
import { JobsSection } from './JobsSection'
import { TemplatesSection } from './TemplatesSection'
import { CareSection } from './CareSection'
import { LifecycleSection } from './LifecycleSection'
import { ReferralSection } from './ReferralSection'

export interface ConsoleSection {
  id: string
  label: string
  Component: ComponentType<{ role: StaffRole }>
}

/** The console's sections, in tab order: a new feature's console is one entry here and one file beside it. */
export const SECTIONS: ConsoleSection[] = [
  { id: 'tiers', label: '等级设置', Component: TiersSection },
  { id: 'rules', label: '积分规则', Component: RulesSection },
  { id: 'fraud', label: '风险预警', Component: FraudSection },
  { id: 'reconcile', label: '对账', Component: ReconcileSection },
  { id: 'access', label: '查询记录', Component: AccessSection },
  { id: 'pos', label: 'POS 密钥', Component: ({ role }) => <PosSection stores={role.stores ?? []} /> },
  { id: 'coupons', label: '优惠券', Component: CouponsSection },
  { id: 'mall', label: '积分商城', Component: MallSection },
  { id: 'care', label: '会员关怀', Component: CareSection },
  { id: 'lifecycle', label: '会员生命周期', Component: LifecycleSection },
  { id: 'referral', label: '邀请有礼', Component: ReferralSection },
  { id: 'templates', label: '订阅消息', Component: TemplatesSection },
  { id: 'jobs', label: '任务记录', Component: JobsSection },
]
