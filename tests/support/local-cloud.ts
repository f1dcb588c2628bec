import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCloud, type LocalCloudOptions } from '../../local-cloud/local-cloud';
import type { InputOf, ResultOf } from '../../shared/contract';
import type { Contracts, FunctionName } from '../../shared/contracts';
import type { Result } from '../../shared/envelope';

/** A local cloud opened by `openTestCloud`, with the temporary folder it lives in. */
export type TestCloud = LocalCloud & { dir: string };

/** A fresh local cloud on a temporary SQLite file; functions loaded from source. */
export function openTestCloud(options: Partial<LocalCloudOptions> = {}): TestCloud {
  // Jobs unpaced: the test store is not billed, tests move a fake clock, and pacing has its own test.
  // Set for the functions' environment (theirs is their own, as on the cloud) and for this process,
  // where some tests run job code directly as a function would.
  process.env.HY_JOB_ITEMS_PER_SECOND ??= 'Infinity';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-test-'));
  const cloud = new LocalCloud({
    file: path.join(dir, 'cloud.sqlite'),
    functionSource: 'source',
    durable: false,
    faults: { conflict: 0, transient: 0, lostReply: 0 },
    ...options,
    functionEnv: { HY_JOB_ITEMS_PER_SECOND: 'Infinity', ...options.functionEnv },
  });
  return Object.assign(cloud, { dir });
}

export function closeTestCloud(cloud: TestCloud): void {
  cloud.close();
  fs.rmSync(cloud.dir, { recursive: true, force: true });
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
