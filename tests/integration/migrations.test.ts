import fs from 'node:fs';
import path from 'node:path';
import cloudSdk from 'wx-server-sdk';
import { queryDocs } from '../../cloudfunctions/_lib/platform/db';
import { runMigrations, type Migration } from '../../cloudfunctions/_lib/platform/migrations';
import { MIGRATIONS } from '../../cloudfunctions/scheduler/migrations';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';

/** The bare SDK's database: the toy collection is none of ours, so not typed. */
const database = () => cloudSdk.database();
const now = () => new Date();

/**
 * Migrations of stored documents (cloudfunctions/_lib/platform/migrations.ts) on the local cloud:
 * the shipped list through the scheduler's `migrate` action, as the deploy calls it, and the runner
 * on a chunked backfill that crashes half-way and resumes.
 */
describe('migrations', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
  });
  afterEach(() => closeTestCloud(cloud));

  // The deploy's call through the Tencent Cloud API carries no OPENID and no client source (the local cloud's nearest: a platform call).
  const asDeployer = { openid: '', source: 'wx_cloud' as const };
  const docs = (coll: string) =>
    cloud.store
      .scan(coll)
      .map((s) => s.doc)
      .sort((a, b) => String(a._id).localeCompare(String(b._id)));
  const doc = (coll: string, id: string) => cloud.store.get(coll, id)?.doc;

  it('runs the shipped list once through scheduler.migrate; a second deploy changes nothing', async () => {
    const first = await cloud.invoke('scheduler', { action: 'migrate' }, asDeployer);
    expect(first).toEqual({ ok: true, data: { done: true, finished: MIGRATIONS.map((m) => m.id), changed: 0, pending: [] } });
    const records = docs('migrations');
    expect(records.map((r) => [r._id, r.status])).toEqual(MIGRATIONS.map((m) => [m.id, 'done']));
    const second = await cloud.invoke('scheduler', { action: 'migrate' }, asDeployer);
    expect(second).toEqual({ ok: true, data: { done: true, finished: [], changed: 0, pending: [] } });
    expect(docs('migrations')).toEqual(records);
  });

  it('names each migration by its file (migration-<id>.ts), in order', () => {
    const files = fs
      .readdirSync(path.join(__dirname, '../../cloudfunctions/scheduler'))
      .flatMap((f) => /^migration-(\d{4}-.+)\.ts$/.exec(f)?.[1] ?? [])
      .sort();
    expect(MIGRATIONS.map((m) => m.id)).toEqual(files);
  });

  it('refuses a WeChat user who is not the merchant, and lets the merchant run it', async () => {
    expect(await cloud.invoke('scheduler', { action: 'migrate' }, { openid: 'o-someone' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(docs('migrations')).toEqual([]);
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    expect(await cloud.invoke('scheduler', { action: 'migrate' }, { openid: 'o-boss' })).toMatchObject({ ok: true, data: { done: true } });
  });

  /** A backfill of `tier` on toys, two per chunk by `_id`, idempotent (it sets only what is missing). */
  const backfill = (crashAfterChunks: { n: number }, writes: string[]): Migration => ({
    id: '0002-toy-tier',
    description: 'toys get a tier',
    chunk: async (cursor) => {
      const _ = database().command;
      const docs = await queryDocs<{ _id: string; tier?: string }>(
        database()
          .collection('toys')
          .where(cursor ? { _id: _.gt(cursor) } : {})
          .orderBy('_id', 'asc')
          .limit(2),
      );
      let changed = 0;
      for (const d of docs) {
        if (d.tier !== undefined) continue;
        await database()
          .collection('toys')
          .doc(d._id)
          .update({ data: { tier: 'silver' } });
        writes.push(d._id);
        changed += 1;
      }
      // The crash comes after the chunk's writes and before its record: the worst place.
      if (--crashAfterChunks.n === 0) throw new Error('the function was killed');
      return docs.length < 2 ? { changed, cursor, done: true } : { changed, cursor: docs[docs.length - 1]._id, done: false };
    },
  });

  it('resumes a migration that crashed half-way, and a second run changes nothing', async () => {
    cloud.store.createCollection('toys');
    for (const id of ['a', 'b', 'c', 'd', 'e']) cloud.store.insert('toys', { _id: id, ...(id === 'd' ? { tier: 'gold' } : {}) });
    const writes: string[] = [];
    await expect(runMigrations([MIGRATIONS[0], backfill({ n: 2 }, writes)], now, 60_000)).rejects.toThrow('killed');
    // The first chunk is recorded; the second wrote c before the crash but not its record.
    expect(doc('migrations', '0002-toy-tier')).toMatchObject({ status: 'running', cursor: 'b', chunks: 1, changed: 2 });
    expect(writes).toEqual(['a', 'b', 'c']);

    const resumed = await runMigrations([MIGRATIONS[0], backfill({ n: -1 }, writes)], now, 60_000);
    expect(resumed).toEqual({ done: true, finished: ['0002-toy-tier'], changed: 1, pending: [] });
    // c is not written twice (the chunk re-ran from b and found it done), d kept its own tier.
    expect(writes).toEqual(['a', 'b', 'c', 'e']);
    expect(docs('toys').map((t) => [t._id, t.tier])).toEqual([
      ['a', 'silver'],
      ['b', 'silver'],
      ['c', 'silver'],
      ['d', 'gold'],
      ['e', 'silver'],
    ]);
    const record = doc('migrations', '0002-toy-tier');
    expect(record).toMatchObject({ status: 'done', chunks: 3, changed: 3 });

    const again = await runMigrations([MIGRATIONS[0], backfill({ n: -1 }, writes)], now, 60_000);
    expect(again).toEqual({ done: true, finished: [], changed: 0, pending: [] });
    expect(writes).toHaveLength(4);
    expect(doc('migrations', '0002-toy-tier')).toEqual(record);
  });

  it('stops at its time budget and tells the deploy what is pending', async () => {
    const slow: Migration = {
      id: '0002-slow',
      description: 'never ends',
      chunk: async (c) => ({ changed: 0, cursor: String(Number(c ?? 0) + 1), done: false }),
    };
    const out = await runMigrations([MIGRATIONS[0], slow], now, 0);
    expect(out).toEqual({ done: false, finished: [], changed: 0, pending: ['0001-baseline', '0002-slow'] });
    await expect(runMigrations([slow, MIGRATIONS[0]], now, 1000)).rejects.toThrow('out of order');
  });
});
