import type { ComponentType } from 'react'
import type { StaffRole } from '@/hooks/useRequireRole'
import { AccessSection } from './AccessSection'
import { FraudSection } from './FraudSection'
import { PosSection } from './PosSection'
import { ReconcileSection } from './ReconcileSection'
import { RulesSection } from './RulesSection'
import { TiersSection } from './TiersSection'
import { CouponsSection } from './CouponsSection'

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
]
