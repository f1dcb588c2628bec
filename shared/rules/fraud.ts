/**
 * Fraud signals on accruals (pure). The caller counts recent orders (indexed queries) and this
 * decides which flags an order raises. A flag never refuses a sale: the merchant reviews it, and
 * when `holdFlagged` is on, the order's points stay pending until released.
 */
import type { EarningRules } from '../schemas/points';

export type FraudKind = 'member_velocity' | 'staff_repeat' | 'store_velocity' | 'split_receipts';

export interface FraudCounts {
  /** orders of this member on the business day, this one included */
  memberOrdersToday: number;
  /** orders this staff member recorded for this member today, this one included (0: not staff-recorded) */
  staffSameMemberToday: number;
  /** orders of this store in the last hour, this one included */
  storeOrdersLastHour: number;
  /** this member's receipts today just under the split threshold, this one included */
  justUnderToday: number;
}

export function isJustUnder(amountFen: number, rules: EarningRules): boolean {
  const t = rules.fraud.splitThresholdFen;
  return amountFen < t && amountFen >= Math.ceil((t * rules.fraud.splitBandPercent) / 100);
}

export const FRAUD_REASONS: Record<FraudKind, string> = {
  member_velocity: '会员当日消费笔数异常',
  staff_repeat: '同一店员频繁为同一会员积分',
  store_velocity: '门店积分笔数异常',
  split_receipts: '多笔小票金额接近审核阈值（疑似拆单）',
};

export function fraudFlags(c: FraudCounts, amountFen: number, rules: EarningRules): FraudKind[] {
  const f = rules.fraud;
  const flags: FraudKind[] = [];
  if (c.memberOrdersToday > f.memberOrdersPerDay) flags.push('member_velocity');
  if (c.staffSameMemberToday > f.staffSameMemberPerDay) flags.push('staff_repeat');
  if (c.storeOrdersLastHour > f.storeOrdersPerHour) flags.push('store_velocity');
  if (isJustUnder(amountFen, rules) && c.justUnderToday >= f.splitCountPerDay) flags.push('split_receipts');
  return flags;
}
