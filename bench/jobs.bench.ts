/**
 * `npm run bench:jobs`: the scheduled jobs over a large membership (default 1,000,000 members,
 * `BENCH_MEMBERS` to change it). Prints, per job: its duration, the database requests and the
 * documents they read (what the cloud bills), requests per second, and the members it handled.
 * Figures, not a test: no thresholds; the machine is shared and noisy, compare runs instead.
 *
 * The members are written straight into the store (not through the functions: registering a million
 * members one by one would take hours); each has a birthday spread over the year, points lots
 * expiring through the year, and one in fifty opted in to check-in reminders. Jobs run unpaced
 * (`itemsPerSecond: Infinity`): the figures are what the engine can do, the cloud's pacing is a setting.
 *
 * Known local limit: the local executor answers only an equality on a field leading a declared index
 * from the index (`birthdayMD`, `remind`, `status`); ranges, `$in` and array paths
 * (`points.lots.expiresOn`) scan the collection for every chunk, where the cloud uses the declared
 * indexes. At 1,000,000 members `points-expiry-reminder` therefore runs for many minutes locally;
 * `BENCH_JOBS=birthday,checkin-reminder` picks jobs, `BENCH_MEMBERS` the size.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalCloud } from '../local-cloud/local-cloud';
import { RUNNERS } from '../cloudfunctions/_lib/scheduler';
import { addBusinessDays, businessDate } from '../shared/calendar';
import type { JobName } from '../shared/schedule';

const N = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const TEMPLATES = [
  {
    templateId: 'benchBirthday001',
    purpose: 'birthday',
    fields: [
      { key: 'thing1', label: '祝福' },
      { key: 'date2', label: '生日' },
    ],
  },
  {
    templateId: 'benchPointsExp01',
    purpose: 'points_expiry',
    fields: [
      { key: 'number1', label: '积分' },
      { key: 'date2', label: '日期' },
    ],
  },
  { templateId: 'benchCheckin0001', purpose: 'checkin_reminder', fields: [{ key: 'thing1', label: '提示' }] },
];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-jobs-bench-'));
  process.env.HY_JOB_ITEMS_PER_SECOND = 'Infinity';
  const cloud = new LocalCloud({
    file: path.join(dir, 'bench.sqlite'),
    functionSource: 'source',
    durable: false,
    faults: { conflict: 0, transient: 0, lostReply: 0 },
  });
  const now = new Date();
  const today = businessDate(now);
  console.log(`jobs bench: ${N.toLocaleString('en')} members, node ${process.version}, ${os.cpus().length} cores, today ${today} (Asia/Shanghai)`);

  // ---- seed, in batches of one SQLite transaction each
  const t0 = performance.now();
  const BATCH = 20_000;
  for (let start = 0; start < N; start += BATCH) {
    cloud.store.atomically(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i += 1) {
        const id = `m${String(i).padStart(7, '0')}`;
        const expiresOn = addBusinessDays(today, (i * 7) % 365);
        const month = (i % 12) + 1;
        const day = (Math.floor(i / 12) % 28) + 1;
        cloud.store.insert('members', {
          _id: id,
          openid: `o-${id}`,
          cardNo: `8${String(i).padStart(11, '0')}`,
          nickname: `会员${i}`,
          tierId: 'silver',
          growth: i % 5000,
          registeredAt: new Date(now.getTime() - (i % 700) * 86_400_000),
          birthdayMD: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
          points: {
            available: 100,
            pending: 0,
            lots: [{ id: `lot-${i}`, remaining: 100, earnedOn: today, expiresOn }],
            pendingLots: [],
            debt: 0,
            nextEventOn: expiresOn,
            seq: 1,
          },
        });
        if (i % 50 === 0)
          cloud.store.insert('checkin_state', {
            _id: id,
            memberId: id,
            lastDay: addBusinessDays(today, -1),
            streak: 3,
            longest: 3,
            total: 3,
            remind: true,
            updatedAt: now,
          });
      }
    });
  }
  for (const t of TEMPLATES)
    cloud.store.insert('message_templates', { _id: t.templateId, ...t, title: t.purpose, page: null, active: true, updatedAt: now, updatedBy: 'bench' });
  console.log(`seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- count requests and the documents they read
  let requests = 0;
  let docsRead = 0;
  const handle = cloud.database.handle.bind(cloud.database);
  cloud.database.handle = async (action, params) => {
    requests += 1;
    const r = await handle(action, params);
    const list = (r as { data?: { list?: unknown[] } }).data?.list;
    if (Array.isArray(list)) docsRead += list.length;
    return r;
  };

  const jobs: JobName[] = ['birthday', 'points-expiry-reminder', 'checkin-reminder', 'coupon-expiry-reminder', 'daily-stats'];
  const onlyJobs = process.env.BENCH_JOBS?.split(',') as JobName[] | undefined;
  console.log('job                         seconds   requests   docs read   requests/s   processed   skipped');
  for (const job of onlyJobs ?? jobs) {
    requests = 0;
    docsRead = 0;
    const t = performance.now();
    const out = await RUNNERS[job](now, { itemsPerSecond: Infinity, budgetMs: 15 * 60_000, chunkSize: 100 });
    const s = (performance.now() - t) / 1000;
    console.log(
      `${job.padEnd(26)} ${s.toFixed(1).padStart(8)} ${String(requests).padStart(10)} ${String(docsRead).padStart(11)} ${(requests / s).toFixed(0).padStart(12)} ${String(out.processed).padStart(11)} ${String(out.skipped).padStart(9)}   ${out.status}`,
    );
  }
  cloud.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
