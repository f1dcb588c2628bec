import { closeTestCloud, openTestCloud } from '../support/local-cloud';
import type { LocalCloudOptions } from '../../local-cloud/local-cloud';

/**
 * Shared setup for the conformance suite: a fresh local cloud per test, and the REAL wx-server-sdk
 * (the same module instance whose transport `openTestCloud` replaced), used as a cloud function would.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const cloud = require('wx-server-sdk');
cloud.init({ env: 'local' });

export type TestCloud = ReturnType<typeof openTestCloud>;

/** Opens a cloud before each test and closes it after; `ctx.cloud` is the current one. */
export function useCloud(options: Partial<LocalCloudOptions> = {}): { cloud: TestCloud } {
  const ctx = {} as { cloud: TestCloud };
  beforeEach(() => {
    ctx.cloud = openTestCloud(options);
  });
  afterEach(() => closeTestCloud(ctx.cloud));
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
