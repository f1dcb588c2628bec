import { AppError } from '../../shared/errors';
import type { CollectionName } from '../../shared/schemas/collections';
import { database } from './cloud';
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

/**
 * Reads are idempotent, so every read helper retries transient faults itself (bounded, the same
 * backoff as transactions): a caller never wraps a read by hand, and no action answers INTERNAL
 * because one read timed out. Writes are not retried here: only a transaction keyed by idempotency
 * keys may be re-run (`inTransaction`).
 */
function readRetry<T>(read: () => Promise<T>): Promise<T> {
  return withRetry(read, { attempts: 5, retryConflicts: false });
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

export interface RetryOptions {
  /** attempts in all, the first included */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** re-run on a transaction conflict too (default true; reads outside a transaction never conflict) */
  retryConflicts?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Re-runs `work` on a transaction conflict or a transient failure, with jittered exponential
 * backoff, a bounded number of times. `work` must be re-runnable: everything it changes is written
 * inside its transaction, keyed by idempotency keys.
 */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 20;
  const max = options.maxDelayMs ?? 1000;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await work();
    } catch (e) {
      last = e;
      if (!((options.retryConflicts !== false && isTransactionConflict(e)) || isTransient(e)) || attempt === attempts) break;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      await sleep(delay / 2 + Math.random() * (delay / 2));
    }
  }
  if (isTransactionConflict(last) || isTransient(last)) {
    throw new AppError('CONFLICT', undefined, { cause: text(last).trim() });
  }
  throw last;
}

/**
 * One transaction (doc-by-id reads and writes only), retried as `withRetry` says.
 * Run as start / callback / commit rather than through the SDK's `runTransaction`: the SDK's own retry
 * never sees a conflict through wx-server-sdk anyway (ours does it), and a failed transaction must be
 * aborted for sure. A document written in a transaction stays locked until the transaction ends, and a
 * plain write to it waits that long (up to the transaction's 30 s): `runTransaction` tries the abort
 * once and swallows its failure, so one lost abort would stall every writer of those documents.
 */
export async function inTransaction<T>(fn: (tx: Tx) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return withRetry(async () => {
    const tx = (await database().startTransaction()) as unknown as Tx & { commit(): Promise<unknown>; rollback(): Promise<unknown> };
    try {
      const result = await fn(tx);
      await tx.commit();
      return result;
    } catch (e) {
      await abortSurely(tx);
      throw e;
    }
  }, options);
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
