/**
 * Earning rules (pure): points and growth for an order, the registration bonus, member days.
 * Invariants: points and growth are non-negative integers; the daily cap is never exceeded by
 * order earnings; multipliers apply to the amount actually paid, split over the items in
 * proportion to their list price.
 */
import { addBusinessDays, businessDate, dayjs, BUSINESS_TZ } from '../calendar';
import type { EarningRules, OrderItem } from '../schemas/points';
import { ownValue } from '../schemas/common';
import { expiryDate } from './lots';

/** Is `day` (YYYY-MM-DD, Shanghai) a member day under the rules? */
export function isMemberDay(day: string, rules: EarningRules): boolean {
  const md = rules.memberDay;
  if (md.kind === 'none') return false;
  const d = dayjs.tz(`${day} 12:00:00`, BUSINESS_TZ);
  return md.kind === 'weekly' ? d.day() === md.weekday : d.date() === md.day;
}

interface EarningInput {
  items: readonly OrderItem[];
  amountFen: number;
  paidAt: Date;
  /** what the member already earned from orders on the business day of `paidAt` */
  earnedThatDay: number;
  /** what the member already earned from orders recorded on the day this one is recorded (the cap holds per recording day too) */
  earnedRecordedDay?: number;
  /** the business day the order is recorded: a late-entered order matures no earlier than pendingDays after it */
  recordedOn?: string;
  /** the birthday multiplier when `paidAt` falls on the member's birthday (engagement settings), else 1 */
  birthdayMultiplier?: number;
}

/** No single order earns more than this (the daily cap is usually far lower; this holds with no cap). */
const MAX_ORDER_POINTS = 10 ** 9;

/**
 * What earning takes from the tier configuration (its single source): the member's current tier's
 * `benefits.pointsMultiplier` and the configuration's `growthPerYuan`. See `earningTierOf` in ./tiers.
 */
interface EarningTier {
  pointsMultiplier: number;
  growthPerYuan: number;
}

export interface Earning {
  points: number;
  /** before the daily cap */
  uncapped: number;
  growth: number;
  earnedOn: string;
  maturesOn: string;
  expiresOn: string;
  memberDay: boolean;
  multiplier: number;
}

/** The paid amount weighted by SKU (else category) multipliers, in fen. */
/** List price of an order's items; what was paid may be less (discounts), never more. */
export function itemsTotalFen(items: readonly OrderItem[]): number {
  return items.reduce((s, it) => s + it.priceFen * it.quantity, 0);
}

export function weightedAmountFen(items: readonly OrderItem[], amountFen: number, rules: EarningRules): number {
  const list = itemsTotalFen(items);
  if (list <= 0) return amountFen;
  let weighted = 0;
  for (const it of items) {
    const share = (amountFen * it.priceFen * it.quantity) / list;
    // Own properties only: a SKU named `constructor` or `toString` is a SKU, not Object.prototype's.
    const m = ownValue(rules.skuMultipliers, it.sku) ?? ownValue(rules.categoryMultipliers, it.category) ?? 1;
    weighted += share * m;
  }
  return Math.floor(weighted + 1e-9);
}

export function computeEarning(input: EarningInput, rules: EarningRules, tier: EarningTier): Earning {
  const earnedOn = businessDate(input.paidAt);
  const memberDay = isMemberDay(earnedOn, rules);
  const tierM = tier.pointsMultiplier;
  const dayM = (memberDay && rules.memberDay.kind !== 'none' ? rules.memberDay.multiplier : 1) * (input.birthdayMultiplier ?? 1);
  const base = Math.floor(weightedAmountFen(input.items, input.amountFen, rules) / rules.stepFen) * rules.pointsPerStep;
  // Round once at the end; the tiny epsilon keeps 10 × 1.2 from landing on 11.999….
  const uncapped = Math.min(MAX_ORDER_POINTS, Math.max(0, Math.floor(base * tierM * dayM + 1e-9)));
  const cap = rules.dailyCapPerMember;
  // The cap holds for the day the order was paid AND the day it is recorded: backdating orders to
  // many past days cannot earn a cap per past day at once.
  const room = cap === null ? Infinity : Math.max(0, Math.min(cap - input.earnedThatDay, cap - (input.earnedRecordedDay ?? 0)));
  const paidMaturity = addBusinessDays(earnedOn, rules.pendingDays);
  const recordedMaturity = input.recordedOn ? addBusinessDays(input.recordedOn, rules.pendingDays) : paidMaturity;
  return {
    points: Math.min(uncapped, room),
    uncapped,
    // growthPerYuan may be fractional in the tier configuration; growth stays an integer.
    growth: Math.max(0, Math.floor(Math.floor(input.amountFen / 100) * tier.growthPerYuan + 1e-9)),
    earnedOn,
    // T+N from the later of payment and recording: a late entry does not skip maturity.
    maturesOn: recordedMaturity > paidMaturity ? recordedMaturity : paidMaturity,
    expiresOn: expiryDate(earnedOn, rules.expiry),
    memberDay,
    multiplier: tierM * dayM,
  };
}

/** Share of an order's points and growth a refund takes back: cumulative, so partial refunds add up exactly. */
export function refundShare(total: number, amountFen: number, refundedFenBefore: number, refundFen: number): number {
  if (amountFen <= 0) return total;
  const after = Math.min(amountFen, refundedFenBefore + refundFen);
  return Math.floor((total * after) / amountFen) - Math.floor((total * refundedFenBefore) / amountFen);
}

/**
 * How late an order may be recorded: its business day must be within this many days before today.
 * The per-day earnings the daily cap needs are kept for exactly this window (`recordEarnedDay`), so
 * the cap holds for every day an order can still be recorded for.
 */
export const EARN_WINDOW_DAYS = 60;

interface EarnedDay {
  on: string;
  amount: number;
}

/** The first business day an order may still be recorded for, on `today`. */
export function earnWindowStart(today: string): string {
  return addBusinessDays(today, -EARN_WINDOW_DAYS);
}

/** Per-day earnings, with the legacy single `earnedDay` folded in. */
export function earnedDaysOf(p: { earnedDays?: readonly EarnedDay[]; earnedDay?: EarnedDay | null }): EarnedDay[] {
  const days = [...(p.earnedDays ?? [])];
  if (p.earnedDay && !days.some((d) => d.on === p.earnedDay!.on)) days.push({ ...p.earnedDay });
  return days;
}

/** What the member already earned from orders on `day`. */
export function earnedOnDay(days: readonly EarnedDay[], day: string): number {
  return days.filter((d) => d.on === day).reduce((s, d) => s + d.amount, 0);
}

/** Adds `amount` to `day` and drops the days before the window of `today`; sorted by day. */
export function recordEarnedDay(days: readonly EarnedDay[], day: string, amount: number, today: string): EarnedDay[] {
  const from = earnWindowStart(today);
  const total = earnedOnDay(days, day) + amount;
  return [...days.filter((d) => d.on !== day), { on: day, amount: total }].filter((d) => d.on >= from).sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

export const yuan = (f: number) => `¥${(f / 100).toFixed(2)}`;
