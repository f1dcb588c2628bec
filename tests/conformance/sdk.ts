import { closeTestCloud, openTestCloud } from '../support/local-cloud';
import type { LocalCloudOptions } from '../../local-cloud/services';
import type { Tx as TypedTx } from '../../cloudfunctions/_lib/platform/db';
import type { CollectionName } from '../../shared/schemas/collections';

/**
 * Shared setup for the conformance suite: a fresh local cloud per test, and the REAL wx-server-sdk
 * (the same module instance whose transport `openTestCloud` replaced), used as a cloud function would.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const cloud = require('wx-server-sdk');
cloud.init({ env: 'local' });

type TestCloud = ReturnType<typeof openTestCloud>;

/** Opens a cloud before each test and closes it after; `ctx.cloud` is the current one. */
export function useCloud(options: Partial<LocalCloudOptions> = {}): { cloud: TestCloud } {
  const ctx = {} as { cloud: TestCloud };
  beforeEach(() => {
    ctx.cloud = openTestCloud(options);
  });
  afterEach(() => closeTestCloud(ctx.cloud, { checkDocuments: false }));
  return ctx;
}

/** `cloud.database()` as a function would get it (a new Db each call, like the SDK). */
export function db() {
  return cloud.database();
}

/** Runs `fn`, expecting it to throw; answers the error. */
export async function failure(fn: () => Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await fn();
  } catch (e) {
    return e as Record<string, unknown> & Error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

export function errText(e: unknown): string {
  const err = (e ?? {}) as { errCode?: unknown; errMsg?: unknown; code?: unknown; message?: unknown };
  return `${String(err.code ?? '')} ${String(err.errCode ?? '')} ${String(err.errMsg ?? '')} ${String(err.message ?? '')}`;
}

/**
 * A transaction as the bare SDK gives it: any collection, any document (the conformance suite pins the
 * database's semantics, not our documents; functions get the typed one, cloudfunctions/_lib/platform/typed-db.ts).
 */
export interface Tx {
  collection(name: string): {
    doc(id: string): {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      get(): Promise<{ data: any }>;
      set(o: { data: object }): Promise<unknown>;
      update(o: { data: object }): Promise<{ updated: number }>;
      remove(): Promise<unknown>;
    };
    add(o: { data: object }): Promise<{ id: string }>;
  };
}

/** Our transaction helper's transaction, used on the suite's own collections. */
export const untyped = (tx: TypedTx): Tx => tx as unknown as Tx;
/** A collection of the suite's own (`counters`, …), passed to our helpers that name collections of ours. */
export const own = (name: string): CollectionName => name as CollectionName;
