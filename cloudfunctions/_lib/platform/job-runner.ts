/**
 * The checkpointed job runner every scheduled job uses (points nightly, tier review, and the coming
 * birthday coupons, expiry reminders, dormant-member recall, statistics).
 *
 * One run per occurrence: `job_runs/<job>:<occurrence>` (e.g. `points-nightly:20261124`,
 * `tier-review:20260102`) holds the checkpoint — `job`, `status` ('running' | 'done'), the job's
 * own counters (flat fields), `step` and `cursor` (progress), `chunks`, `failures` and `updatedAt` —
 * written with `doc(runId).set()` after every chunk, never carrying an `_id` in the data.
 *
 * The contract:
 * - `findDue(chunkSize, ctx)` answers at most `chunkSize` items with an INDEXED query (a due field
 *   such as `points.nextEventOn <= today`, `birthdayMD == '06-18'`, `tierReviewDueOn <= today`, or
 *   `_id > cursor` ordered by `_id`): never a scan of everyone, never `neq`/`nin` alone. It reads
 *   through db.ts's helpers (`queryDocs` ...), which retry transient faults: the runner does not. It should
 *   leave out `ctx.exclude` (ids that failed or were left unchanged in this occurrence) with
 *   `_id: _.nin(ctx.exclude)` when non-empty.
 * - `process(item, state)` is idempotent per item per occurrence (a retried or re-run occurrence
 *   must not do the work twice: key the write by `<job>:<member>:<occurrence>`, or mark the member
 *   in the same transaction), and normally takes the item out of what `findDue` answers (clears or
 *   advances its due field). It may add to the counters on `state`. Answer 'unchanged' when the item
 *   is still due but there is nothing to do today: it is not offered again in this occurrence.
 * - A throwing `process` is isolated: recorded in `failures` (`{ memberId, error }`: the item's
 *   `_id`), skipped for the rest of this occurrence, and — since it stays due — retried by the next.
 * - The run stops starting chunks once `budgetMs` has passed (inside the scheduler's timeout); the next
 *   trigger of the same occurrence resumes from the checkpoint's step and cursor (the scheduler fires
 *   every five minutes and runs an unfinished occurrence again, so a long one continues; a done one costs one read).
 * - The run is paced to `itemsPerSecond` (default `HY_JOB_ITEMS_PER_SECOND`, else 5): every item is
 *   several billed requests, and the basic plan's 30 requests/s are shared with live traffic. A chunk
 *   is at most 5 seconds of items, so the budget check between chunks keeps a run inside its timeout. `finish` runs once
 *   every step has found nothing more, then the run is 'done'; running a done occurrence again
 *   does nothing and answers the stored checkpoint.
 *
 * A future job, e.g. the birthday coupons (`issueBirthdayCoupon` is the job's own transaction: the
 * coupon `birthday:<member>:<year>` and `birthdayCouponYear = year` on the member, written together):
 *
 *   export async function birthdayCoupons(now: Date, options: JobOptions = {}) {
 *     const db = database(), _ = db.command, today = businessDate(now), year = today.slice(0, 4);
 *     const { run } = await runJob({
 *       job: 'birthday-coupons', occurrence: today.replace(/-/g, ''), ...options,
 *       initial: () => ({ day: today, issued: 0 }),
 *       steps: [{
 *         name: 'issue',
 *         // indexed: birthdayMD equality narrows to the day's members (index `birthdayMD`)
 *         findDue: (n, { exclude }) => queryDocs<MemberDoc>(db.collection('members').where(excluding({ birthdayMD: today.slice(5), birthdayCouponYear: _.neq(year) }, exclude)).limit(n)),
 *         process: async (m, s) => { if (await issueBirthdayCoupon(m._id, year, now)) s.issued += 1; },
 *       }],
 *     });
 *     return run; // { runId: 'birthday-coupons:20260618', status, issued, chunks, failures?, ... }
 *   }
 */
import { database } from './cloud';
import { getById, withRetry } from './db';

import type { JobRun, JobRunDoc } from '../../../shared/schemas/jobs';
import type { SetOf } from './typed-db';
import { log } from './log';
import { sleep as platformSleep } from './sleep';

export type { JobRun };

export interface JobStep<S, T extends { _id: string }> {
  name: string;
  /** at most `chunkSize` due items, by an indexed query */
  findDue(chunkSize: number, ctx: { exclude: string[]; cursor: string | null; state: S }): Promise<T[]>;
  /** the work for one item: idempotent per item per occurrence */
  process(item: T, state: S): Promise<void | 'unchanged'>;
  /**
   * For steps walking an ordered index: the cursor after this item (e.g. its `_id`). `findDue` then
   * answers the items after `ctx.cursor` (never from the start again, so a chunk costs the same at
   * any depth), the runner keeps no per-item memory, and the step ends when `findDue` answers nothing.
   */
  cursorOf?(item: T): string;
}

export interface JobOptions {
  /** stop starting new chunks after this long; the next trigger of the occurrence continues */
  budgetMs?: number;
  /** items per chunk (each chunk is checkpointed) */
  chunkSize?: number;
  /** milliseconds, for the budget and the pacing (tests give a stepping clock) */
  clock?: () => number;
  /** items processed per second at most (Infinity: unpaced) */
  itemsPerSecond?: number;
  /** how the pacing waits (tests give one that steps their clock) */
  sleep?: (ms: number) => Promise<void>;
  /** items processed at once within a chunk (default `HY_JOB_CONCURRENCY`, else 1); the pacing still holds */
  concurrency?: number;
}

const DEFAULT_ITEMS_PER_SECOND = 5;
/** Longest a chunk may take at the paced rate, so the budget check between chunks stays meaningful. */
export const CHUNK_SECONDS = 5;

/** The job pacing of this environment: `HY_JOB_ITEMS_PER_SECOND` (a function environment variable), else 5. */
export function jobItemsPerSecond(): number {
  const v = Number(process.env.HY_JOB_ITEMS_PER_SECOND);
  return v > 0 ? v : DEFAULT_ITEMS_PER_SECOND;
}

/** Items a job works on at once: `HY_JOB_CONCURRENCY` (a function environment variable), else 1. */
export function jobConcurrency(): number {
  const v = Math.trunc(Number(process.env.HY_JOB_CONCURRENCY));
  return v > 0 ? Math.min(v, 64) : 1;
}

interface JobSpec<S extends object> extends JobOptions {
  /** e.g. 'points-nightly' */
  job: string;
  /** e.g. '20261124' or '2026-11': the run id is `<job>:<occurrence>` */
  occurrence: string;
  /** the job's counters for a fresh occurrence */
  initial: () => S;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  steps: JobStep<S, any>[];
  /** once every step is through (and within the budget): work that is not per item */
  finish?: (state: S) => Promise<void>;
}

interface JobResult<S> {
  /** the checkpoint after this invocation (cumulative over the occurrence) */
  run: JobRun<S>;
  /** the occurrence was already done: nothing ran */
  alreadyDone: boolean;
}

const RUNNER_FIELDS = ['_id', 'job', 'updatedAt'] as const;

export async function runJob<S extends object>(spec: JobSpec<S>): Promise<JobResult<S>> {
  const { job, occurrence, steps, budgetMs = 50_000, clock = Date.now, sleep = platformSleep } = spec;
  const rate = spec.itemsPerSecond ?? jobItemsPerSecond();
  const concurrency = Math.max(1, spec.concurrency ?? jobConcurrency());
  const chunkSize = Math.min(spec.chunkSize ?? 50, Number.isFinite(rate) ? Math.max(1, Math.floor(rate * CHUNK_SECONDS)) : Infinity);
  const started = clock();
  let paced = 0;
  // Item n of this invocation starts no earlier than n / rate seconds after the start.
  const pace = async () => {
    if (Number.isFinite(rate)) {
      const ms = started + (paced * 1000) / rate - clock();
      if (ms > 0) await sleep(ms);
    }
    paced += 1;
  };
  const runId = `${job}:${occurrence}`;
  const stored = await getById<Record<string, unknown>>('job_runs', runId);
  if (stored) {
    for (const f of RUNNER_FIELDS) delete stored[f];
  }
  const fresh = { ...spec.initial(), status: 'running', step: 0, cursor: null, chunks: 0 };
  const run = { ...fresh, ...(stored ?? {}), runId } as JobRun<S>;
  if (run.status === 'done') return { run, alreadyDone: true };

  const save = () =>
    withRetry(() => {
      const { runId: _r, ...data } = run;
      return (
        database()
          .collection('job_runs')
          .doc(runId)
          // the job's own counters (S) beside the runner's fields: the schema admits them (shared/schemas/jobs.ts), the compiler cannot see S
          .set({ data: { job, ...data, updatedAt: new Date() } as unknown as SetOf<JobRunDoc> }) as Promise<unknown>
      );
    });
  const within = () => clock() - started < budgetMs;
  // Items that failed in this occurrence (also in an earlier invocation) are not offered again until the next one.
  const exclude = new Set<string>((run.failures ?? []).map((f) => f.memberId));
  // Items a step without a cursor already processed in this invocation (so one that stays due is not
  // spun on). Per step: a later step is offered the items an earlier one processed (the nightly job
  // reconciles the members it settled). A step with a cursor needs none: its cursor only moves forward.
  let seen = new Set<string>();
  let seenStep = run.step;

  while (run.step < steps.length) {
    const step = steps[run.step];
    if (seenStep !== run.step) {
      seen = new Set();
      seenStep = run.step;
    }
    if (!within()) return { run, alreadyDone: false };
    const due = await step.findDue(chunkSize, { exclude: step.cursorOf ? [] : [...exclude], cursor: run.cursor, state: run });
    const todo = due.filter((item) => !seen.has(item._id) && !exclude.has(item._id));
    if (due.length === 0 || (todo.length === 0 && !step.cursorOf)) {
      // Nothing (new) is due: the step is through for this occurrence. Items still due after being
      // processed (changing under us) are left for the next occurrence rather than spun on.
      if (due.length > 0) log.warn(`[${job}] ${step.name}: ${due.length} item(s) still due after processing; left for the next run`);
      run.step += 1;
      run.cursor = null;
      await save();
      continue;
    }
    const one = async (item: (typeof todo)[number]) => {
      if (!step.cursorOf) seen.add(item._id);
      await pace();
      try {
        const outcome = await step.process(item, run);
        if (outcome === 'unchanged' && !step.cursorOf) exclude.add(item._id);
        if (run.failures?.some((f) => f.memberId === item._id)) run.failures = run.failures.filter((f) => f.memberId !== item._id);
      } catch (e) {
        // One item's failure must not stop everyone else's work; it stays due for the next occurrence.
        log.error(`[${job}] ${step.name} failed`, item._id, e);
        exclude.add(item._id);
        run.failures = [
          ...(run.failures ?? []).filter((f) => f.memberId !== item._id),
          { memberId: item._id, error: String((e as Error)?.message ?? e).slice(0, 200) },
        ];
      }
    };
    // Items of a chunk are independent (one member each): `concurrency` of them run at once, so a
    // request's latency (a round trip on the cloud, an fsync locally) is not paid once per item.
    for (let i = 0; i < todo.length; i += concurrency) await Promise.all(todo.slice(i, i + concurrency).map(one));
    if (step.cursorOf) run.cursor = step.cursorOf(due[due.length - 1]);
    run.chunks += 1;
    await save();
  }
  if (!within()) return { run, alreadyDone: false };
  if (spec.finish) await spec.finish(run);
  run.status = 'done';
  await save();
  return { run, alreadyDone: false };
}

/** Adds `_id: _.nin(exclude)` to an indexed condition when there is something to leave out. */
export function excluding(where: Record<string, unknown>, exclude: string[]): Record<string, unknown> {
  return exclude.length ? { ...where, _id: database().command.nin(exclude) } : where;
}
