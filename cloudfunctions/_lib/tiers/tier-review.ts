/**
 * The periodic tier review: a scheduled job (`tier-review` in the scheduler's registry). The merchant
 * runs it by hand through the scheduler too (`scheduler.runJob`), under the job's lease and run record.
 */
import type { ReviewRun } from '../../../shared/contracts/member';
import { reviewPeriodOf, reviewTier, tierForGrowth, tierRank, tierReviewDueOn, type TierConfig } from '../../../shared/rules/tiers';
import type { MemberDoc } from '../../../shared/schemas/member';
import { businessDate } from '../../../shared/calendar';
import { database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet, withRetry } from '../platform/db';
import { excluding, runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { applyGrowthInTx, loadTierConfig, recordTierChange } from './tiers';

const YEAR_MS = 365 * 24 * 3600 * 1000;

interface OrderLike {
  amountFen: number;
  refundedFen?: number;
  paidAt: Date;
  growthHeld?: boolean;
  growthForfeited?: number;
}

/**
 * Growth value from the last 12 months of orders: floor(net yuan) × growthPerYuan per order. An order
 * held for review counts once released; one confirmed as fraud never counts (shared/rules/order.ts).
 */
async function rollingGrowth(memberId: string, now: Date, growthPerYuan: number): Promise<number> {
  const _ = database().command;
  let total = 0;
  for (let skip = 0; ; skip += 1000) {
    const page = await queryDocs<OrderLike>(
      database()
        .collection('orders')
        .where({ memberId, paidAt: _.gte(new Date(now.getTime() - YEAR_MS)) })
        .orderBy('paidAt', 'desc')
        .skip(skip)
        .limit(1000),
    );
    for (const o of page) if (!o.growthHeld && !o.growthForfeited) total += Math.floor(Math.max(0, o.amountFen - (o.refundedFen ?? 0)) / 100) * growthPerYuan;
    if (page.length < 1000) break;
  }
  return Math.floor(total);
}

interface ReviewCounters {
  period: string;
  reviewed: number;
  upgraded: number;
  downgraded: number;
  graceStarted: number;
}

/** `job_runs/tier-review-backfill:v1`: set once (checkpointed) by the first review run. */
const BACKFILL_RUN = { job: 'tier-review-backfill', occurrence: 'v1' };

/**
 * One-time backfill of `tierReviewDueOn` for members written before the field existed: walks the
 * members once by `_id` (the primary index, in checkpointed chunks) and sets the field where there is
 * something to review. Run by the first review (and resumed by the next ones until done); after that
 * it is a single read of its done checkpoint. Members written since keep the field through the tier
 * engine (applyGrowthInTx, the review, deleteAccount) and the seed.
 */
async function backfillTierReviewDue(now: Date, options: JobOptions = {}): Promise<{ done: boolean; scanned: number; set: number }> {
  const db = database();
  const _ = db.command;
  const config = await loadTierConfig();
  const base = config.tiers[0].id;
  const today = businessDate(now);
  const { run } = await runJob<{ scanned: number; set: number }>({
    ...BACKFILL_RUN,
    ...options,
    initial: () => ({ scanned: 0, set: 0 }),
    steps: [
      {
        name: 'backfill',
        findDue: (limit, { cursor }) =>
          queryDocs<MemberDoc>(
            (cursor ? db.collection('members').where({ _id: _.gt(cursor) }) : db.collection('members').where({})).orderBy('_id', 'asc').limit(limit),
          ),
        cursorOf: (m) => m._id,
        process: async (m, counts) => {
          counts.scanned += 1;
          if (m.tierReviewDueOn !== undefined || m.deletedAt) return;
          const due = tierReviewDueOn(m, base, today);
          if (!due) return;
          // Only where the engine has not set it meanwhile (a conditional write, not a read-then-write).
          await withRetry(
            () =>
              db
                .collection('members')
                .where({ _id: m._id, tierReviewDueOn: _.exists(false) })
                .update({ data: { tierReviewDueOn: due } }) as Promise<unknown>,
          );
          counts.set += 1;
        },
      },
    ],
  });
  return { done: run.status === 'done', scanned: run.scanned, set: run.set };
}

/**
 * The periodic review (timer trigger, daily). Finds the members due for review by the indexed
 * `tierReviewDueOn <= today` (never a scan), in checkpointed chunks within a time budget
 * (`job_runs/tier-review:<yyyymmdd>`, the job runner); each member is reviewed in its own transaction,
 * marked with the period and given its next due day (the first of next month, or null with nothing
 * left to review), so a second run — or the next day's run continuing an unfinished review — never
 * reviews anyone twice in a period.
 *
 * As the scheduler runs it: this invocation's answer (`review`) and the occurrence's run
 * (`run`, cumulative; null while the one-time backfill is still going, `backfill` then says how far).
 */
export async function tierReviewJob(
  now: Date,
  options: JobOptions & { chunk?: number } = {},
): Promise<{ review: ReviewRun; run: JobRun<ReviewCounters> | null; backfill: { done: boolean; scanned: number; set: number } }> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const budgetMs = options.budgetMs ?? 40_000;
  const chunkSize = options.chunkSize ?? options.chunk ?? 50;
  const today = businessDate(now);
  const period = reviewPeriodOf(today);
  const empty = (): ReviewRun => ({
    runId: `tier-review:${today.replace(/-/g, '')}`,
    period,
    reviewed: 0,
    upgraded: 0,
    downgraded: 0,
    graceStarted: 0,
    done: false,
  });
  // Members written before the due field existed are found once, by the one-time backfill.
  const mine = empty();
  const backfill = await backfillTierReviewDue(now, { budgetMs, chunkSize, clock });
  if (!backfill.done) return { review: mine, run: null, backfill };
  // A ladder change's upgrades not finished at the save continue here (one read when there are none).
  const config0 = await loadTierConfig();
  const ladderRun = await getById<{ status?: string }>('job_runs', `ladder-upgrade:v${config0.version}`);
  if (ladderRun && ladderRun.status !== 'done') {
    const ladder = await upgradeAfterLadderChange(now, { budgetMs: Math.max(0, budgetMs - (clock() - started)), chunkSize, clock });
    if (!ladder.done) return { review: mine, run: null, backfill };
  }
  const config = await loadTierConfig();
  const base = config.tiers[0].id;
  const db = database();
  const _ = db.command;
  const { run, alreadyDone } = await runJob<ReviewCounters>({
    job: 'tier-review',
    occurrence: today.replace(/-/g, ''),
    budgetMs: Math.max(0, budgetMs - (clock() - started)),
    chunkSize,
    clock,
    initial: () => ({ period, reviewed: 0, upgraded: 0, downgraded: 0, graceStarted: 0 }),
    steps: [
      {
        name: 'review',
        findDue: (limit, { exclude }) =>
          queryDocs<MemberDoc>(
            db
              .collection('members')
              .where(excluding({ tierReviewDueOn: _.lte(today) }, exclude))
              .limit(limit),
          ),
        process: async (m, counts) => {
          const growth = config.basis === 'rolling12m' && !m.deletedAt ? await rollingGrowth(m._id, now, config.growthPerYuan) : null;
          const outcome = await inTransaction(async (tx) => {
            const member = await txGet<MemberDoc>(tx, 'members', m._id);
            if (!member) return null;
            if (member.deletedAt || member.lastReviewPeriod === period) {
              // Nothing to review (a deleted account, or reviewed already): correct the index so it is not found again.
              const due = member.deletedAt ? null : tierReviewDueOn(member, base, today);
              if ((member.tierReviewDueOn ?? null) !== due)
                await tx
                  .collection('members')
                  .doc(member._id)
                  .update({ data: { tierReviewDueOn: due } });
              return null;
            }
            const { state, changes } = reviewTier(member, growth ?? member.growth, config, now, period);
            for (const change of changes) await recordTierChange(tx, member._id, change, config.version);
            await tx
              .collection('members')
              .doc(member._id)
              .update({
                data: {
                  tierId: state.tierId,
                  growth: state.growth,
                  tierSince: state.tierSince ?? member.registeredAt,
                  graceStartedAt: state.graceStartedAt ?? null,
                  lastReviewPeriod: period,
                  tierReviewDueOn: tierReviewDueOn(state, base, today),
                },
              });
            return changes;
          });
          if (!outcome) return;
          // the day's totals in the checkpoint, and this invocation's in the answer
          for (const tally of [counts, mine]) {
            tally.reviewed += 1;
            for (const c of outcome) {
              if (c.kind === 'upgrade') tally.upgraded += 1;
              else if (c.kind === 'downgrade') tally.downgraded += 1;
              else tally.graceStarted += 1;
            }
          }
        },
      },
    ],
  });
  if (alreadyDone) return { review: { ...mine, done: true }, run, backfill };
  return { review: { ...mine, done: run.status === 'done', ...(run.failures?.length ? { failures: run.failures } : {}) }, run, backfill };
}

/**
 * After a ladder change: members who already qualify for a higher tier under the new thresholds are
 * upgraded at once, through the tier engine (applyGrowthInTx: the same upgrade, the same tier-change
 * record, the review index kept). Found by the indexed growth value (`growth >= ` the lowest
 * threshold above the base tier), walked by `_id` in checkpointed chunks (`job_runs/ladder-upgrade:v<N>`):
 * run right after the save and continued by the nightly tier review until done. Idempotent: a member
 * already at their tier is left as is.
 */
export async function upgradeAfterLadderChange(now: Date, options: JobOptions = {}): Promise<{ done: boolean; checked: number; upgraded: number }> {
  const config = await loadTierConfig();
  const db = database();
  const _ = db.command;
  const lowest = config.tiers.length > 1 ? config.tiers[1].threshold : Infinity;
  if (!Number.isFinite(lowest)) return { done: true, checked: 0, upgraded: 0 };
  const { run } = await runJob<{ checked: number; upgraded: number }>({
    job: 'ladder-upgrade',
    occurrence: `v${config.version}`,
    ...options,
    initial: () => ({ checked: 0, upgraded: 0 }),
    steps: [
      {
        name: 'upgrade',
        findDue: (limit, { cursor }) =>
          queryDocs<MemberDoc>(
            db
              .collection('members')
              .where(cursor ? { growth: _.gte(lowest), _id: _.gt(cursor) } : { growth: _.gte(lowest) })
              .orderBy('_id', 'asc')
              .limit(limit),
          ),
        cursorOf: (m) => m._id,
        process: async (m, counts) => {
          counts.checked += 1;
          if (m.deletedAt || tierRank(tierForGrowth(m.growth, config.tiers).id, config.tiers) <= tierRank(m.tierId, config.tiers)) return;
          const changed = await upgradeIfQualifying(m._id, now, config);
          if (changed) counts.upgraded += 1;
        },
      },
    ],
  });
  return { done: run.status === 'done', checked: run.checked, upgraded: run.upgraded };
}

/** One member: upgraded in a transaction if their growth qualifies for a higher tier than held. */
export async function upgradeIfQualifying(memberId: string, now: Date, config?: TierConfig): Promise<boolean> {
  return inTransaction(async (tx) => {
    const member = await txGet<MemberDoc>(tx, 'members', memberId);
    if (!member || member.deletedAt) return false;
    const loaded = config ?? (await loadTierConfig());
    const { fields, change } = await applyGrowthInTx(tx, member, member.growth, now, loaded);
    if (!change) return false;
    await tx
      .collection('members')
      .doc(memberId)
      .update({ data: { ...fields, updatedAt: now } });
    return true;
  });
}
