import { z } from 'zod';
import { businessDate, businessMonth, fen, instant, points } from './common';
import { RFM_SEGMENTS } from '../rules/rfm';

const count = z.number().int().nonnegative();

/** One store's sales of the day: orders paid that day, their amount and what was refunded of them since. */
const storeSalesSchema = z.object({ storeId: z.string(), orders: count, amountFen: fen, refundedFen: fen }).strict();
export type StoreSales = z.infer<typeof storeSalesSchema>;

/**
 * The day's points flows (sums of ledger `delta`, available points only; pending points count when
 * they mature). By construction `issued − redeemed − expired − forfeited` is the day's net change of
 * the members' balances (shared/rules/dashboard.ts `pointsFlowOf`).
 */
const pointsFlowSchema = z.object({ issued: count, redeemed: points, expired: count, forfeited: count }).strict();
export type PointsFlow = z.infer<typeof pointsFlowSchema>;

/** A registration month's members and how many of them bought in the snapshot's month so far. */
const cohortCountSchema = z.object({ cohort: businessMonth, size: count, active: count }).strict();
export type CohortCount = z.infer<typeof cohortCountSchema>;

/**
 * `stats_daily/<yyyymmdd>`: one business day (Asia/Shanghai) as the merchant's dashboard shows it,
 * written by the `daily-stats` job (cloudfunctions/_lib/engagement/daily-stats.ts) from indexed counts
 * and aggregations. Figures "at the end of the day" are the state when the job ran (00:30 the next
 * day, or the seed's moved clock). Snapshots written before the dashboard lack the later fields: they
 * read as zero.
 */
export const statsDailyDocSchema = z
  .object({
    _id: z.string(),
    day: businessDate,
    /** members registered before the end of the day */
    members: count,
    newMembers: count,
    /** members whose last purchase is within the 30 days ending with the day */
    active30d: count.default(0),
    /** members who have bought at least once / at least twice (lifetime) */
    buyers: count.default(0),
    repurchasers: count.default(0),
    orders: count,
    salesFen: fen.default(0),
    stores: z.array(storeSalesSchema).default([]),
    checkins: count,
    messagesSent: count,
    points: pointsFlowSchema.default({ issued: 0, redeemed: 0, expired: 0, forfeited: 0 }),
    /** Σ members' available points at the end of the day (the previous day's plus the day's flows) */
    outstanding: points.default(0),
    /** available points in lots expiring within 30 / 90 days after the day */
    expiring30: count.default(0),
    expiring90: count.default(0),
    couponsIssued: count.default(0),
    couponsUsed: count.default(0),
    mallRedemptions: count.default(0),
    mallPoints: count.default(0),
    tiers: z.record(z.string(), count).default({}),
    rfm: z.record(z.enum(RFM_SEGMENTS), count).default({}),
    /** the last 12 registration months (and the day's own) */
    cohorts: z.array(cohortCountSchema).default([]),
    at: instant,
  })
  .strict();
export type StatsDailyDoc = z.infer<typeof statsDailyDocSchema>;
