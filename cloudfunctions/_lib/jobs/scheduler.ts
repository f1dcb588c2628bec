/**
 * The scheduler: one home for every scheduled job (WeChat allows one timer trigger per function).
 *
 * - The registry is `shared/schedule.ts` (name, 7-field cron, title) plus `RUNNERS` below (a total map
 *   from job name to its runner on the checkpointed runner `platform/job-runner.ts`). A new job is one entry in each.
 * - `tick(now)` (the scheduler's timer, every five minutes) runs each job that is due: its latest
 *   scheduled instant (cron `prev(now)`) is later than the one it last ran for, or its last run of an
 *   occurrence is not finished (the runner stopped at its time budget: the next firing continues it).
 *   Jobs run one after another within the invocation's budget; one not reached stays due.
 * - Every run holds the job's lease (`job_schedule/<job>`: `leaseHolder`, `leaseUntil`), taken in a
 *   transaction: two overlapping invocations (two firings, a firing and a manual run) never run the
 *   same job at once; the second answers `busy`. A lease outlives a crashed invocation by at most
 *   `LEASE_MS`, after which the next run resumes from the runner's checkpoint. The jobs are also
 *   idempotent per member per occurrence, so even a run past an expired lease does no work twice.
 * - Every invocation updates the run's merchant-readable record (`job_records/<runId>`: started,
 *   finished, invocations, processed, skipped, errors), read by `marketing.listJobRuns`.
 */
import crypto from 'node:crypto';
import { businessDate } from '../../../shared/calendar';
import type { WeChatCron } from '../../../shared/cron';
import { JOB_NAMES, JOB_SCHEDULE, type JobName } from '../../../shared/schedule';
import type { JobReport, JobRunView, JobStatusView, TickReport } from '../../../shared/contracts/scheduler';
import type { JobFailure } from '../../../shared/schemas/jobs';
import { database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet } from '../platform/db';
import type { JobOptions, JobRun } from '../platform/job-runner';
import { nightly } from '../points';
import { tierReviewJob } from '../tiers';
import { purgeExpiredDepartures } from '../members';
import { runCouponExpiry } from '../coupons';
import { runBirthday, runCheckinReminder, runCouponExpiryReminder, runDailyStats, runPointsExpiryReminder } from '../engagement';
import type { JobRecordDoc, JobScheduleDoc } from '../../../shared/schemas/jobs';
import { runDormancy, runRepurchase } from '../lifecycle';
import { runMemberTags, runRfmScores } from '../crm';
import { log } from '../platform/log';

/**
 * shared/cron.ts loaded at its first use: cron-parser brings luxon, whose evaluation is a good share
 * of a cold `require` of a function bundle (the `marketing` function needs it only to list the jobs).
 */
function cronOf(expression: string): WeChatCron {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load: the bundler keeps the module but evaluates it only here
  return (require('../../../shared/cron') as typeof import('../../../shared/cron')).parseWeChatCron(expression);
}

/** What every runner answers: the occurrence's run in the runner's terms. */
interface JobOutcome {
  runId: string;
  status: 'running' | 'done';
  processed: number;
  skipped: number;
  failures: JobFailure[];
  counters: Record<string, unknown>;
}

type JobRunner = (now: Date, options: JobOptions) => Promise<JobOutcome>;

const RUNNER_STATE = new Set(['runId', 'status', 'step', 'cursor', 'failures', 'job', 'updatedAt', '_id']);

/** A runner's checkpoint as a `JobOutcome`: the job's own fields become its counters. */
function outcomeOf<S extends object>(run: JobRun<S>, processed: number, skipped: number): JobOutcome {
  const counters = Object.fromEntries(Object.entries(run).filter(([k]) => !RUNNER_STATE.has(k)));
  return { runId: run.runId, status: run.status, processed, skipped, failures: run.failures ?? [], counters };
}

/** Every job's runner. `Record<JobName, …>`: a job declared in the schedule without a runner does not compile. */
export const RUNNERS: Record<JobName, JobRunner> = {
  'points-nightly': async (now, options) => {
    const run = await nightly(businessDate(now), now, options);
    return outcomeOf(run, run.settled + run.reconciled, 0);
  },
  'tier-review': async (now, options) => {
    // Departures past their retention (the privacy policy's promise) go with the nightly member job.
    await purgeExpiredDepartures(now);
    const { run, backfill } = await tierReviewJob(now, options);
    if (!run)
      return {
        runId: 'tier-review-backfill:v1',
        status: 'running',
        processed: backfill.scanned,
        skipped: 0,
        failures: [],
        counters: { backfillSet: backfill.set },
      };
    return outcomeOf(run, run.reviewed, 0);
  },
  'coupon-expiry': async (now, options) => {
    const run = await runCouponExpiry(now, options);
    return outcomeOf(run, run.expired, 0);
  },
  'daily-stats': async (now, options) => {
    const run = await runDailyStats(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  birthday: async (now, options) => {
    const run = await runBirthday(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  'points-expiry-reminder': async (now, options) => {
    const run = await runPointsExpiryReminder(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  'coupon-expiry-reminder': async (now, options) => {
    const run = await runCouponExpiryReminder(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  'checkin-reminder': async (now, options) => {
    const run = await runCheckinReminder(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  dormancy: async (now, options) => {
    const run = await runDormancy(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  repurchase: async (now, options) => {
    const run = await runRepurchase(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  'rfm-scores': async (now, options) => {
    const run = await runRfmScores(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
  'member-tags': async (now, options) => {
    const run = await runMemberTags(now, options);
    return outcomeOf(run, run.processed, run.skipped);
  },
};

/**
 * How long a lease holds: longer than the scheduler's timeout (`cloudfunctions/scheduler/config.json`,
 * 150 s), so a lease never passes to another invocation while its holder may still run; a crashed
 * holder keeps the job for at most this long.
 */
export const LEASE_MS = 180_000;
/**
 * The scheduler's own budget per invocation: no job starts after it. The last job's chunk, its
 * bookkeeping and their retries run past it; the timeout covers that worst case
 * (`tests/integration/function-timeouts.test.ts`).
 */
export const TICK_BUDGET_MS = 50_000;
/** Not worth starting a job with less than this left. */
const MIN_JOB_BUDGET_MS = 5_000;

type ScheduleDoc = JobScheduleDoc;

type RecordDoc = JobRecordDoc;

/**
 * The scheduler's own bookkeeping is worth more than a user's request (a lost run costs a day): more
 * attempts at transient faults, and conflicts (two ticks on one job's lease) retried for 10 s rather
 * than 2.5 s, well inside the tick's 50 s budget.
 */
export const SCHEDULER_RETRY = { attempts: 10, conflictBudgetMs: 10_000 };

const emptySchedule = (): Omit<ScheduleDoc, '_id'> => ({
  leaseHolder: null,
  leaseUntil: null,
  lastSlot: null,
  lastRunId: null,
  lastStatus: null,
  lastFinishedAt: null,
});
const stripId = <T extends { _id: string }>(doc: T): Omit<T, '_id'> => {
  const { _id: _omit, ...rest } = doc;
  return rest;
};

/** Takes the job's lease; false if another invocation holds it. */
async function acquireLease(job: JobName, holder: string): Promise<boolean> {
  return inTransaction(async (tx) => {
    const doc = (await txGet<ScheduleDoc>(tx, 'job_schedule', job)) ?? { _id: job, ...emptySchedule() };
    const now = Date.now();
    // Ours already: a retry after our own commit's reply was lost.
    if (doc.leaseHolder === holder) return true;
    if (doc.leaseHolder && doc.leaseUntil && new Date(doc.leaseUntil).getTime() > now) return false;
    await tx
      .collection('job_schedule')
      .doc(job)
      .set({ data: { ...stripId(doc), leaseHolder: holder, leaseUntil: new Date(now + LEASE_MS) } });
    return true;
  }, SCHEDULER_RETRY);
}

/** Gives the lease back and notes the run (only if the lease is still ours: an expired one may have passed on). */
async function releaseLease(job: JobName, holder: string, outcome: JobOutcome | null, slot: Date | null): Promise<void> {
  await inTransaction(async (tx) => {
    const doc = await txGet<ScheduleDoc>(tx, 'job_schedule', job);
    if (!doc || doc.leaseHolder !== holder) return;
    const next: Omit<ScheduleDoc, '_id'> = { ...stripId(doc), leaseHolder: null, leaseUntil: null };
    if (outcome) {
      next.lastRunId = outcome.runId;
      next.lastStatus = outcome.status;
      if (outcome.status === 'done') next.lastFinishedAt = new Date();
    }
    if (slot && (!doc.lastSlot || new Date(doc.lastSlot).getTime() < slot.getTime())) next.lastSlot = slot;
    await tx.collection('job_schedule').doc(job).set({ data: next });
  }, SCHEDULER_RETRY);
}

/** Adds this invocation to the run's record (started once, finished when done). */
async function recordRun(job: JobName, outcome: JobOutcome, startedAt: Date, invocation: string): Promise<RecordDoc> {
  return inTransaction(async (tx) => {
    const prior = await txGet<RecordDoc>(tx, 'job_records', outcome.runId);
    // A retry after our own commit's reply was lost: already counted.
    if (prior?.lastInvocation === invocation) return { ...prior, _id: outcome.runId };
    const record: Omit<RecordDoc, '_id'> = {
      job,
      status: outcome.status,
      startedAt: prior ? new Date(prior.startedAt) : startedAt,
      finishedAt: outcome.status === 'done' ? (prior?.finishedAt ? new Date(prior.finishedAt) : new Date()) : null,
      invocations: (prior?.invocations ?? 0) + 1,
      processed: outcome.processed,
      skipped: outcome.skipped,
      errors: outcome.failures.length,
      failures: outcome.failures.slice(0, 50),
      lastInvocation: invocation,
      updatedAt: new Date(),
    };
    await tx.collection('job_records').doc(outcome.runId).set({ data: record });
    return { _id: outcome.runId, ...record };
  }, SCHEDULER_RETRY);
}

interface RunOptions extends JobOptions {
  /** the scheduled instant this run is for (a tick); none for a run by hand */
  slot?: Date | null;
}

/** Runs one job now under its lease; `busy` if another invocation holds it. */
export async function runScheduledJob(job: JobName, now: Date, options: RunOptions = {}): Promise<JobReport> {
  const startedAt = new Date();
  const holder = crypto.randomUUID();
  const busy = (): JobReport => ({
    job,
    runId: null,
    status: 'busy',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    processed: 0,
    skipped: 0,
    errors: 0,
    failures: [],
    counters: {},
  });
  if (!(await acquireLease(job, holder))) return busy();
  let outcome: JobOutcome | null = null;
  try {
    const { slot: _slot, ...jobOptions } = options;
    outcome = await RUNNERS[job](now, jobOptions);
    await recordRun(job, outcome, startedAt, holder);
  } finally {
    await releaseLease(job, holder, outcome, options.slot ?? null);
  }
  return {
    job,
    runId: outcome.runId,
    status: outcome.status,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    processed: outcome.processed,
    skipped: outcome.skipped,
    errors: outcome.failures.length,
    failures: outcome.failures,
    counters: outcome.counters,
  };
}

async function scheduleDocs(): Promise<Map<string, ScheduleDoc>> {
  const docs = await queryDocs<ScheduleDoc>(database().collection('job_schedule').where({}).limit(100));
  return new Map(docs.map((d) => [d._id, d]));
}

/** The jobs due at `now`, each with the scheduled instant it is due for. */
function dueJobs(now: Date, docs: Map<string, ScheduleDoc>): { job: JobName; slot: Date | null }[] {
  const due: { job: JobName; slot: Date | null }[] = [];
  for (const job of JOB_NAMES) {
    const doc = docs.get(job);
    const slot = cronOf(JOB_SCHEDULE[job].cron).prev(now);
    const newSlot = slot !== null && (!doc?.lastSlot || new Date(doc.lastSlot).getTime() < slot.getTime());
    if (newSlot) due.push({ job, slot });
    else if (doc?.lastStatus === 'running') due.push({ job, slot: null });
  }
  return due;
}

/** The timer: runs what is due, one job after another, within the invocation's budget. */
export async function tick(now: Date, options: JobOptions = {}): Promise<TickReport> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const budgetMs = options.budgetMs ?? TICK_BUDGET_MS;
  const ran: JobReport[] = [];
  const deferred: string[] = [];
  for (const { job, slot } of dueJobs(now, await scheduleDocs())) {
    const left = budgetMs - (clock() - started);
    if (left < Math.min(MIN_JOB_BUDGET_MS, budgetMs)) {
      deferred.push(job);
      continue;
    }
    try {
      ran.push(await runScheduledJob(job, now, { ...options, budgetMs: left, slot }));
    } catch (e) {
      // One job's failure must not keep the others from running; it stays due (its slot is not marked).
      log.error(`[scheduler] ${job} failed`, e);
      ran.push({
        job,
        runId: null,
        status: 'running',
        startedAt: new Date(now).toISOString(),
        finishedAt: new Date().toISOString(),
        processed: 0,
        skipped: 0,
        errors: 1,
        failures: [{ memberId: '-', error: String((e as Error)?.message ?? e).slice(0, 200) }],
        counters: {},
      });
    }
  }
  return { at: now.toISOString(), ran, deferred };
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function toRunView(r: RecordDoc): JobRunView {
  return {
    runId: r._id,
    job: r.job,
    status: r.status,
    startedAt: new Date(r.startedAt).toISOString(),
    finishedAt: iso(r.finishedAt),
    invocations: r.invocations,
    processed: r.processed,
    skipped: r.skipped,
    errors: r.errors,
    failures: r.failures ?? [],
  };
}

/** Every job with its schedule, next instant and last run. */
export async function listJobs(now: Date): Promise<JobStatusView[]> {
  const docs = await scheduleDocs();
  return Promise.all(
    JOB_NAMES.map(async (job) => {
      const doc = docs.get(job);
      const record = doc?.lastRunId ? await getById<RecordDoc>('job_records', doc.lastRunId as string) : null;
      return {
        job,
        title: JOB_SCHEDULE[job].title,
        cron: JOB_SCHEDULE[job].cron,
        nextAt: iso(cronOf(JOB_SCHEDULE[job].cron).next(now)),
        lastRun: record ? toRunView(record) : null,
      };
    }),
  );
}

/** The run records, newest first (indexed by `startedAt`, or `job` + `startedAt`). */
export async function listJobRuns(job: string | undefined, limit: number): Promise<JobRunView[]> {
  const where = job ? { job } : {};
  const docs = await queryDocs<RecordDoc>(database().collection('job_records').where(where).orderBy('startedAt', 'desc').limit(limit));
  return docs.map(toRunView);
}
