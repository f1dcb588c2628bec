/**
 * `npm run bench:jobs`: every scheduled job over a large membership (default 1,000,000 members,
 * `BENCH_MEMBERS=100000` for a quicker look). Prints, per job: its duration (wall and CPU), the
 * database requests (what the cloud bills and limits to 30 a second on the basic plan), the documents
 * the store read to answer them (a scan shows as documents read ≫ items due), the items it handled,
 * requests per second, the peak RSS, and the requests at 1,000,000 members in hours at 30 req/s.
 * Figures, not a test: no thresholds; the machine is shared and noisy (the load average is printed).
 *
 * The data is written straight into the store (one SQLite transaction per batch; registering a
 * million members through the functions would take hours), as clones of documents the functions
 * themselves wrote (a member through `member.join`, a coupon through the coupon engine, a ledger
 * entry through `commitPoints`), with a sample parsed by the zod schemas. Each job's due share is one
 * line of `DUE` below; a job added to `shared/schedule.ts` is run here without a line (its data, if it
 * needs its own, is one more line in `seedMember`).
 *
 * Jobs run unpaced (`HY_JOB_ITEMS_PER_SECOND=Infinity`) with 16 items at once (`HY_JOB_CONCURRENCY`),
 * on a durable store (each write flushed before it is acknowledged; `BENCH_DURABLE=0` for none): the figures are what the
 * engine does; the cloud's pace is the request budget. `BENCH_JOBS=birthday,checkin-reminder` picks jobs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalCloud } from '../local-cloud/services';
import type { Doc } from '../local-cloud/store';
import { runScheduledJob } from '../cloudfunctions/_lib/jobs';
import { issueCoupon } from '../cloudfunctions/_lib/coupons/coupons';
import { addBusinessDays, businessDate, startOfBusinessDate } from '../shared/calendar';
import { DEFAULT_ENGAGEMENT_SETTINGS } from '../shared/rules/engagement';
import { memberDocSchema } from '../shared/schemas/member';
import { JOB_NAMES, type JobName } from '../shared/schedule';
import { BOSS, seedStores } from './seed';

const N = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
process.env.HY_JOB_ITEMS_PER_SECOND = 'Infinity';
process.env.HY_JOB_CONCURRENCY ??= '16';

/**
 * The due share of each job on the benched day: what a real membership would see on a busy day.
 * A member takes part when `i % every === 0` (or by its spread date for the date-driven jobs).
 */
const DUE = {
  /** a pending lot maturing today (and so due for reconciliation): 5 % */
  nightlyEvery: 20,
  /** of those, one in two already has a verified checkpoint from an earlier night */
  checkpointEvery: 40,
  /** the monthly tier review: the members above the base tier, 5 % (due on the review day) */
  tierEvery: 20,
  /** one coupon for every other member, ends spread over ±90 days: ~1/181 of them end today */
  couponEvery: 2,
  /** opted in to check-in reminders, not checked in today: 2 % */
  checkinEvery: 50,
  /** holds a subscribe credit for each template: one in three */
  creditEvery: 3,
};
const LOTS = 10;

const TEMPLATES = [
  { templateId: 'LOCAL_TPL_BIRTHDAY', title: '会员生日提醒', purpose: 'birthday', fields: ['name1', 'thing2', 'date3'] },
  { templateId: 'LOCAL_TPL_POINTS_EXPIRING', title: '积分到期提醒', purpose: 'points_expiry', fields: ['number1', 'date2', 'thing3'] },
  { templateId: 'benchCouponExpiry01', title: '优惠券到期提醒', purpose: 'coupon_expiry', fields: ['thing1', 'date2'] },
  { templateId: 'benchCheckinRemind1', title: '签到提醒', purpose: 'checkin_reminder', fields: ['thing1', 'date2'] },
] as const;

const f1 = (x: number) => x.toFixed(1);
const f0 = (x: number) => x.toFixed(0);
const mib = (bytes: number) => `${f0(bytes / 2 ** 20)} MiB`;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function ok<T>(cloud: LocalCloud, fn: string, data: Record<string, unknown>, openid: string): Promise<T> {
  const r = (await cloud.invoke(fn, data, { openid })) as { ok: boolean; data: T };
  if (!r.ok) throw new Error(`${fn}.${String(data.action)}: ${JSON.stringify(r)}`);
  return r.data;
}

interface Shapes {
  member: Doc;
  entry: Doc;
  coupon: Doc;
  couponTemplateId: string;
}

/** One of each document, written by the functions themselves; the bulk data is cloned from them. */
async function realShapes(cloud: LocalCloud, now: Date): Promise<Shapes> {
  seedStores(cloud);
  for (const t of TEMPLATES) await ok(cloud, 'marketing', { action: 'registerTemplate', ...t, fields: t.fields.map((key) => ({ key, label: key })) }, BOSS);
  const { templateId } = await ok<{ templateId: string }>(
    cloud,
    'coupon',
    {
      action: 'createTemplate',
      title: '生日礼券',
      kind: 'cash',
      thresholdFen: 0,
      valueFen: 1000,
      validity: { type: 'relative', days: 30 },
      stock: 10_000_000,
      perMemberLimit: 5,
      channels: ['birthday'],
    },
    BOSS,
  );
  await ok(
    cloud,
    'marketing',
    {
      action: 'updateSettings',
      expectedVersion: 0,
      settings: { ...DEFAULT_ENGAGEMENT_SETTINGS, birthday: { ...DEFAULT_ENGAGEMENT_SETTINGS.birthday, couponTemplateId: templateId } },
    },
    BOSS,
  );
  const { memberId } = await ok<{ memberId: string }>(cloud, 'member', { action: 'join', agree: true }, 'bench-shape');
  await ok(cloud, 'points', { action: 'adjustPoints', memberId, delta: 100, reason: '样本', requestId: 'bench-shape-0001' }, BOSS);
  await issueCoupon({ templateId, memberId, key: 'bench-shape', channel: 'birthday', now });
  const member = cloud.store.get('members', memberId)!.doc;
  memberDocSchema.parse(member); // the clone's source is a valid member
  const entry = cloud.store.scanByField('ledger', 'memberId', memberId).find((e) => e.doc.kind === 'adjust')!.doc;
  const coupon = cloud.store.scanByField('coupons', 'memberId', memberId)[0].doc;
  return { member, entry, coupon, couponTemplateId: templateId };
}

function seed(cloud: LocalCloud, shapes: Shapes, now: Date): void {
  const today = businessDate(now);
  const yesterday = addBusinessDays(today, -1);
  const insert = (coll: string, doc: Doc) => cloud.store.insert(coll, doc);
  const entry = (id: string, memberId: string, delta: number, pendingDelta: number, balanceAfter: number, pendingAfter: number, createdAt: Date): Doc => ({
    ...shapes.entry,
    _id: id,
    memberId,
    kind: 'earn',
    delta,
    pendingDelta,
    balanceAfter,
    pendingAfter,
    reason: '消费',
    ref: { type: 'order', id },
    createdAt,
  });

  function seedMember(i: number): void {
    const id = `b${String(i).padStart(7, '0')}`;
    const due = i % DUE.nightlyEvery === 0;
    // lots expire through the year: ~10 × 2/365 ≈ 5.5 % of members hold one expiring in 30 or in 7 days
    const lots = Array.from({ length: LOTS }, (_, k) => ({
      id: `seed:${i}:${k}`,
      remaining: 10,
      earnedOn: addBusinessDays(today, -30 - k),
      expiresOn: addBusinessDays(today, 1 + ((i * 7 + k * 37) % 365)),
    }));
    const pendingLots = due
      ? [{ id: `order:seed:${i}:earn`, amount: 10, earnedOn: yesterday, maturesOn: today, expiresOn: addBusinessDays(today, 365), held: false }]
      : [];
    const firstExpiry = lots.map((l) => l.expiresOn).sort()[0];
    const month = (i % 12) + 1;
    const day = (Math.floor(i / 12) % 28) + 1;
    const above = i % DUE.tierEvery === 0;
    const member: Doc = {
      ...shapes.member,
      _id: id,
      openid: `o-${id}`,
      cardNo: `8${String(i).padStart(11, '0')}`,
      nickname: `会员${i}`,
      tierId: above ? 'silver' : shapes.member.tierId,
      growth: above ? 1500 : i % 500,
      registeredAt: new Date(now.getTime() - (i % 700) * 86_400_000 - 3_600_000),
      birthday: { month, day },
      birthdayMD: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      tierReviewDueOn: above ? today : i % 500 > 0 ? addBusinessDays(today, 20) : null,
      points: {
        ...(shapes.member.points as object),
        available: LOTS * 10,
        pending: due ? 10 : 0,
        lots,
        pendingLots,
        debt: 0,
        nextEventOn: due ? today : firstExpiry,
        earnedDays: [],
        seq: LOTS + 1,
        reconcileDue: due,
      },
    };
    // the ledger behind the balance: an entry per lot (and the pending earn) for the members the night
    // reconciles; one summary entry for the others, which the night never reads (keeps the seed quick)
    if (due) {
      for (let k = 0; k < LOTS; k += 1) insert('ledger', entry(`seed:${i}:${k}`, id, 10, 0, 10 * (k + 1), 0, new Date(now.getTime() - (30 + k) * 86_400_000)));
      insert('ledger', entry(`order:seed:${i}:earn`, id, 0, 10, LOTS * 10, 10, new Date(now.getTime() - 86_400_000)));
      if (i % DUE.checkpointEvery === 0) {
        const through = new Date(now.getTime() - 2 * 86_400_000);
        member.ledgerCheckpoint = { through, seq: LOTS, verifiedAt: through, delta: LOTS * 10, pending: 0, entries: LOTS };
      }
    } else insert('ledger', entry(`seed:${i}:all`, id, LOTS * 10, 0, LOTS * 10, 0, new Date(now.getTime() - 30 * 86_400_000)));
    insert('members', member);
    if (i % DUE.couponEvery === 0) {
      // ends spread over ±90 days; those ended before today were expired by earlier nights
      const offset = ((i * 13) % 181) - 90;
      const endsAt = startOfBusinessDate(addBusinessDays(today, offset));
      insert('coupons', {
        ...shapes.coupon,
        _id: `cp-${id}`,
        memberId: id,
        issueKey: `bench:${id}`,
        status: offset < 0 ? 'expired' : 'unused',
        endsAt,
        startsAt: new Date(endsAt.getTime() - 30 * 86_400_000),
      });
    }
    if (i % DUE.checkinEvery === 0)
      insert('checkin_state', { _id: id, memberId: id, lastDay: yesterday, streak: 3, longest: 3, total: 3, remind: true, updatedAt: now });
    if (i % DUE.creditEvery === 0)
      for (const t of TEMPLATES)
        insert('subscribe_credits', {
          _id: `${id}:${t.templateId}`,
          memberId: id,
          templateId: t.templateId,
          credits: 1,
          accepted: 1,
          consumed: 0,
          updatedAt: now,
        });
  }

  const BATCH = 10_000;
  for (let start = 0; start < N; start += BATCH)
    cloud.store.atomically(() => {
      for (let i = start; i < Math.min(N, start + BATCH); i += 1) seedMember(i);
    });
  // The tier engine's one-time backfill ran long ago (it walks every member once).
  insert('job_runs', {
    _id: 'tier-review-backfill:v1',
    job: 'tier-review-backfill',
    status: 'done',
    step: 1,
    cursor: null,
    chunks: 0,
    scanned: N,
    set: 0,
    updatedAt: now,
  });
  cloud.store.analyze();
}

/** `BENCH_PROFILE=<dir>`: a CPU profile of each job alone (not the seed), for `--cpu-prof`-style analysis. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const inspector = await import('node:inspector/promises');
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async (file) => {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-jobs-bench-'));
  const cloud = new LocalCloud({
    file: path.join(dir, 'bench.sqlite'),
    functionSource: 'source',
    durable: process.env.BENCH_DURABLE !== '0',
    faults: { conflict: 0, transient: 0, lostReply: 0 },
  });
  const now = new Date();
  const today = businessDate(now);
  console.log(
    `jobs bench ${now.toISOString()}: ${N.toLocaleString('en')} members, ${os.cpus()[0]?.model}, ${os.cpus().length} cores, node ${process.version}, load ${load()}, today ${today} (Asia/Shanghai)`,
  );

  const t0 = performance.now();
  const shapes = await realShapes(cloud, now);
  seed(cloud, shapes, now);
  const sizes = ['members', 'ledger', 'coupons', 'checkin_state', 'subscribe_credits'].map((c) => `${cloud.store.count(c).toLocaleString('en')} ${c}`);
  console.log(`seeded in ${f1((performance.now() - t0) / 1000)} s: ${sizes.join(', ')}; rss ${mib(process.memoryUsage().rss)}, load ${load()}`);

  // ---- the documents the store reads to answer (decoded rows): an exact indexed query reads what it answers, a scan reads everything
  let docsRead = 0;
  const store = cloud.store;
  const get = store.get.bind(store);
  store.get = (coll, id) => {
    const r = get(coll, id);
    if (r) docsRead += 1;
    return r;
  };
  const selectAll = store.selectAll.bind(store);
  store.selectAll = (coll, q) => {
    const r = selectAll(coll, q);
    docsRead += r.length;
    return r;
  };
  const select = store.select.bind(store);
  store.select = function* (coll, q) {
    for (const r of select(coll, q)) {
      docsRead += 1;
      yield r;
    }
  };
  const requests = () => [...cloud.database.requestCounts.values()].reduce((a, b) => a + b, 0);

  const only = process.env.BENCH_JOBS?.split(',');
  const jobs: JobName[] = JOB_NAMES.filter((j) => !only || only.includes(j));
  const header = ['job', 'wall s', 'cpu s', 'requests', 'docs read', 'items', 'req/item', 'req/s', 'peak rss', 'at 1M: requests, h at 30 req/s'];
  const rows: string[][] = [];
  for (const job of jobs) {
    docsRead = 0;
    const r0 = requests();
    const cpu0 = process.cpuUsage();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const profiler = process.env.BENCH_PROFILE ? await startProfile() : null;
    const t = performance.now();
    // Through the scheduler (its lease and run record: a few requests more), as the timer runs it.
    const out = await runScheduledJob(job, now, { itemsPerSecond: Infinity, budgetMs: 6 * 3_600_000, chunkSize: 100 });
    const s = (performance.now() - t) / 1000;
    clearInterval(sampler);
    if (profiler) await profiler(path.join(process.env.BENCH_PROFILE as string, `${job}.cpuprofile`));
    peak = Math.max(peak, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpu0);
    const req = requests() - r0;
    const items = out.processed + out.skipped;
    const at1M = (req * 1_000_000) / N;
    const row = [
      job,
      f1(s),
      f1((cpu.user + cpu.system) / 1e6),
      String(req),
      String(docsRead),
      String(items),
      items ? f1(req / items) : '—',
      f0(req / s),
      mib(peak),
      `${(at1M / 1e6).toFixed(2)} M, ${f1(at1M / 30 / 3600)} h`,
    ];
    rows.push(row);
    console.log(
      `${job}: ${row.slice(1).join(' | ')}; ${out.status}, failures ${out.errors}, counters ${JSON.stringify(out.counters).slice(0, 200)}; load ${load()}`,
    );
  }
  console.log(`\n## Jobs bench ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${N.toLocaleString('en')} members, load ${load()}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  cloud.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
