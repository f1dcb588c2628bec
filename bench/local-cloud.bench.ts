/**
 * `npm run bench`: figures for the local cloud and the member path. Prints numbers and ratios;
 * no thresholds (these machines are shared and noisy), compare runs instead.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalCloud } from '../local-cloud/local-cloud';
import { inTransaction, txGet } from '../cloudfunctions/_lib/db';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timeEach(n: number, fn: (i: number) => Promise<unknown>) {
  const lat: number[] = [];
  const start = performance.now();
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    await fn(i);
    lat.push(performance.now() - t);
  }
  const total = performance.now() - start;
  lat.sort((a, b) => a - b);
  return { opsPerSec: (n / total) * 1000, p50: percentile(lat, 50), p95: percentile(lat, 95) };
}

const fmt = (r: { opsPerSec: number; p50: number; p95: number }) => `${r.opsPerSec.toFixed(0).padStart(7)} ops/s   p50 ${r.p50.toFixed(2)} ms   p95 ${r.p95.toFixed(2)} ms`;

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-bench-'));
  const durable = process.env.BENCH_DURABLE !== '0';
  const cloud = new LocalCloud({ file: path.join(dir, 'bench.sqlite'), functionSource: 'source', durable, faults: { conflict: 0, transient: 0, lostReply: 0 } });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const db = (require('wx-server-sdk') as { database(): any }).database();
  const requests = () => [...cloud.database.requestCounts.values()].reduce((a, b) => a + b, 0);
  console.log(`local cloud bench (${durable ? 'durable commits, synchronous=FULL' : 'synchronous=NORMAL'}), node ${process.version}, ${os.cpus().length} cores`);

  const N = Number(process.env.BENCH_N ?? 400);
  const reg = await timeEach(N, (i) => cloud.invoke('member', { action: 'join', agree: true }, { openid: `bench-${i}` }));
  console.log(`member.getCard, first open (registers)   ${fmt(reg)}`);
  let before = requests();
  const card = await timeEach(N, (i) => cloud.invoke('member', { action: 'join', agree: true }, { openid: `bench-${i}` }));
  console.log(`member.getCard, returning member         ${fmt(card)}   db requests/call ${((requests() - before) / N).toFixed(1)}`);

  await db.createCollection('bench_counters');
  await db.collection('bench_counters').add({ data: { _id: 'c', n: 0 } });
  before = requests();
  const tx = await timeEach(N, () =>
    inTransaction(async (t) => {
      const c = await txGet<{ n: number }>(t, 'bench_counters', 'c');
      await t.collection('bench_counters').doc('c').update({ data: { n: (c?.n ?? 0) + 1 } });
    }),
  );
  console.log(`transaction read+update, sequential      ${fmt(tx)}   db requests/tx ${((requests() - before) / N).toFixed(1)}`);

  const C = 20;
  const t0 = performance.now();
  let runs = 0;
  await Promise.all(
    Array.from({ length: C * 5 }, () =>
      inTransaction(async (t) => {
        runs += 1;
        const c = await txGet<{ n: number }>(t, 'bench_counters', 'c');
        await t.collection('bench_counters').doc('c').update({ data: { n: (c?.n ?? 0) + 1 } });
      }),
    ),
  );
  const contended = performance.now() - t0;
  const got = (await db.collection('bench_counters').doc('c').get()).data;
  const final = (Array.isArray(got) ? got[0] : got).n;
  console.log(`contended increments (${C * 5} on one doc)   ${(((C * 5) / contended) * 1000).toFixed(0).padStart(7)} commits/s   runs per commit ${(runs / (C * 5)).toFixed(2)}   final ${final} (expected ${N + C * 5})`);

  // Indexed equality (members.openid) vs an unindexed field over the same documents.
  const members = cloud.store.count('members');
  const idx = await timeEach(200, (i) => db.collection('members').where({ openid: `bench-${i % N}` }).get());
  const scan = await timeEach(200, (i) => db.collection('members').where({ nickname: `nobody-${i}` }).get());
  console.log(`query by indexed field (${members} members)   ${fmt(idx)}`);
  console.log(`query by unindexed field                 ${fmt(scan)}`);
  console.log(`ratio indexed/unindexed throughput       ${(idx.opsPerSec / scan.opsPerSec).toFixed(1)}×`);
  console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB, store file ${(fs.statSync(path.join(dir, 'bench.sqlite')).size / 2 ** 20).toFixed(1)} MiB`);
  cloud.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
