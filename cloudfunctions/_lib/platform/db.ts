import { AppError } from '../../../shared/errors';
import type { CollectionName } from '../../../shared/schemas/collections';
import { database } from './cloud';
import { KeyedQueue, TURN_WAIT_MS } from './keyed-queue';
import { monotonicNow, sleep as platformSleep } from './sleep';
import type { Tx } from './typed-db';

export type { Tx };

/**
 * Typed wrappers over wx-server-sdk's database calls (its typings answer `Promise<T> | void | string`),
 * and the transaction retry the SDK does not do for us.
 */
interface Query {
  get(): unknown;
  count(): unknown;
}
/** An aggregation pipeline as the SDK builds it (`collection().aggregate().match()…`), run by `end()`. */
interface Pipeline {
  end(): unknown;
}

/**
 * Reads are idempotent, so every read helper retries transient faults itself (bounded, the same
 * backoff as transactions): a caller never wraps a read by hand, and no action answers INTERNAL
 * because one read timed out. Writes are not retried here: only a transaction keyed by idempotency
 * keys may be re-run (`inTransaction`).
 */
function readRetry<T>(read: () => Promise<T>): Promise<T> {
  return withRetry(read, READ_RETRY);
}

export async function queryDocs<T>(query: Query): Promise<T[]> {
  return readRetry(async () => {
    const res = (await (query.get() as unknown as Promise<{ data: T[] }>)) ?? { data: [] };
    return res.data;
  });
}

export async function findOne<T>(collection: CollectionName, where: Record<string, unknown>): Promise<T | null> {
  const docs = await queryDocs<T>(database().collection(collection).where(where).limit(1));
  return docs[0] ?? null;
}

/** The document with this `_id`, or null (a miss is `{ data: null }` with `throwOnNotFound: false`, cloud.ts; the thrown form is still understood). */
export async function getById<T>(collection: CollectionName, id: string): Promise<T | null> {
  return readRetry(async () => {
    let res: { data: T[] | T };
    try {
      res = (await (database().collection(collection).doc(id).get() as unknown as Promise<{ data: T[] | T }>)) as { data: T[] | T };
    } catch (e) {
      if (/does not exist/.test(text(e))) return null;
      throw e;
    }
    const data = res.data;
    return Array.isArray(data) ? (data[0] ?? null) : (data ?? null);
  });
}

/** The rows an aggregation answers (a read: retried like the others). */
export async function aggregateRows<T>(pipeline: Pipeline): Promise<T[]> {
  return readRetry(async () => {
    const res = (await (pipeline.end() as Promise<{ list: T[] }>)) ?? { list: [] };
    return res.list;
  });
}

export async function count(query: Query): Promise<number> {
  return readRetry(async () => {
    const res = (await (query.count() as Promise<{ total: number }>)) as { total: number };
    return res.total;
  });
}

interface SdkError {
  errCode?: number;
  errMsg?: string;
  code?: string;
  message?: string;
}

function text(e: unknown): string {
  const err = (e ?? {}) as SdkError;
  return `${err.code ?? ''} ${err.errMsg ?? ''} ${err.message ?? ''}`;
}

/** wx-server-sdk reports a conflict as errCode -501001 with "Transaction is conflict", dropping the backend's code. */
export function isTransactionConflict(e: unknown): boolean {
  return /DATABASE_TRANSACTION_CONFLICT|Transaction is conflict/i.test(text(e));
}

/** Failures after which the request may or may not have happened: retry only idempotent work. */
export function isTransient(e: unknown): boolean {
  return /ESOCKETTIMEDOUT|ETIMEDOUT|ECONNRESET|DATABASE_TIMEOUT|timed out|SYS_ERR|system busy|EAI_AGAIN/i.test(text(e));
}

export function isDuplicateKey(e: unknown): boolean {
  return /DATABASE_DUPLICATE_WRITE|E11000|duplicate key/i.test(text(e));
}

interface RetryOptions {
  /** attempts in a row failing with a transient fault, the first included (conflicts are bounded by `conflictBudgetMs` instead) */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** re-run on a transaction conflict too (default true; reads outside a transaction never conflict) */
  retryConflicts?: boolean;
  /**
   * How long conflicts are retried, from the first attempt (default `CONFLICT_BUDGET_MS`). A conflict
   * is another transaction holding the document right now: it ends within milliseconds, so the
   * question is how long to keep trying, not how many times.
   */
  conflictBudgetMs?: number;
  /** milliseconds, for the conflict budget (default: `monotonicNow` of ./sleep.ts, which a clock set for a demo or frozen by a test does not move; tests give a stepping clock) */
  clock?: () => number;
  /** how the backoff waits (default: `sleep` of ./sleep.ts; tests give one that steps their clock) */
  sleep?: (ms: number) => Promise<void>;
  /** the jitter's source, in [0, 1) */
  random?: () => number;
}

/** `withRetry`'s defaults for transient faults: attempts in a row, and the backoff's first and longest wait. */
const RETRY_DEFAULTS = { attempts: 6, baseDelayMs: 20, maxDelayMs: 1000 } as const;

/** How every read helper retries: transient faults only (a read outside a transaction never conflicts). */
export const READ_RETRY: RetryOptions = { attempts: 5, retryConflicts: false };

/**
 * Conflicts are retried for 2.5 s from the first attempt. A conflict is another transaction holding
 * the document for milliseconds; 6 attempts (~0.6 s) left 3 of 4 calls answering CONFLICT when 20
 * orders arrived at once on one member. The bound: the shortest function timeout is 10 s (`checkin`,
 * `pos`, `marketing`: `cloudfunctions/<fn>/config.json`); with the wait for a key's turn before it
 * (`TURN_WAIT_MS`, 3 s at most) a transaction takes under 5.5 s plus its attempts' own running time;
 * on the cloud, where an instance serves one request at a time and the wait is nil, an action that
 * runs two in a row (a replay after a lost reply) still answers in time.
 */
export const CONFLICT_BUDGET_MS = 2_500;
/** Longest wait between two conflicting attempts: contenders spread over this, and a retry still comes soon. */
const CONFLICT_MAX_DELAY_MS = 400;
/** A safety bound if the clock misbehaves (stepped back): ~20 attempts fit in the budget. */
const MAX_CONFLICT_ATTEMPTS = 200;

/**
 * Re-runs `work` on a transaction conflict or a transient failure. Transient faults (a timeout, a
 * reset: the platform is unwell) are retried a bounded number of times in a row with jittered
 * exponential backoff (an attempt that reached a conflict showed the database answering). Conflicts are retried until `conflictBudgetMs` has passed since the first attempt, with
 * decorrelated jitter (each wait drawn between the base and three times the last wait, capped), so
 * contenders that collided once spread out instead of colliding again in step. When the budget or
 * the attempts are spent the answer is `AppError('CONFLICT')` (系统繁忙, the caller may try again).
 * `work` must be re-runnable: everything it changes is written inside its transaction, keyed by
 * idempotency keys.
 */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? RETRY_DEFAULTS.attempts;
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const conflictMax = Math.min(max, CONFLICT_MAX_DELAY_MS);
  const budget = options.conflictBudgetMs ?? CONFLICT_BUDGET_MS;
  const clock = options.clock ?? monotonicNow;
  const sleep = options.sleep ?? platformSleep;
  const random = options.random ?? Math.random;
  const started = clock();
  let transientFailures = 0;
  let conflicts = 0;
  let conflictDelay = base;
  let last: unknown;
  for (;;) {
    try {
      return await work();
    } catch (e) {
      last = e;
      if (options.retryConflicts !== false && isTransactionConflict(e)) {
        // A conflict is an answer: the database is up, so the transient faults' count starts again.
        transientFailures = 0;
        conflicts += 1;
        const left = started + budget - clock();
        if (left <= 0 || conflicts >= MAX_CONFLICT_ATTEMPTS) break;
        conflictDelay = Math.min(conflictMax, base + random() * (conflictDelay * 3 - base));
        await sleep(Math.min(conflictDelay, left));
      } else if (isTransient(e)) {
        transientFailures += 1;
        if (transientFailures >= attempts) break;
        const delay = Math.min(max, base * 2 ** (transientFailures - 1));
        await sleep(delay / 2 + random() * (delay / 2));
      } else {
        break;
      }
    }
  }
  if (isTransactionConflict(last) || isTransient(last)) {
    throw new AppError('CONFLICT', undefined, { cause: text(last).trim() });
  }
  throw last;
}

/**
 * The longest a `withRetry` with these options waits between its attempts (the attempts' own running
 * time aside). Conflicts are retried only while the conflict budget lasts, and no conflict wait goes
 * past it; after the last conflict at most `attempts - 1` transient faults in a row each back off,
 * each wait under its capped exponential delay. Function timeouts are checked against this
 * (`tests/integration/function-timeouts.test.ts`).
 */
export function worstCaseRetryWaitMs(options: RetryOptions = {}): number {
  const attempts = options.attempts ?? RETRY_DEFAULTS.attempts;
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  let transientTail = 0;
  for (let k = 1; k < attempts; k += 1) transientTail += Math.min(max, base * 2 ** (k - 1));
  return (options.retryConflicts === false ? 0 : (options.conflictBudgetMs ?? CONFLICT_BUDGET_MS)) + transientTail;
}

export interface TransactionOptions extends RetryOptions {
  /**
   * What the transaction contends on (e.g. `member:<id>`): transactions of this function instance
   * with the same key run one after another (`keyed-queue.ts`) instead of colliding on the document
   * lock and backing off. Other instances still conflict, and are retried.
   */
  key?: string;
  /** Longest wait for the key's turn before going ahead anyway (default `TURN_WAIT_MS`). */
  turnWaitMs?: number;
}

/** The longest a transaction waits (its attempts' running time aside): its key's turn, if it has a key, then its retries. */
export function worstCaseTransactionWaitMs(options: TransactionOptions = {}): number {
  return (options.key === undefined ? 0 : (options.turnWaitMs ?? TURN_WAIT_MS)) + worstCaseRetryWaitMs(options);
}

/** The turn of transactions that write a member's document (orders, redemptions, check-ins, adjustments). */
export const memberTurn = (memberId: string): TransactionOptions => ({ key: `member:${memberId}` });

/** Transactions of one instance on one key, in turn. */
const turns = new KeyedQueue();

/** Keys in use now (waiting or running): a test checks that none is left behind. */
export const keysInUse = (): number => turns.size;

/**
 * One transaction (doc-by-id reads and writes only), retried as `withRetry` says, in its key's turn.
 * Run as start / callback / commit rather than through the SDK's `runTransaction`: the SDK's own retry
 * never sees a conflict through wx-server-sdk anyway (ours does it), and a failed transaction must be
 * aborted for sure. A document written in a transaction stays locked until the transaction ends, and a
 * plain write to it waits that long (up to the transaction's 30 s): `runTransaction` tries the abort
 * once and swallows its failure, so one lost abort would stall every writer of those documents.
 */
export async function inTransaction<T>(fn: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const attempt = async (): Promise<T> => {
    const tx = (await database().startTransaction()) as unknown as Tx & { commit(): Promise<unknown>; rollback(): Promise<unknown> };
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (e) {
      await abortSurely(tx);
      throw e;
    }
  };
  if (options.key === undefined) return withRetry(attempt, options);
  return turns.run(options.key, () => withRetry(attempt, options), options.turnWaitMs ?? TURN_WAIT_MS);
}

/** Aborts a failed transaction, retrying an abort that failed in transit; a finished one answers an error we ignore. */
async function abortSurely(tx: { rollback(): Promise<unknown> }): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    try {
      await tx.rollback();
      return;
    } catch (e) {
      if (!isTransient(e)) return;
    }
  }
}

/** In a transaction, `doc(id).get()` of a missing document throws; this answers null instead. */
export async function txGet<T>(tx: Tx, collection: CollectionName, id: string): Promise<T | null> {
  try {
    const res = await tx.collection(collection).doc(id).get();
    return (res.data as T | null) ?? null;
  } catch (e) {
    if (/does not exist/.test(text(e))) return null;
    throw e;
  }
}
