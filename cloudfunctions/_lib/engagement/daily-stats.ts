import { businessDate, addBusinessDays, startOfBusinessDate } from '../../../shared/calendar';
import { netOf, pointsFlowOf, type LedgerFlowRow } from '../../../shared/rules/dashboard';
import { RFM_SEGMENTS } from '../../../shared/rules/rfm';
import { statsDailyDocSchema, type CohortCount, type StatsDailyDoc, type StoreSales } from '../../../shared/schemas/stats';
import { database } from '../platform/cloud';
import { aggregateRows, count, getById, withRetry } from '../platform/db';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { loadTierConfig } from '../tiers';

interface DailyStats {
  day: string;
  processed: number;
  skipped: number;
  members: number;
  newMembers: number;
  orders: number;
  checkins: number;
  messagesSent: number;
}

/** How many registration months the cohort counts follow (the day's own month and the 12 before). */
const COHORT_MONTHS = 13;

/** The first business date of the month `months` after `day`'s (negative: before). */
function monthStart(day: string, months: number): string {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

export const statsKey = (day: string): string => day.replace(/-/g, '');

/**
 * The day's snapshot (`stats_daily/<yyyymmdd>`, shared/schemas/stats.ts), about 30 requests, none a
 * scan of every member: counts on indexed fields (`registeredAt`, `purchases.lastAt`,
 * `purchases.count`, `tierId`, `crm.rfm.segment`, `coupons.issuedAt`, `coupons.used.at`,
 * `checkin_state.lastDay`, `message_log.status` + `createdAt`) and aggregations over one day's
 * documents found by an index (`orders.paidAt`, `ledger.createdAt`, `mall_orders.createdAt`) or over
 * the members holding a lot that expires within 90 days (`points.lots.expiresOn`, multikey). The
 * outstanding points chain from the previous day's snapshot; without one (the first snapshot), one
 * aggregation sums the ledger up to the day's end.
 *
 * Figures of state (members active, buyers, tiers, RFM, cohorts, expiring points) are the state when
 * the job runs: at 00:30 that is the end of the day; a day computed later (a missed night) carries the
 * later state for those, its flows (orders, points, coupons, new members) stay the day's own.
 */
async function computeDailyStats(day: string, now: Date): Promise<StatsDailyDoc> {
  const from = startOfBusinessDate(day);
  const to = startOfBusinessDate(addBusinessDays(day, 1));
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const range = () => _.gte(from).and(_.lt(to));
  const members = db.collection('members');
  const monthFrom = startOfBusinessDate(monthStart(day, 0));
  const [total, newMembers, active30d, buyers, repurchasers, orders, checkins, messagesSent, couponsIssued, couponsUsed] = await Promise.all([
    count(members.where({ registeredAt: _.lt(to) })),
    count(members.where({ registeredAt: range() })),
    count(members.where({ 'purchases.lastAt': _.gte(startOfBusinessDate(addBusinessDays(day, -29))).and(_.lt(to)) })),
    count(members.where({ 'purchases.count': _.gte(1) })),
    count(members.where({ 'purchases.count': _.gte(2) })),
    count(db.collection('orders').where({ paidAt: range() })),
    count(db.collection('checkin_state').where({ lastDay: day })),
    count(db.collection('message_log').where({ status: 'sent', createdAt: range() })),
    count(db.collection('coupons').where({ issuedAt: range() })),
    count(db.collection('coupons').where({ 'used.at': range() })),
  ]);
  const [storeRows, flowRows, mallRows, expiringRows] = await Promise.all([
    aggregateRows<{ _id: string; orders: number; amountFen: number; refundedFen: number }>(
      db
        .collection('orders')
        .aggregate()
        .match({ paidAt: range() })
        .group({ _id: '$storeId', orders: $.sum(1), amountFen: $.sum('$amountFen'), refundedFen: $.sum('$refundedFen') })
        .limit(1000),
    ),
    aggregateRows<{ _id: { kind: LedgerFlowRow['kind']; positive: boolean }; sum: number }>(
      db
        .collection('ledger')
        .aggregate()
        .match({ createdAt: range() })
        .group({ _id: { kind: '$kind', positive: $.gt(['$delta', 0]) }, sum: $.sum('$delta') })
        .limit(100),
    ),
    aggregateRows<{ _id: null; n: number; points: number }>(
      db
        .collection('mall_orders')
        .aggregate()
        .match({ createdAt: range() })
        .group({ _id: null, n: $.sum(1), points: $.sum('$pointsSpent') })
        .limit(1),
    ),
    expiringPoints(day),
  ]);
  const tierConfig = await loadTierConfig();
  const [tierCounts, rfmCounts, cohorts] = await Promise.all([
    Promise.all(tierConfig.tiers.map((t) => count(members.where({ tierId: t.id, registeredAt: _.lt(to) })))),
    Promise.all(RFM_SEGMENTS.map((segment) => count(members.where({ 'crm.rfm.segment': segment })))),
    cohortCounts(startOfBusinessDate(monthStart(day, 1 - COHORT_MONTHS)), monthFrom, to),
  ]);
  const points = pointsFlowOf(flowRows.map((r) => ({ kind: r._id.kind, positive: r._id.positive, sum: r.sum })));
  const stores: StoreSales[] = storeRows
    .map((r) => ({ storeId: r._id, orders: r.orders, amountFen: r.amountFen, refundedFen: r.refundedFen }))
    .sort((a, b) => a.storeId.localeCompare(b.storeId));
  return statsDailyDocSchema.parse({
    _id: statsKey(day),
    day,
    members: total,
    newMembers,
    active30d,
    buyers,
    repurchasers,
    orders,
    salesFen: stores.reduce((s, r) => s + r.amountFen, 0),
    stores,
    checkins,
    messagesSent,
    points,
    outstanding: (await outstandingBefore(day, from)) + netOf(points),
    ...expiringRows,
    couponsIssued,
    couponsUsed,
    mallRedemptions: mallRows[0]?.n ?? 0,
    mallPoints: mallRows[0]?.points ?? 0,
    tiers: Object.fromEntries(tierConfig.tiers.map((t, i) => [t.id, tierCounts[i]])),
    rfm: Object.fromEntries(RFM_SEGMENTS.map((s, i) => [s, rfmCounts[i]])),
    cohorts,
    at: now,
  });
}

/**
 * The registration months since `since` (Shanghai months): each one's members, and how many of them
 * bought since `monthFrom` (the snapshot's month) — one aggregation over the members registered in
 * those 13 months (index `registeredAt`), grouped by `$dateToString` in Asia/Shanghai.
 */
async function cohortCounts(since: Date, monthFrom: Date, to: Date): Promise<CohortCount[]> {
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const rows = await aggregateRows<{ _id: string; size: number; active: number }>(
    db
      .collection('members')
      .aggregate()
      .match({ registeredAt: _.gte(since).and(_.lt(to)) })
      .group({
        _id: $.dateToString({ date: '$registeredAt', format: '%Y-%m', timezone: 'Asia/Shanghai' }),
        size: $.sum(1),
        active: $.sum($.cond({ if: $.and([$.gte(['$purchases.lastAt', monthFrom]), $.lt(['$purchases.lastAt', to])]), then: 1, else: 0 })),
      })
      .limit(COHORT_MONTHS + 1),
  );
  return rows.map((r) => ({ cohort: r._id, size: r.size, active: r.active })).sort((a, b) => a.cohort.localeCompare(b.cohort));
}

/** Σ balances at the start of `day`: the previous snapshot's outstanding, else the ledger summed up to then. */
async function outstandingBefore(day: string, from: Date): Promise<number> {
  const previous = await getById<Partial<StatsDailyDoc>>('stats_daily', statsKey(addBusinessDays(day, -1)));
  if (previous && typeof previous.outstanding === 'number') return previous.outstanding;
  const db = database();
  const rows = await aggregateRows<{ sum: number }>(
    db
      .collection('ledger')
      .aggregate()
      .match({ createdAt: db.command.lt(from) })
      .group({ _id: null, sum: db.command.aggregate.sum('$delta') })
      .limit(1),
  );
  return rows[0]?.sum ?? 0;
}

/** Available points in lots that expire after `day`, within 30 and within 90 days. */
async function expiringPoints(day: string): Promise<{ expiring30: number; expiring90: number }> {
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const first = addBusinessDays(day, 1);
  const in30 = addBusinessDays(day, 31);
  const in90 = addBusinessDays(day, 91);
  const window = () => _.gte(first).and(_.lt(in90));
  const rows = await aggregateRows<{ _id: boolean; sum: number }>(
    db
      .collection('members')
      .aggregate()
      .match({ 'points.lots.expiresOn': window() })
      .unwind('$points.lots')
      .match({ 'points.lots.expiresOn': window() })
      .group({ _id: $.lt(['$points.lots.expiresOn', in30]), sum: $.sum('$points.lots.remaining') })
      .limit(2),
  );
  const within30 = rows.find((r) => r._id === true)?.sum ?? 0;
  return { expiring30: within30, expiring90: within30 + (rows.find((r) => r._id === false)?.sum ?? 0) };
}

/** Yesterday's snapshot, as the nightly job (`0 30 0`) writes it; a re-run of the same day overwrites it. */
export async function runDailyStats(now: Date, options: JobOptions = {}): Promise<JobRun<DailyStats>> {
  const day = addBusinessDays(businessDate(now), -1);
  const { run } = await runJob<DailyStats>({
    job: 'daily-stats',
    occurrence: statsKey(day),
    ...options,
    initial: () => ({ day, processed: 0, skipped: 0, members: 0, newMembers: 0, orders: 0, checkins: 0, messagesSent: 0 }),
    steps: [],
    finish: async (s) => {
      const snapshot = await computeDailyStats(day, now);
      const { _id, ...data } = snapshot;
      Object.assign(s, {
        members: data.members,
        newMembers: data.newMembers,
        orders: data.orders,
        checkins: data.checkins,
        messagesSent: data.messagesSent,
        processed: 1,
      });
      await withRetry(() => database().collection('stats_daily').doc(_id).set({ data }) as Promise<unknown>);
    },
  });
  return run;
}
