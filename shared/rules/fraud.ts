/**
 * Fraud signals on accruals (pure). The counts come from counters written inside the order's own
 * transaction (per member and per clerk in the member document, by the day the order is RECORDED,
 * never by the paid date a clerk types in), so concurrent orders cannot all read the same count and
 * all slip under the limit. A flag never refuses a sale: the merchant reviews it, and when
 * `holdFlagged` is on, the order's points stay pending until released. A late entry (paid longer
 * ago than the channel allows) is always held for review.
 */
import type { EarningRules } from '../schemas/points';

export type FraudKind = 'member_velocity' | 'staff_repeat' | 'store_velocity' | 'split_receipts' | 'late_entry';

interface FraudCounts {
  /** orders of this member recorded on the business day, this one included */
  memberOrdersToday: number;
  /** orders this staff member recorded for this member today, this one included (0: not staff-recorded) */
  staffSameMemberToday: number;
  /** orders of this store in the current hour, this one included */
  storeOrdersLastHour: number;
  /** this member's receipts recorded today just under the split threshold, this one included */
  justUnderToday: number;
  /** the store's hourly limit (see `storeHourlyLimit`); the rules' floor when not given */
  storeHourlyLimit?: number;
  /** paid longer ago than the channel allows */
  lateEntry?: boolean;
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
  late_entry: '补录的订单支付时间过早，待审核',
};

/** Flags that hold the points whatever `holdFlagged` says (the order goes to review instead of crediting). */
const ALWAYS_HELD: ReadonlySet<FraudKind> = new Set<FraudKind>(['late_entry']);

export function fraudFlags(c: FraudCounts, amountFen: number, rules: EarningRules): FraudKind[] {
  const f = rules.fraud;
  const flags: FraudKind[] = [];
  if (c.memberOrdersToday > f.memberOrdersPerDay) flags.push('member_velocity');
  if (c.staffSameMemberToday > f.staffSameMemberPerDay) flags.push('staff_repeat');
  if (c.storeOrdersLastHour > (c.storeHourlyLimit ?? f.storeOrdersPerHour)) flags.push('store_velocity');
  if (isJustUnder(amountFen, rules) && c.justUnderToday >= f.splitCountPerDay) flags.push('split_receipts');
  if (c.lateEntry) flags.push('late_entry');
  return flags;
}

export function isHeld(flags: readonly FraudKind[], rules: EarningRules): boolean {
  return flags.some((k) => ALWAYS_HELD.has(k)) || (flags.length > 0 && rules.fraud.holdFlagged);
}

/** Paid longer ago than the channel allows: staff entry 24 h by default, a POS batch upload longer. */
export function isLateEntry(paidAt: Date, now: Date, channel: 'pos' | 'staff', rules: EarningRules): boolean {
  const hours = channel === 'pos' ? rules.fraud.posLateEntryHours : rules.fraud.staffLateEntryHours;
  return now.getTime() - paidAt.getTime() > hours * 3600_000;
}

/**
 * A store's hourly limit: a multiple of its own trailing hourly median (hours with orders, the last
 * 24), never below the rules' floor — a busy shop's normal hour is not an alert, a quiet shop's
 * sudden burst is.
 */
export function storeHourlyLimit(trailingHourCounts: readonly number[], rules: EarningRules): number {
  const floor = rules.fraud.storeOrdersPerHour;
  const counts = trailingHourCounts.filter((n) => n > 0).sort((a, b) => a - b);
  if (counts.length === 0) return floor;
  const mid = Math.floor(counts.length / 2);
  const median = counts.length % 2 ? counts[mid] : (counts[mid - 1] + counts[mid]) / 2;
  return Math.max(floor, Math.ceil(median * rules.fraud.storeVelocityMultiplier));
}

/**
 * The member's order counters for one recording day, kept in the member document and written in the
 * order's transaction. A list (not a map keyed by OPENID): no user data ever becomes a key.
 */
interface OrderDayCounters {
  on: string;
  orders: number;
  justUnder: number;
  /** points credited by orders recorded this day (the daily cap holds per recording day too) */
  earned: number;
  byStaff: { openid: string; orders: number }[];
}

/** The counters of `recordedOn` (a new day starts from zero). */
export function countersOn(c: OrderDayCounters | null | undefined, recordedOn: string): OrderDayCounters {
  return c && c.on === recordedOn ? c : { on: recordedOn, orders: 0, justUnder: 0, earned: 0, byStaff: [] };
}

/** The counters with this order counted; and the counts it is judged by (this order included). */
export function countOrder(
  c: OrderDayCounters,
  staffOpenid: string | null,
  justUnder: boolean,
): { next: OrderDayCounters; memberOrdersToday: number; staffSameMemberToday: number; justUnderToday: number } {
  const byStaff = staffOpenid
    ? c.byStaff.some((s) => s.openid === staffOpenid)
      ? c.byStaff.map((s) => (s.openid === staffOpenid ? { ...s, orders: s.orders + 1 } : s))
      : [...c.byStaff, { openid: staffOpenid, orders: 1 }]
    : c.byStaff;
  const next = { ...c, orders: c.orders + 1, justUnder: c.justUnder + (justUnder ? 1 : 0), byStaff };
  return {
    next,
    memberOrdersToday: next.orders,
    staffSameMemberToday: staffOpenid ? (byStaff.find((s) => s.openid === staffOpenid)?.orders ?? 0) : 0,
    justUnderToday: justUnder ? next.justUnder : 0,
  };
}
