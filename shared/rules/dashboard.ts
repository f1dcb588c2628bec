import { z } from 'zod';
import { addBusinessDays } from '../calendar';
import type { CohortCount, PointsFlow, StatsDailyDoc, StoreSales } from '../schemas/stats';
import type { LedgerKind } from '../schemas/points';
import type { RfmSegment } from './rfm';

/**
 * The merchant's dashboard, decided from the daily snapshots (`stats_daily`).
 *
 * Invariants:
 * - D1 `issued − redeemed − expired − forfeited` over any days == the change of Σ available balances
 *   over them (`pointsFlowOf` puts every ledger delta in exactly one of the four, with its sign);
 * - D2 the liability is the outstanding points now (yesterday's snapshot plus today's flows), valued at
 *   the merchant's value per point, in fen;
 * - D3 a rate is null when nothing was there to divide by, never a division by zero.
 */

/** The merchant's dashboard settings (`settings/crm` `dashboard`). */
export const dashboardSettingsSchema = z
  .object({
    /** what one point costs the merchant when redeemed, in fen (default 1 fen: 100 points = 1 yuan) */
    pointValueFen: z.number().int().min(0).max(10_000),
    /** warn when the redemption rate over the range falls below this share of the issued points (percent) */
    redemptionAlertPercent: z.number().int().min(0).max(100),
  })
  .strict();
type DashboardSettings = z.infer<typeof dashboardSettingsSchema>;
export const DEFAULT_DASHBOARD_SETTINGS: DashboardSettings = { pointValueFen: 1, redemptionAlertPercent: 20 };

/** The longest range the dashboard answers (days, inclusive). */
export const DASHBOARD_MAX_DAYS = 400;

/** One row of the ledger aggregated by kind and sign of `delta`. */
export interface LedgerFlowRow {
  kind: LedgerKind;
  positive: boolean;
  sum: number;
}

/**
 * The four flows from ledger sums (D1). Redeemed is net of points given back by cancelled mall
 * orders (`refund` credits), so it may be negative on a day with more returns than redemptions;
 * forfeited is every other debit: order-refund clawbacks, negative adjustments, fraud forfeits.
 */
export function pointsFlowOf(rows: readonly LedgerFlowRow[]): PointsFlow {
  const flow: PointsFlow = { issued: 0, redeemed: 0, expired: 0, forfeited: 0 };
  for (const { kind, positive, sum } of rows) {
    if (sum === 0) continue;
    if (positive) {
      if (kind === 'refund') flow.redeemed -= sum;
      else flow.issued += sum;
    } else if (kind === 'spend') flow.redeemed -= sum;
    else if (kind === 'expire') flow.expired -= sum;
    else flow.forfeited -= sum;
  }
  return flow;
}

export const netOf = (f: PointsFlow): number => f.issued - f.redeemed - f.expired - f.forfeited;

const addFlows = (a: PointsFlow, b: PointsFlow): PointsFlow => ({
  issued: a.issued + b.issued,
  redeemed: a.redeemed + b.redeemed,
  expired: a.expired + b.expired,
  forfeited: a.forfeited + b.forfeited,
});

/** `part / whole` to 4 decimals; null when `whole` is 0 (D3). */
export function rateOf(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** Days from `from` to `to` inclusive (business dates). */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

interface MonthFigures extends PointsFlow {
  month: string;
  newMembers: number;
  /** members at the end of the month's last snapshot */
  members: number;
  orders: number;
  salesFen: number;
  couponsIssued: number;
  couponsUsed: number;
  mallRedemptions: number;
  checkins: number;
}

interface CohortRow {
  cohort: string;
  size: number;
  /** month 0 is the registration month; a month is there once its last snapshot in the range is */
  months: { month: string; offset: number; active: number; rate: number | null }[];
}

interface DashboardAlert {
  kind: 'low_redemption' | 'high_breakage' | 'missing_days';
  message: string;
}

export interface DashboardView {
  from: string;
  to: string;
  /** days of the range with a snapshot, and those without (today never has one yet) */
  days: number;
  missingDays: number;
  members: { total: number; new: number; active30d: number };
  repurchaseRate: number | null;
  buyers: number;
  repurchasers: number;
  cohorts: CohortRow[];
  tiers: { tierId: string; name: string; count: number }[];
  rfm: { segment: RfmSegment; count: number }[];
  months: MonthFigures[];
  points: PointsFlow;
  pointsLiability: { points: number; valueFen: number; expiring30: number; expiring90: number };
  redemptionRate: number | null;
  breakageRate: number | null;
  coupons: { issued: number; used: number; useRate: number | null };
  mall: { redemptions: number; points: number };
  stores: (StoreSales & { name: string })[];
  alerts: DashboardAlert[];
  settings: DashboardSettings;
  /** the last snapshot's day (the liability's expiring figures are as of its end) */
  asOf: string | null;
}

export interface DashboardInput {
  from: string;
  to: string;
  /** the snapshots of the range, any order */
  snapshots: readonly StatsDailyDoc[];
  /** Σ available balances now (yesterday's snapshot's outstanding plus today's ledger flows) */
  outstandingNow: number;
  /** the latest snapshot on or before `to`, for the state figures when the range's own last day has none */
  latest: StatsDailyDoc | null;
  settings: DashboardSettings;
  tierNames: Record<string, string>;
  storeNames: Record<string, string>;
  rfmSegments: readonly RfmSegment[];
  /** today's business date: days after it are not counted missing */
  today: string;
}

/** Cohort rows from each month's last snapshot: the retention of each registration month. */
function cohortsOf(lastOfMonth: readonly StatsDailyDoc[]): CohortRow[] {
  const rows = new Map<string, CohortRow>();
  for (const snap of lastOfMonth) {
    const month = snap.day.slice(0, 7);
    for (const c of snap.cohorts as CohortCount[]) {
      if (c.cohort > month) continue;
      const row = rows.get(c.cohort) ?? { cohort: c.cohort, size: c.size, months: [] };
      row.size = c.size;
      const offset = (Number(month.slice(0, 4)) - Number(c.cohort.slice(0, 4))) * 12 + Number(month.slice(5)) - Number(c.cohort.slice(5));
      row.months.push({ month, offset, active: c.active, rate: rateOf(c.active, c.size) });
      rows.set(c.cohort, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.cohort.localeCompare(b.cohort));
}

/** The whole dashboard from the snapshots of the range (D1–D3). */
export function decideDashboard(input: DashboardInput): DashboardView {
  const snaps = [...input.snapshots].filter((s) => s.day >= input.from && s.day <= input.to).sort((a, b) => a.day.localeCompare(b.day));
  const last = snaps[snaps.length - 1] ?? input.latest;
  const lastDay = input.to < input.today ? input.to : addBusinessDays(input.today, -1);
  const expectedDays = lastDay >= input.from ? daysInRange(input.from, lastDay) : 0;
  const months = new Map<string, MonthFigures>();
  const lastOfMonth = new Map<string, StatsDailyDoc>();
  const stores = new Map<string, StoreSales>();
  let points: PointsFlow = { issued: 0, redeemed: 0, expired: 0, forfeited: 0 };
  let newMembers = 0;
  const coupons = { issued: 0, used: 0 };
  const mall = { redemptions: 0, points: 0 };
  for (const s of snaps) {
    const month = s.day.slice(0, 7);
    const m = months.get(month) ?? {
      month,
      issued: 0,
      redeemed: 0,
      expired: 0,
      forfeited: 0,
      newMembers: 0,
      members: 0,
      orders: 0,
      salesFen: 0,
      couponsIssued: 0,
      couponsUsed: 0,
      mallRedemptions: 0,
      checkins: 0,
    };
    Object.assign(m, addFlows(m, s.points));
    m.newMembers += s.newMembers;
    m.members = s.members;
    m.orders += s.orders;
    m.salesFen += s.salesFen;
    m.couponsIssued += s.couponsIssued;
    m.couponsUsed += s.couponsUsed;
    m.mallRedemptions += s.mallRedemptions;
    m.checkins += s.checkins;
    months.set(month, m);
    lastOfMonth.set(month, s);
    points = addFlows(points, s.points);
    newMembers += s.newMembers;
    coupons.issued += s.couponsIssued;
    coupons.used += s.couponsUsed;
    mall.redemptions += s.mallRedemptions;
    mall.points += s.mallPoints;
    for (const st of s.stores) {
      const t = stores.get(st.storeId) ?? { storeId: st.storeId, orders: 0, amountFen: 0, refundedFen: 0 };
      stores.set(st.storeId, { ...t, orders: t.orders + st.orders, amountFen: t.amountFen + st.amountFen, refundedFen: t.refundedFen + st.refundedFen });
    }
  }
  const redemptionRate = rateOf(Math.max(0, points.redeemed), points.issued);
  const breakageRate = rateOf(points.expired, points.issued);
  const alerts: DashboardAlert[] = [];
  const threshold = input.settings.redemptionAlertPercent / 100;
  if (redemptionRate !== null && redemptionRate < threshold)
    alerts.push({
      kind: 'low_redemption',
      message: `积分兑换率 ${(redemptionRate * 100).toFixed(1)}% 低于预警线 ${input.settings.redemptionAlertPercent}%：积分在累积，负债在增加，可上新兑换商品或提醒会员使用积分`,
    });
  if (breakageRate !== null && breakageRate > 1 - threshold)
    alerts.push({ kind: 'high_breakage', message: `积分过期率 ${(breakageRate * 100).toFixed(1)}%：大部分积分未被使用就过期了` });
  const missingDays = Math.max(0, expectedDays - snaps.length);
  if (missingDays > 0) alerts.push({ kind: 'missing_days', message: `所选范围内有 ${missingDays} 天没有数据快照（每日 00:30 生成）` });
  return {
    from: input.from,
    to: input.to,
    days: snaps.length,
    missingDays,
    members: { total: last?.members ?? 0, new: newMembers, active30d: last?.active30d ?? 0 },
    repurchaseRate: rateOf(last?.repurchasers ?? 0, last?.buyers ?? 0),
    buyers: last?.buyers ?? 0,
    repurchasers: last?.repurchasers ?? 0,
    cohorts: cohortsOf([...lastOfMonth.values()]),
    tiers: Object.entries(last?.tiers ?? {}).map(([tierId, count]) => ({ tierId, name: input.tierNames[tierId] ?? tierId, count })),
    rfm: input.rfmSegments.map((segment) => ({ segment, count: last?.rfm[segment] ?? 0 })),
    months: [...months.values()],
    points,
    pointsLiability: {
      points: input.outstandingNow,
      valueFen: Math.max(0, input.outstandingNow) * input.settings.pointValueFen,
      expiring30: last?.expiring30 ?? 0,
      expiring90: last?.expiring90 ?? 0,
    },
    redemptionRate,
    breakageRate,
    coupons: { ...coupons, useRate: rateOf(coupons.used, coupons.issued) },
    mall,
    stores: [...stores.values()].map((s) => ({ ...s, name: input.storeNames[s.storeId] ?? s.storeId })).sort((a, b) => b.amountFen - a.amountFen),
    alerts,
    settings: input.settings,
    asOf: last?.day ?? null,
  };
}
