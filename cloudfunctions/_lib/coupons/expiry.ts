import { businessDate, businessDateKey } from '../../../shared/calendar';
import type { CouponExpiryRun } from '../../../shared/contracts/coupon';
import type { CouponDoc } from '../../../shared/schemas/coupon';
import { database } from '../platform/cloud';
import { getById, queryDocs, withRetry } from '../platform/db';
import { excluding, runJob, type JobOptions } from '../platform/job-runner';

/**
 * The nightly coupon expiry: marks `expired` the unused coupons whose end has passed. Reading never
 * waits for it (an unused coupon past its end reads as expired at once); this keeps the stored status,
 * the counts and the index honest. Found by the index `status_endsAt`, one conditional write per
 * coupon (`status: 'unused'` still), checkpointed in `job_runs/coupon-expiry:<yyyymmdd>`.
 * The scheduler (one trigger for every job) calls this with its own `now` and options.
 */
export async function runCouponExpiry(now: Date, options: JobOptions = {}): Promise<CouponExpiryRun> {
  const db = database();
  const _ = db.command;
  const day = businessDate(now);
  const { run } = await runJob<{ day: string; expired: number }>({
    job: 'coupon-expiry',
    occurrence: businessDateKey(now),
    ...options,
    initial: () => ({ day, expired: 0 }),
    steps: [
      {
        name: 'expire',
        findDue: (n, { exclude }) =>
          queryDocs<CouponDoc>(
            db
              .collection('coupons')
              .where(excluding({ status: 'unused', endsAt: _.lte(now) }, exclude))
              .orderBy('endsAt', 'asc')
              .limit(n),
          ),
        process: async (c: CouponDoc, state) => {
          // Conditional: a coupon verified or undone meanwhile is left as it is.
          const res = (await withRetry(
            () =>
              db
                .collection('coupons')
                .where({ _id: c._id, status: 'unused', endsAt: _.lte(now) })
                .update({ data: { status: 'expired', expiredAt: now } }) as Promise<unknown>,
          )) as { stats?: { updated?: number } };
          if ((res.stats?.updated ?? 0) > 0) state.expired += 1;
          else {
            // A lost reply of our own write reads back as ours (same instant): counted once.
            const now2 = await getById<CouponDoc>('coupons', c._id);
            if (now2?.status === 'expired' && now2.expiredAt && new Date(now2.expiredAt).getTime() === now.getTime()) state.expired += 1;
          }
        },
      },
    ],
  });
  return run;
}
