import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCloud, type FunctionLogRecord, type LocalCloudOptions } from '../../local-cloud/services';
import { VirtualSleeper } from '../../local-cloud/database';
import type { InputOf, ResultOf } from '../../shared/contract';
import type { Contracts, FunctionName } from '../../shared/contracts';
import type { Result } from '../../shared/envelope';
import { installLogSink, type LogRecord } from '../../cloudfunctions/_lib/platform/log';
import type { DocumentStore } from '../../local-cloud/store';
import { collectionSchemas, isCollectionName } from '../../shared/schemas/collections';
import type { ZodType } from 'zod';

/**
 * A local cloud opened by `openTestCloud`, with the temporary folder it lives in and the functions'
 * log records it captured (empty when they go to the console).
 */
export type TestCloud = LocalCloud & { dir: string; logs: FunctionLogRecord[] };

/**
 * How a test's client waits before trying a call again (a till or a phone backing off): on the
 * cloud's sleeper, so the wait moves its clock instead of passing in real time.
 */
export const backOff = (cloud: LocalCloud, ms: number): Promise<void> => cloud.sleeper.sleep(ms);

export interface TestCloudOptions extends Partial<LocalCloudOptions> {
  /**
   * `capture`: the functions' log records are kept in `cloud.logs`, not printed; `console`: printed.
   * Default: captured when the cloud injects faults (their logs are expected: assert on them), printed
   * otherwise (a log there is a real failure and must show).
   */
  logs?: 'capture' | 'console';
}

const injectsFaults = (faults: LocalCloudOptions['faults']) =>
  !!faults && Object.entries(faults).some(([k, v]) => k !== 'seed' && typeof v === 'number' && v > 0);

/** A fresh local cloud on a temporary SQLite file; functions loaded from source. */
export function openTestCloud({ logs: logMode, ...options }: TestCloudOptions = {}): TestCloud {
  // Jobs unpaced: the test store is not billed, tests move a fake clock, and pacing has its own test.
  // Set for the functions' environment (theirs is their own, as on the cloud) and for this process,
  // where some tests run job code directly as a function would.
  process.env.HY_JOB_ITEMS_PER_SECOND ??= 'Infinity';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-test-'));
  const logs: FunctionLogRecord[] = [];
  const capture = (logMode ?? (injectsFaults(options.faults) ? 'capture' : 'console')) === 'capture';
  const sleeper = new VirtualSleeper();
  const cloud = new LocalCloud({
    file: path.join(dir, 'cloud.sqlite'),
    functionSource: 'source',
    durable: false,
    faults: { conflict: 0, transient: 0, lostReply: 0 },
    // The functions' backoffs (and the tests' own, through `backOff`) move a virtual clock: no test waits for them.
    sleeper,
    ...options,
    functionEnv: { HY_JOB_ITEMS_PER_SECOND: 'Infinity', ...options.functionEnv },
    ...(capture ? { log: (record: FunctionLogRecord) => logs.push(record) } : {}),
  });
  // Virtual time moves on when no transaction is in flight: backoffs against real contention still let the holder finish.
  if (cloud.sleeper === sleeper) sleeper.settleOn(() => cloud.database.whenNoOpenTransactions());
  return Object.assign(cloud, { dir, logs });
}

interface CloseOptions {
  /** false: the conformance suite, whose documents are the database's test data, not ours */
  checkDocuments?: boolean;
  /** `collection/id` of documents a test stored malformed on purpose (legacy data the code must survive) */
  unchecked?: readonly string[];
}

export function closeTestCloud(cloud: TestCloud, options: CloseOptions = {}): void {
  try {
    if (options.checkDocuments !== false) assertDocumentsParse(cloud.store, options.unchecked);
  } finally {
    cloud.close();
    fs.rmSync(cloud.dir, { recursive: true, force: true });
  }
}

/**
 * Every stored document of every collection, parsed with its collection's schema
 * (`shared/schemas/collections.ts`): a function that wrote a shape the schema does not admit (a
 * misspelt field, a missing one, a string where a date belongs) fails the test file that made it,
 * with the collection, the id and zod's issues. Collections without a schema (the conformance
 * suite's own) are not checked; `unchecked` names ids a test stored malformed on purpose.
 */
export function assertDocumentsParse(store: DocumentStore, unchecked: readonly string[] = []): void {
  if (!store.db.open) return; // a test that closed the store itself (and checked what it needed)
  const problems: string[] = [];
  for (const coll of store.listCollections()) {
    if (!isCollectionName(coll)) continue;
    const schema: ZodType = collectionSchemas[coll];
    for (const { doc } of store.scan(coll)) {
      if (unchecked.includes(`${coll}/${doc._id}`)) continue;
      const parsed = schema.safeParse(doc);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
        problems.push(`${coll}/${doc._id}: ${issues.join('; ')}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new Error(`${problems.length} stored document(s) do not match their collection's schema:\n${problems.slice(0, 20).join('\n')}`);
  }
}

type ActionOf<F extends FunctionName> = keyof Contracts[F] & string;

/**
 * The typed way tests call a function: `invoke(cloud, 'points', 'recordOrder', input, 'o-clerk')`
 * answers the envelope with the result type of the function's contract.
 */
export async function invoke<F extends FunctionName, A extends ActionOf<F>>(
  cloud: LocalCloud,
  fn: F,
  action: A,
  input: InputOf<Contracts[F], A>,
  openid = '',
): Promise<Result<ResultOf<Contracts[F], A>>> {
  return (await cloud.invoke(fn, { ...(input as Record<string, unknown>), action }, { openid })) as Result<ResultOf<Contracts[F], A>>;
}

/** Like `invoke`, but answers the data or throws with the error code (for arranging a test). */
export async function invokeOk<F extends FunctionName, A extends ActionOf<F>>(
  cloud: LocalCloud,
  fn: F,
  action: A,
  input: InputOf<Contracts[F], A>,
  openid = '',
): Promise<ResultOf<Contracts[F], A>> {
  const r = await invoke(cloud, fn, action, input, openid);
  if (!r.ok) throw new Error(`${fn}.${action}: ${r.code} ${r.message}`);
  return r.data;
}

/**
 * Runs `work` with the functions' log records captured instead of printed (function code called
 * directly or through a cloud alike): for a test that provokes a failure the code logs, to assert
 * on that log.
 */
export async function withCapturedLogs<T>(work: () => Promise<T>): Promise<{ result: T; logs: LogRecord[] }> {
  const logs: LogRecord[] = [];
  const previous = installLogSink((record) => logs.push(record));
  try {
    return { result: await work(), logs };
  } finally {
    installLogSink(previous);
  }
}
