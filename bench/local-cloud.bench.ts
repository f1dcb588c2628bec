/**
 * `npm run bench`: every performance figure of issue 10 in one run, each beside its reference (the
 * figure the issue measured before the work) and its goal. Figures and ratios only, never pass/fail:
 * the machine is shared and noisy; compare runs. Sized to finish in a few minutes on 2 cores
 * (BENCH_SCALE=0.2 for a quick look; the tables in docs/performance.md are at scale 1).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { LocalCloud } from '../local-cloud/services';
import { FUNCTIONS_DIST, PROJECT_ROOT } from '../local-cloud/runtime';
import type { Doc } from '../local-cloud/store';
import { inTransaction, txGet } from '../cloudfunctions/_lib/platform/db';
import type { CollectionName } from '../shared/schemas/collections';
import { runScheduledJob } from '../cloudfunctions/_lib/jobs';
import type { NightlyCounters } from '../shared/contracts/points';
import { businessDate, addBusinessDays } from '../shared/calendar';
import { BOSS, BENCH_STORES, clerkOf, orderInput, seedStores } from './seed';
import { claimCouponsToVerify } from '../tests/support/coupon-kit';

/** Members the nightly job works on at once (HY_JOB_CONCURRENCY), so their commits share fsyncs. */
const JOB_CONCURRENCY = 16;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));

interface Row {
  section: string;
  figure: string;
  value: string;
  reference: string;
  goal: string;
}
const rows: Row[] = [];
function row(section: string, figure: string, value: string, reference = '', goal = '') {
  rows.push({ section, figure, value, reference, goal });
  console.log(`  ${figure.padEnd(58)} ${value.padStart(22)}   ref ${reference || '—'}   goal ${goal || '—'}`);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const f3 = (n: number) => n.toFixed(3);

/** Runs `fn` n times in sequence: operations per second. */
async function rate(n: number, fn: (i: number) => unknown): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i += 1) await fn(i);
  return (n / (performance.now() - t)) * 1000;
}
function rateSync(n: number, fn: (i: number) => unknown): number {
  const t = performance.now();
  for (let i = 0; i < n; i += 1) fn(i);
  return (n / (performance.now() - t)) * 1000;
}

function tmpdir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `huiyuan-perfbench-${tag}-`));
}

function openCloud(dir: string): LocalCloud {
  return new LocalCloud({ file: path.join(dir, 'cloud.sqlite'), functionSource: 'source', durable: true, faults: { conflict: 0, transient: 0, lostReply: 0 } });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkDb = () => (require('wx-server-sdk') as { database(): SdkDb }).database();
interface SdkQuery {
  where(q: object): SdkQuery;
  limit(n: number): SdkQuery;
  orderBy(f: string, d: string): SdkQuery;
  get(): Promise<{ data: unknown[] }>;
  count(): Promise<{ total: number }>;
}
interface SdkDb {
  collection(name: string): SdkQuery & { doc(id: string): { get(): Promise<unknown> } };
}

// ---------------------------------------------------------------- 1. the store against raw better-sqlite3

async function storeVsRaw() {
  console.log(
    '\n1. store ÷ raw better-sqlite3 (same machine; raw: WAL, synchronous=FULL; the store: WAL, NORMAL and its own flush before each acknowledgement: both durable)',
  );
  const dir = tmpdir('store');
  const cloud = openCloud(dir);
  const raw = new Database(path.join(dir, 'raw.sqlite'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.exec(`
    CREATE TABLE members (id TEXT PRIMARY KEY, openid TEXT NOT NULL UNIQUE, body TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE orders (id TEXT PRIMARY KEY, member_id TEXT NOT NULL, paid_at TEXT NOT NULL, body TEXT NOT NULL) WITHOUT ROWID;
    CREATE INDEX orders_member_paid ON orders (member_id, paid_at);
    CREATE TABLE counters (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
  `);
  const ROWS = 50_000;
  const MEMBERS_WITH_ORDERS = 2_500; // 20 orders each
  const member = (i: number) => ({
    _id: `m${i}`,
    openid: `o${i}`,
    cardNo: `c${i}`,
    tierId: ['normal', 'silver', 'gold', 'black'][i % 4],
    nickname: '微信用户',
    growth: i % 5000,
    points: { available: 100, pending: 0, lots: [], pendingLots: [], debt: 0, nextEventOn: null, seq: 1, reconcileDue: false },
    registeredAt: new Date(1767225600000 + i * 1000),
  });
  const order = (i: number) => ({
    _id: `o${i}`,
    memberId: `m${i % MEMBERS_WITH_ORDERS}`,
    storeId: `s${i % 20}`,
    receiptNo: `r${i}`,
    amountFen: 25600,
    items: [{ sku: 'COF-LAT', category: 'coffee', priceFen: 3200, quantity: 8 }],
    paidAt: new Date(1767225600000 + i * 60_000).toISOString(),
    createdAt: new Date(1767225600000 + i * 60_000),
  });
  cloud.store.atomically(() => {
    for (let i = 0; i < ROWS; i += 1) {
      cloud.store.insert('members', member(i) as Doc);
      cloud.store.insert('orders', order(i) as Doc);
    }
  });
  cloud.store.analyze();
  raw.transaction(() => {
    const im = raw.prepare('INSERT INTO members VALUES (?, ?, ?)');
    const io = raw.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)');
    for (let i = 0; i < ROWS; i += 1) {
      const m = member(i);
      im.run(m._id, m.openid, JSON.stringify(m));
      const o = order(i);
      io.run(o._id, o.memberId, o.paidAt, JSON.stringify(o));
    }
  })();
  raw.exec('ANALYZE');

  // a durable read-modify-write transaction on one document
  const db = sdkDb();
  await (db as unknown as { createCollection(n: string): Promise<unknown> }).createCollection('bench_counters');
  for (let i = 0; i < 100; i += 1) cloud.store.insert('bench_counters', { _id: `c${i}`, n: 0 });
  raw.transaction(() => {
    for (let i = 0; i < 100; i += 1) raw.prepare('INSERT INTO counters VALUES (?, ?)').run(`c${i}`, JSON.stringify({ _id: `c${i}`, n: 0 }));
  })();
  const increment = (id: string) =>
    inTransaction(async (t) => {
      // the bench's own collection, none of ours: the helpers are typed for ours (typed-db.ts)
      const c = await txGet<{ n: number }>(t, 'bench_counters' as CollectionName, id);
      await (t as unknown as { collection(name: string): { doc(id: string): { update(o: { data: object }): Promise<unknown> } } })
        .collection('bench_counters')
        .doc(id)
        .update({ data: { n: (c?.n ?? 0) + 1 } });
    });
  const getC = raw.prepare('SELECT body FROM counters WHERE id = ?');
  const putC = raw.prepare('UPDATE counters SET body = ? WHERE id = ?');
  const rawIncrement = raw.transaction((id: string) => {
    const c = JSON.parse((getC.get(id) as { body: string }).body) as { n: number };
    putC.run(JSON.stringify({ ...c, n: c.n + 1 }), id);
  });
  const TX = scaled(400);
  const ourTx = await rate(TX, (i) => increment(`c${i % 100}`));
  const rawTx = rateSync(TX, (i) => rawIncrement.immediate(`c${i % 100}`));
  row('store', 'durable transaction (read+update one doc), sequential', `${f0(ourTx)} /s vs ${f0(rawTx)} /s = ${f2(ourTx / rawTx)}`, '0.39', '≥ 0.25');
  // 100 concurrent transactions on 100 documents: their commits group into shared fsyncs
  const CONC = scaled(2000);
  const t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 100 }, async (_, w) => {
      while (next < CONC) {
        next += 1;
        await increment(`c${w}`);
      }
    }),
  );
  const ourConc = (CONC / (performance.now() - t)) * 1000;
  row('store', 'durable transactions, 100 concurrent (group commit)', `${f0(ourConc)} /s = ${f2(ourConc / rawTx)} of raw sequential`, '', '');

  // indexed lookups: through wx-server-sdk as a function does, and at the store's executor
  const N = scaled(3000);
  const getMember = raw.prepare('SELECT body FROM members WHERE openid = ?');
  const rawUnique = rateSync(N * 10, (i) => JSON.parse((getMember.get(`o${(i * 7) % ROWS}`) as { body: string }).body));
  const sdkUnique = await rate(N, (i) =>
    db
      .collection('members')
      .where({ openid: `o${(i * 7) % ROWS}` })
      .get(),
  );
  const exec = cloud.database;
  const q = (coll: string, query: object, extra: Record<string, unknown> = {}) => ({
    collectionName: coll,
    query: JSON.stringify(query),
    queryType: 'WHERE',
    ...extra,
  });
  const execUnique = await rate(N * 3, (i) => exec.handle('database.getDocument', q('members', { openid: `o${(i * 7) % ROWS}` }, { limit: 1 })));
  row(
    'store',
    `indexed lookup, unique (members.openid, ${ROWS} rows): store executor`,
    `${f0(execUnique)} /s = ${f3(execUnique / rawUnique)}`,
    '0.085',
    '≥ 0.25 (within 4×)',
  );
  row('store', '  … through wx-server-sdk (the SDK’s own cost included)', `${f0(sdkUnique)} /s = ${f3(sdkUnique / rawUnique)}`, '', '');
  const getOrders = raw.prepare('SELECT body FROM orders WHERE member_id = ? ORDER BY id LIMIT 100');
  const rawMulti = rateSync(N * 3, (i) => (getOrders.all(`m${(i * 7) % MEMBERS_WITH_ORDERS}`) as { body: string }[]).map((r) => JSON.parse(r.body)));
  const execMulti = await rate(N, (i) => exec.handle('database.getDocument', q('orders', { memberId: `m${(i * 7) % MEMBERS_WITH_ORDERS}` })));
  const sdkMulti = await rate(N, (i) =>
    db
      .collection('orders')
      .where({ memberId: `m${(i * 7) % MEMBERS_WITH_ORDERS}` })
      .get(),
  );
  row(
    'store',
    `indexed lookup, non-unique (orders.memberId → 20 of ${ROWS}): executor`,
    `${f0(execMulti)} /s = ${f3(execMulti / rawMulti)}`,
    '0.0006',
    '≥ 0.25 (within 4×)',
  );
  row('store', '  … through wx-server-sdk', `${f0(sdkMulti)} /s = ${f3(sdkMulti / rawMulti)}`, '', '');
  const countOrders = raw.prepare('SELECT count(*) AS n FROM orders WHERE member_id = ?');
  const rawCount = rateSync(N * 10, (i) => countOrders.get(`m${(i * 7) % MEMBERS_WITH_ORDERS}`));
  const execCount = await rate(N * 3, (i) => exec.handle('database.calculateDocument', q('orders', { memberId: `m${(i * 7) % MEMBERS_WITH_ORDERS}` })));
  const sdkCount = await rate(N, (i) =>
    db
      .collection('orders')
      .where({ memberId: `m${(i * 7) % MEMBERS_WITH_ORDERS}` })
      .count(),
  );
  row('store', 'count (orders of one member): executor', `${f0(execCount)} /s = ${f3(execCount / rawCount)}`, '', '');
  row('store', '  … through wx-server-sdk', `${f0(sdkCount)} /s = ${f3(sdkCount / rawCount)}`, '', '');
  cloud.close();
  raw.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 2. requests per business action

async function requestsPerAction() {
  console.log('\n2. database requests per business action (each one billed on the cloud; basic plan 30/s)');
  const dir = tmpdir('requests');
  const cloud = openCloud(dir);
  seedStores(cloud);
  const measure = async (fn: string, data: Record<string, unknown>, openid: string) => {
    const { result, usage } = await cloud.invokeMeasured(fn, data, { openid });
    if (!(result as { ok: boolean }).ok) throw new Error(`${fn}.${String(data.action)}: ${JSON.stringify(result)}`);
    return { data: (result as { data: Record<string, unknown> }).data, requests: usage.requests };
  };
  await measure('member', { action: 'joinStatus' }, 'bench-r0'); // a warm instance, as a live one is
  const first = await measure('member', { action: 'join', agree: true }, 'bench-r1');
  row('requests', 'member.join (开卡: registers; getCard no longer does)', String(first.requests), '11', '≤ 3');
  const again = await measure('member', { action: 'getCard' }, 'bench-r1');
  row('requests', 'member.getCard, returning', String(again.requests), '', '');
  const memberId = String(first.data.memberId);
  row('requests', 'member.myRole (staff)', String((await measure('member', { action: 'myRole' }, clerkOf(0))).requests), '', '');
  await measure('points', orderInput(memberId, 0, 'RQ-0'), clerkOf(0)); // warm the instance's caches, as a live one is
  const ord = await measure('points', orderInput(memberId, 0, 'RQ-1'), clerkOf(0));
  row('requests', 'points.recordOrder', String(ord.requests), '17', '≤ 6 (≤ 4 stretch)');
  const code = await measure('member', { action: 'getMemberCode' }, 'bench-r1');
  row(
    'requests',
    'member.identifyByCode (staff)',
    String((await measure('member', { action: 'identifyByCode', code: String(code.data.code) }, clerkOf(0))).requests),
    '',
    '',
  );
  const red = await measure('points', { action: 'redeemPoints', memberId, amount: 10, requestId: 'bench-redeem-1', reason: '兑换测试' }, clerkOf(0));
  row('requests', 'points.redeemPoints (staff: identified this shift)', String(red.requests), '', '≤ 4');
  await measure('points', { action: 'getRules' }, BOSS); // the merchant's role kept, as a working console has it
  const redBoss = await measure('points', { action: 'redeemPoints', memberId, amount: 10, requestId: 'bench-redeem-2', reason: '兑换测试' }, BOSS);
  row('requests', 'points.redeemPoints (merchant)', String(redBoss.requests), '', '≤ 4');
  const ref = await measure('points', { action: 'refundOrder', orderId: 'pos:store-b00:RQ-1', refundId: 'bench-refund-1', amountFen: 3200 }, clerkOf(0));
  row('requests', 'points.refundOrder', String(ref.requests), '', '');
  const adj = await measure('points', { action: 'adjustPoints', memberId, delta: 5, requestId: 'bench-adjust-1', reason: '补偿测试' }, BOSS);
  row('requests', 'points.adjustPoints (merchant)', String(adj.requests), '', '');
  row('requests', 'points.history', String((await measure('points', { action: 'history' }, 'bench-r1')).requests), '', '');
  await measure('member', { action: 'join', agree: true }, 'bench-r2');
  await measure('checkin', { action: 'checkIn' }, 'bench-r2'); // warm
  row('requests', 'checkin.checkIn', String((await measure('checkin', { action: 'checkIn' }, 'bench-r1')).requests), '', '≤ 4');
  const measuredData = async (fn: string, data: Record<string, unknown>, openid: string) => (await measure(fn, data, openid)).data;
  const { templateId, codes } = await claimCouponsToVerify(measuredData, BOSS, 'bench-r1', ['bench-claim-1', 'bench-claim-2']);
  await measure('coupon', { action: 'verify', code: codes[0] }, clerkOf(0)); // warm
  row('requests', 'coupon.verify (clerk)', String((await measure('coupon', { action: 'verify', code: codes[1] }, clerkOf(0))).requests), '', '≤ 4');
  const item = await measure(
    'mall',
    { action: 'createItem', kind: 'coupon', title: '满100减20 券', couponTemplateId: templateId, pointsPrice: 1, stock: 10, perMemberLimit: 5, category: '券' },
    BOSS,
  );
  await measure('mall', { action: 'listItems' }, 'bench-r1'); // warm
  row(
    'requests',
    'mall.redeem (a coupon item)',
    String((await measure('mall', { action: 'redeem', itemId: String(item.data.itemId), requestId: 'bench-mall-1' }, 'bench-r1')).requests),
    '',
    '≤ 4',
  );
  cloud.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 3. the nightly job at 100,000 members

async function nightlyAtScale() {
  const MEMBERS = scaled(100_000);
  const DUE = Math.round(MEMBERS / 5);
  const LOTS = 10;
  console.log(`\n3. nightly points job: ${MEMBERS} members of ${LOTS} lots each, ${DUE} with a lot maturing today`);
  const dir = tmpdir('nightly');
  const cloud = openCloud(dir);
  const now = new Date();
  const today = businessDate(now);
  const lot = (m: number, k: number) => ({
    id: `seed:${m}:${k}`,
    remaining: 10,
    earnedOn: addBusinessDays(today, -30 - k),
    expiresOn: addBusinessDays(today, 300 + k),
  });
  let t = performance.now();
  for (let start = 0; start < MEMBERS; start += 10_000) {
    cloud.store.atomically(() => {
      for (let i = start; i < Math.min(MEMBERS, start + 10_000); i += 1) {
        const due = i % 5 === 0;
        const id = `n${String(i).padStart(7, '0')}`;
        const lots = Array.from({ length: due ? LOTS - 1 : LOTS }, (_, k) => lot(i, k));
        const pendingLots = due
          ? [
              {
                id: `order:seed:${i}:earn`,
                amount: 10,
                earnedOn: addBusinessDays(today, -1),
                maturesOn: today,
                expiresOn: addBusinessDays(today, 365),
                held: false,
              },
            ]
          : [];
        const available = lots.length * 10;
        cloud.store.insert('members', {
          _id: id,
          openid: `bench-n${i}`,
          cardNo: `9${String(i).padStart(11, '0')}`,
          nickname: '微信用户',
          tierId: 'normal',
          growth: 0,
          points: {
            available,
            pending: due ? 10 : 0,
            lots,
            pendingLots,
            debt: 0,
            nextEventOn: due ? today : lots[0].expiresOn,
            earnedDays: [],
            seq: LOTS + 1,
            reconcileDue: due,
          },
          registeredAt: new Date(now.getTime() - 400 * 86_400_000),
        } as Doc);
        // the ledger behind the balance: one entry per lot for the members tonight sums (and the
        // pending earn); one entry for the rest, which tonight never reads (keeps the seed quick)
        if (due)
          lots.forEach((_lot, k) =>
            cloud.store.insert('ledger', {
              _id: `seed:${i}:${k}`,
              memberId: id,
              kind: 'earn',
              delta: 10,
              pendingDelta: 0,
              reason: '消费',
              ref: { type: 'order', id: `seed:${i}:${k}` },
              balanceAfter: 10 * (k + 1),
              pendingAfter: 0,
              createdAt: new Date(now.getTime() - (30 + k) * 86_400_000),
            } as Doc),
          );
        else
          cloud.store.insert('ledger', {
            _id: `seed:${i}:all`,
            memberId: id,
            kind: 'earn',
            delta: available,
            pendingDelta: 0,
            reason: '消费',
            ref: { type: 'order', id: `seed:${i}` },
            balanceAfter: available,
            pendingAfter: 0,
            createdAt: new Date(now.getTime() - 30 * 86_400_000),
          } as Doc);
        if (due)
          cloud.store.insert('ledger', {
            _id: `order:seed:${i}:earn`,
            memberId: id,
            kind: 'earn',
            delta: 0,
            pendingDelta: 10,
            reason: '消费',
            ref: { type: 'order', id: `seed:${i}` },
            balanceAfter: available,
            pendingAfter: 10,
            createdAt: new Date(now.getTime() - 86_400_000),
          } as Doc);
      }
    });
  }
  cloud.store.analyze();
  const seedMs = performance.now() - t;
  const before = [...cloud.database.requestCounts.values()].reduce((a, b) => a + b, 0);
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  // Unpaced: the figure is the local work per member; the cloud's pacing is the request budget below.
  const pacing = process.env.HY_JOB_ITEMS_PER_SECOND;
  process.env.HY_JOB_ITEMS_PER_SECOND = 'Infinity';
  t = performance.now();
  // Through the scheduler, as the timer runs it (its lease and run record: a few requests more).
  const job = await runScheduledJob('points-nightly', now, { budgetMs: 3_600_000, chunkSize: 200, concurrency: JOB_CONCURRENCY });
  const report = { ...(job.counters as unknown as NightlyCounters), status: job.status, failures: job.failures };
  process.env.HY_JOB_ITEMS_PER_SECOND = pacing;
  const ms = performance.now() - t;
  clearInterval(sampler);
  const requests = [...cloud.database.requestCounts.values()].reduce((a, b) => a + b, 0) - before;
  if (report.status !== 'done' || report.settled !== DUE || report.reconciled !== DUE || report.drifts.length)
    throw new Error(`nightly: ${JSON.stringify({ ...report, drifts: report.drifts.slice(0, 2), failures: report.failures?.slice(0, 2) })}`);
  const perMember = ms / DUE;
  const perReq = requests / DUE;
  row('nightly', `seed ${MEMBERS} members, ${MEMBERS * LOTS} lots, ${cloud.store.count('ledger')} entries (not timed below)`, `${f1(seedMs / 1000)} s`);
  row(
    'nightly',
    `night: ${DUE} settled + reconciled, ${JOB_CONCURRENCY} at once`,
    `${f1(ms / 1000)} s, ${f2(perMember)} ms/member`,
    '2 s per chunk to find due members at 100k',
    '',
  );
  row('nightly', 'requests per due member (settle + reconcile, chunk queries included)', f1(perReq), '', '');
  row('nightly', 'memory: rss at start → peak of the run', `${f0(rss0 / 2 ** 20)} → ${f0(peak / 2 ** 20)} MiB`, '', '≤ 512 MB');
  // Extrapolation: the per-member cost does not grow with the store (indexed cursors, checkpointed sums).
  for (const share of [0.05, 0.2, 1]) {
    const members = 1_000_000 * share;
    row('nightly', `1,000,000 members / 10,000,000 lots, ${share * 100}% due: local time`, `${f1((members * perMember) / 60_000)} min`, '', '≤ 5 min');
    row(
      'nightly',
      `  … on the cloud: requests, and hours at 30 req/s (all of the plan)`,
      `${f1((members * perReq) / 1e6)} M, ${f1((members * perReq) / 30 / 3600)} h`,
      '',
      'stated',
    );
  }
  cloud.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------- HTTP load (child servers)

interface Child {
  proc: ChildProcess;
  port: number;
  info: Record<string, unknown>;
}

function startChild(args: string[]): Promise<Child> {
  return new Promise((resolve, reject) => {
    // BENCH_CPU_PROF=<dir>: the server child writes a V8 CPU profile there (NODE_OPTIONS refuses --cpu-prof).
    const prof = process.env.BENCH_CPU_PROF;
    const [cmd, pre] = prof
      ? [process.execPath, ['--cpu-prof', '--cpu-prof-dir', prof, '--import', 'tsx']]
      : [path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [] as string[]];
    const proc = spawn(cmd, [...pre, path.join(__dirname, 'http-child.ts'), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LOCAL_CLOUD_QUIET: '1' },
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`child did not start: ${err}`)), 600_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (.*)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        const info = JSON.parse(m[1]) as Record<string, unknown>;
        resolve({ proc, port: info.port as number, info });
      }
    });
    proc.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('exit', (code) => code && reject(new Error(`child exited ${code}: ${err}`)));
  });
}

function stopChild(c: Child): Promise<void> {
  return new Promise((resolve) => {
    c.proc.on('exit', () => resolve());
    c.proc.kill('SIGTERM');
  });
}

/** One POST over a keep-alive agent: status, body and milliseconds. */
function post(
  agent: http.Agent,
  port: number,
  urlPath: string,
  body: unknown,
  cookie?: string,
): Promise<{ status: number; text: string; ms: number; cookie?: string }> {
  const data = JSON.stringify(body);
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(cookie ? { cookie } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - t,
            cookie: res.headers['set-cookie']?.[0]?.split(';')[0],
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The error code of an answer that is not ok (or its HTTP text when it is not an envelope). */
function codeOf(text: string): string {
  try {
    return String((JSON.parse(text) as { code?: unknown }).code ?? 'not an envelope');
  } catch {
    return 'not JSON';
  }
}

/** '' when every answer was ok, else how many were not and their codes, most frequent first. */
function notOk(codes: string[]): string {
  if (codes.length === 0) return '';
  const byCode = new Map<string, number>();
  for (const c of codes) byCode.set(c, (byCode.get(c) ?? 0) + 1);
  const list = [...byCode].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`);
  return `${codes.length} not ok (${list.join(', ')})`;
}

/** `total` requests over `connections` keep-alive connections, as fast as answered. */
async function closedLoop(connections: number, total: number, send: (agent: http.Agent, i: number) => Promise<{ ms: number; text: string }>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const lat: number[] = [];
  let next = 0;
  const failed: string[] = [];
  const t = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < total) {
        const i = next++;
        const r = await send(agent, i);
        lat.push(r.ms);
        if (!r.text.startsWith('{"ok":true')) failed.push(codeOf(r.text));
      }
    }),
  );
  const secs = (performance.now() - t) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { perSec: total / secs, p50: pct(lat, 50), p99: pct(lat, 99), failed: notOk(failed) };
}

/** `total` requests sent at `perSec` (open loop: a slow answer does not slow the arrivals). */
async function openLoop(perSec: number, total: number, send: (agent: http.Agent, i: number) => Promise<{ ms: number; text: string }>) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 200 });
  const lat: number[] = [];
  const failed: string[] = [];
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const due = t0 + (i * 1000) / perSec;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(agent, i).then((r) => {
        lat.push(r.ms);
        if (!r.text.startsWith('{"ok":true')) failed.push(codeOf(r.text));
      }),
    );
  }
  await Promise.all(pending);
  const secs = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { perSec: total / secs, p50: pct(lat, 50), p99: pct(lat, 99), failed: notOk(failed) };
}

async function login(port: number, role: string, openid: string): Promise<string> {
  const agent = new http.Agent();
  const r = await post(agent, port, '/api/login', { role, openid });
  agent.destroy();
  if (!r.cookie) throw new Error(`login failed: ${r.text}`);
  return r.cookie;
}

// ---------------------------------------------------------------- 4. the HTTP layer against a bare Node server

async function httpVsBare() {
  console.log('\n4. HTTP layer ÷ bare Node server: a trivial call (member.myRole of a consumer: one read), 100 connections, loopback');
  const TOTAL = scaled(6000);
  const bare = await startChild(['bare']);
  await closedLoop(100, 500, (a) => post(a, bare.port, '/api/fn/member', { action: 'myRole' })); // warm-up
  const b = await closedLoop(100, TOTAL, (a) => post(a, bare.port, '/api/fn/member', { action: 'myRole' }));
  await stopChild(bare);
  const ours = await startChild(['cloud', '10', '0']);
  const cookie = await login(ours.port, 'consumer', 'bench-http-consumer');
  await closedLoop(100, 500, (a) => post(a, ours.port, '/api/fn/member', { action: 'myRole' }, cookie));
  const o = await closedLoop(100, TOTAL, (a) => post(a, ours.port, '/api/fn/member', { action: 'myRole' }, cookie));
  await stopChild(ours);
  row('http', 'bare Node server (read JSON, answer JSON)', `${f0(b.perSec)} /s, p50 ${f1(b.p50)} ms`, '', '');
  row(
    'http',
    `local cloud, member.myRole (${String(ours.info.source)} functions)`,
    `${f0(o.perSec)} /s, p50 ${f1(o.p50)} ms${o.failed ? `, ${o.failed}` : ''}`,
    '',
    '',
  );
  row('http', 'cost of a trivial call: bare ÷ ours', `${f2(b.perSec / o.perSec)}×`, '8.5×', '≤ 2×');
}

// ---------------------------------------------------------------- 5. accruals over HTTP

async function accruals() {
  const MEMBERS = 2000;
  const ORDERS = scaled(100_000);
  console.log(`\n5. accruals over HTTP (points.recordOrder by the stores' clerks): ${MEMBERS} members, ${ORDERS} orders already stored`);
  const t = performance.now();
  const child = await startChild(['cloud', String(MEMBERS), String(ORDERS)]);
  row('accrual', 'seed (registrations through member.join, history cloned)', `${f1((performance.now() - t) / 1000)} s`);
  const memberIds = child.info.memberIds as string[];
  const cookies: string[] = [];
  for (let k = 0; k < BENCH_STORES; k += 1) cookies.push(await login(child.port, 'staff', clerkOf(k)));
  let seq = 0;
  const send = (members: string[]) => (agent: http.Agent, i: number) => {
    const n = seq++;
    const memberId = members[(i * 7919) % members.length];
    const store = n % BENCH_STORES;
    return post(agent, child.port, '/api/fn/points', orderInput(memberId, store, `B${n}`), cookies[store]);
  };
  await closedLoop(50, 300, send(memberIds)); // warm-up
  const N = scaled(3000);
  const sat = await closedLoop(100, N, send(memberIds));
  row(
    'accrual',
    '2,000 members, saturation (100 connections)',
    `${f0(sat.perSec)} /s, p50 ${f1(sat.p50)} ms, p99 ${f1(sat.p99)} ms${sat.failed ? `, ${sat.failed}` : ''}`,
    '32 /s',
    '1,000 /s',
  );
  const half = await openLoop(sat.perSec / 2, Math.min(N, Math.round(sat.perSec * 10)), send(memberIds));
  row(
    'accrual',
    `2,000 members, half load (${f0(sat.perSec / 2)} /s offered)`,
    `p50 ${f1(half.p50)} ms, p99 ${f1(half.p99)} ms${half.failed ? `, ${half.failed}` : ''}`,
    'p99 67 ms at 16 /s',
    'p99 25 ms',
  );
  const hot = memberIds.slice(0, 5);
  const h = await closedLoop(100, scaled(1000), send(hot));
  row('accrual', '5 hot members, 100 connections', `${f0(h.perSec)} /s, p50 ${f1(h.p50)} ms, p99 ${f1(h.p99)} ms${h.failed ? `, ${h.failed}` : ''}`, '', '');
  await stopChild(child);
}

// ---------------------------------------------------------------- 6. package sizes, 7. cold require

function dirSize(dir: string, skip: (rel: string) => boolean = () => false, base = dir): number {
  let total = 0;
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, d.name);
    const rel = path.relative(base, full);
    if (skip(rel)) continue;
    total += d.isDirectory() ? dirSize(full, skip, base) : fs.statSync(full).size;
  }
  return total;
}

async function packageSizes() {
  console.log('\n6. package sizes');
  const { buildFunctions } = await import('../scripts/build-functions');
  await buildFunctions();
  const weapp = path.join(PROJECT_ROOT, 'dist', 'weapp');
  if (fs.existsSync(path.join(weapp, 'app.json'))) {
    const app = JSON.parse(fs.readFileSync(path.join(weapp, 'app.json'), 'utf8')) as { subPackages?: { root: string }[]; subpackages?: { root: string }[] };
    const roots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((s) => s.root.replace(/\/$/, ''));
    const main = dirSize(weapp, (rel) => roots.some((r) => rel === r || rel.startsWith(`${r}/`)) || rel.endsWith('.map'));
    row('size', 'dist/weapp main package (no source maps)', `${f0(main / 1024)} KiB`, '', '≤ 2048 KiB (WeChat limit)');
    // WeChat's own view (miniprogram-ci analyseCode, the DevTools 代码依赖分析) and its code-quality check,
    // in a child process (its analyser leaves a file watcher behind).
    const ci = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/deploy/code-quality.ts', weapp], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    });
    const line = ci.stdout?.split('\n').find((l) => l.startsWith('CODE_QUALITY '));
    if (line) {
      const report = JSON.parse(line.slice('CODE_QUALITY '.length)) as { passed: number; checks: unknown[]; packages: Record<string, number> };
      for (const [pkg, bytes] of Object.entries(report.packages))
        row('size', `analyseCode package ${pkg}`, `${f0(bytes / 1024)} KiB`, '', pkg === 'main' ? '≤ 1536 KiB (code-quality bar)' : '≤ 2048 KiB');
      row('size', 'miniprogram-ci checkCodeQuality', `${report.passed} of ${report.checks.length}`, '7 of 11 before issue 27', '11 of 11');
    } else {
      row('size', 'miniprogram-ci analyseCode', `failed: ${(ci.stderr ?? '').slice(0, 80)}`);
    }
  } else {
    row('size', 'dist/weapp main package', 'not built (npm run build:weapp)');
  }
  for (const fn of fs.readdirSync(FUNCTIONS_DIST).filter((f) => fs.existsSync(path.join(FUNCTIONS_DIST, f, 'index.js')))) {
    row('size', `function bundle ${fn}/index.js`, `${f0(fs.statSync(path.join(FUNCTIONS_DIST, fn, 'index.js')).size / 1024)} KiB`);
  }
}

/**
 * What the cloud's runtime (SCF) sets for every function. Our bundle's top level calls `cloud.init()`;
 * off the cloud (no TENCENTCLOUD_RUNENV), @cloudbase/node-sdk then probes metadata.tencentyun.com
 * through axios to learn whether it runs on Tencent Cloud, which a function on the cloud never does
 * and which was about half of "ours" here. Region and namespace keep init from logging their absence.
 */
const CLOUD_RUNTIME_ENV = { TENCENTCLOUD_RUNENV: 'SCF', TENCENTCLOUD_REGION: 'ap-shanghai', SCF_NAMESPACE: 'local' };

function coldRequire() {
  console.log('\n7. cold require of each built function (fresh process with the cloud runtime variables, median of 5): wx-server-sdk, then our bundle on top');
  const script = (file: string) => `
    const t0 = process.hrtime.bigint();
    require('wx-server-sdk');
    const t1 = process.hrtime.bigint();
    require(${JSON.stringify(file)});
    const t2 = process.hrtime.bigint();
    console.log(JSON.stringify({ sdk: Number(t1 - t0) / 1e6, ours: Number(t2 - t1) / 1e6 }));`;
  for (const fn of fs.readdirSync(FUNCTIONS_DIST).filter((f) => fs.existsSync(path.join(FUNCTIONS_DIST, f, 'index.js')))) {
    const runs = Array.from({ length: 5 }, () => {
      const r = spawnSync(process.execPath, ['-e', script(path.join(FUNCTIONS_DIST, fn, 'index.js'))], {
        cwd: path.join(FUNCTIONS_DIST, fn),
        encoding: 'utf8',
        env: { ...process.env, ...CLOUD_RUNTIME_ENV },
      });
      return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { sdk: number; ours: number };
    });
    const sdk = runs.map((r) => r.sdk).sort((a, b) => a - b)[2];
    const ours = runs.map((r) => r.ours).sort((a, b) => a - b)[2];
    row(
      'cold',
      `${fn}: wx-server-sdk + ours`,
      `${f0(sdk)} + ${f1(ours)} ms (ours ÷ sdk ${(ours / sdk).toFixed(3)})`,
      '250–315 ms in all (sdk 287)',
      'ours ≤ 50 ms',
    );
  }
}

function printMarkdown(started: Date, seconds: number) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\n## Bench ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${cpu}, ${os.cpus().length} cores, ${f0(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${os.loadavg().map(f2).join(' ')}, ${f0(seconds)} s${SCALE !== 1 ? `, BENCH_SCALE=${SCALE}` : ''}\n`,
  );
  console.log('| figure | measured | reference (issue 10) | goal |');
  console.log('| --- | --- | --- | --- |');
  for (const r of rows) console.log(`| ${r.figure.replace(/\|/g, '/')} | ${r.value} | ${r.reference || '—'} | ${r.goal || '—'} |`);
}

async function main() {
  const started = new Date();
  const t = performance.now();
  console.log(
    `huiyuan bench, ${started.toISOString()}, ${os.cpus()[0]?.model}, ${os.cpus().length} cores, node ${process.version}, load ${os.loadavg().map(f2).join(' ')}`,
  );
  const only = process.env.BENCH_ONLY?.split(',');
  const sections: Array<[string, () => unknown]> = [
    ['store', storeVsRaw],
    ['requests', requestsPerAction],
    ['nightly', nightlyAtScale],
    ['http', httpVsBare],
    ['accrual', accruals],
    ['size', packageSizes],
    ['cold', coldRequire],
  ];
  for (const [name, run] of sections) if (!only || only.includes(name)) await run();
  printMarkdown(started, (performance.now() - t) / 1000);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
