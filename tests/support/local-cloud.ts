import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalCloud, type LocalCloudOptions } from '../../local-cloud/local-cloud';

/** A local cloud opened by `openTestCloud`, with the temporary folder it lives in. */
export type TestCloud = LocalCloud & { dir: string };

/** A fresh local cloud on a temporary SQLite file; functions loaded from source. */
export function openTestCloud(options: Partial<LocalCloudOptions> = {}): TestCloud {
  // Jobs unpaced: the test store is not billed, tests move a fake clock, and pacing has its own test.
  process.env.HY_JOB_ITEMS_PER_SECOND ??= 'Infinity';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-test-'));
  const cloud = new LocalCloud({ file: path.join(dir, 'cloud.sqlite'), functionSource: 'source', durable: false, faults: { conflict: 0, transient: 0, lostReply: 0 }, ...options });
  return Object.assign(cloud, { dir });
}

export function closeTestCloud(cloud: TestCloud): void {
  cloud.close();
  fs.rmSync(cloud.dir, { recursive: true, force: true });
}
