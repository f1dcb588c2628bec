import { inTransaction, isTransactionConflict, isTransient, withRetry } from '../../cloudfunctions/_lib/platform/db';
import { isAppError } from '../../shared/errors';
import { parseFaults, type FaultConfig } from '../../local-cloud/database';
import { closeTestCloud, openTestCloud } from '../support/local-cloud';
import { db, failure, type Tx } from './sdk';

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

async function withCloud<T>(faults: FaultConfig, fn: (c: ReturnType<typeof openTestCloud>) => Promise<T>): Promise<T> {
  const c = openTestCloud({ faults });
  try {
    return await fn(c);
  } finally {
    closeTestCloud(c, { checkDocuments: false });
  }
}

describe('conformance: fault injection', () => {
  it('conflict: 1 makes every transactional write conflict, as wx-server-sdk reports it', () =>
    withCloud({ conflict: 1, transient: 0, lostReply: 0 }, async (c) => {
      await db()
        .collection('coupons')
        .add({ data: { _id: 'k1', status: 'new' } }); // plain writes are untouched
      let runs = 0;
      const e = await failure(() =>
        db().runTransaction(async (t: Tx) => {
          runs += 1;
          await t
            .collection('coupons')
            .doc('k1')
            .update({ data: { status: 'used' } });
        }),
      );
      expect(e.errCode).toBe(-501001);
      expect(String(e.errMsg)).toContain('Transaction is conflict');
      expect(isTransactionConflict(e)).toBe(true);
      expect(runs).toBe(1);
      const add = await failure(() => db().runTransaction((t: Tx) => t.collection('coupons').add({ data: { _id: 'k2' } })));
      expect(isTransactionConflict(add)).toBe(true);
      expect(c.store.get('coupons', 'k1')?.doc.status).toBe('new');
      expect(c.store.get('coupons', 'k2')).toBeUndefined();
    }));

  it('conflict: 1 exhausts inTransaction, which gives up with a CONFLICT AppError when its conflict budget is spent', () =>
    withCloud({ conflict: 1, transient: 0, lostReply: 0 }, async (c) => {
      await db()
        .collection('coupons')
        .add({ data: { _id: 'k1', status: 'new' } });
      let runs = 0;
      // A stepping clock: each attempt takes 100 ms of it, the waits none; the budget is 1 s.
      let now = 0;
      const e = await failure(() =>
        inTransaction(
          async (t) => {
            runs += 1;
            now += 100;
            await t
              .collection('coupons')
              .doc('k1')
              .update({ data: { status: 'used' } });
          },
          { ...fast, conflictBudgetMs: 1_000, clock: () => now, sleep: async () => undefined },
        ),
      );
      expect(isAppError(e)).toBe(true);
      expect((e as unknown as { code: string }).code).toBe('CONFLICT');
      // conflicts are retried until the budget is spent, not `attempts` (3) times
      expect(runs).toBe(10);
      expect(c.store.get('coupons', 'k1')?.doc.status).toBe('new');
    }));

  it('transient: 1 fails every request with a retryable timeout, before doing anything', () =>
    withCloud({ conflict: 0, transient: 1, lostReply: 0 }, async (c) => {
      const add = await failure(() =>
        db()
          .collection('coupons')
          .add({ data: { _id: 'k1' } }),
      );
      expect(isTransient(add)).toBe(true);
      expect(add.errCode).toBe(-501001);
      const get = await failure(() => db().collection('coupons').where({}).get());
      expect(isTransient(get)).toBe(true);
      const tx = await failure(() => db().runTransaction(async () => undefined));
      expect(isTransient(tx)).toBe(true);
      expect(c.store.count('coupons')).toBe(0);
      let calls = 0;
      const retried = await failure(() =>
        withRetry(async () => {
          calls += 1;
          return db().collection('coupons').count();
        }, fast),
      );
      expect(calls).toBe(3);
      expect(isAppError(retried)).toBe(true);
    }));

  it('lostReply: 1 applies a plain add but the caller sees a retryable error', () =>
    withCloud({ conflict: 0, transient: 0, lostReply: 1 }, async (c) => {
      const e = await failure(() =>
        db()
          .collection('coupons')
          .add({ data: { _id: 'k1', status: 'new' } }),
      );
      expect(isTransient(e)).toBe(true);
      expect(c.store.get('coupons', 'k1')?.doc).toEqual({ _id: 'k1', status: 'new' });
      // A blind retry of a keyed write now meets its own first attempt: the idempotency key holds.
      const again = await failure(() =>
        db()
          .collection('coupons')
          .add({ data: { _id: 'k1', status: 'new' } }),
      );
      expect(String(again.errMsg)).toMatch(/E11000|duplicate|DATABASE_DUPLICATE_WRITE/);
      expect(c.store.count('coupons')).toBe(1);
      // Reads are never affected by lostReply.
      expect((await db().collection('coupons').doc('k1').get()).data).toMatchObject({ status: 'new' });
    }));

  it('lostReply: 1 on a transaction commit: committed, yet the caller sees an error', () =>
    withCloud({ conflict: 0, transient: 0, lostReply: 1 }, async (c) => {
      const e = await failure(() => db().runTransaction((t: Tx) => t.collection('coupons').add({ data: { _id: 'k9', status: 'new' } })));
      expect(isTransient(e)).toBe(true);
      expect(c.store.get('coupons', 'k9')?.doc).toMatchObject({ status: 'new' });
    }));

  it('a seeded fault run is reproducible, request by request', async () => {
    const trace = (faults: FaultConfig) =>
      withCloud(faults, async () => {
        const outcome: string[] = [];
        for (let i = 0; i < 30; i += 1) {
          try {
            await db()
              .collection('coupons')
              .add({ data: { _id: `k${i}` } });
            outcome.push('ok');
          } catch (e) {
            outcome.push(/lost/.test(String((e as { errMsg?: string }).errMsg)) ? 'lost' : 'transient');
          }
        }
        return outcome.join(',');
      });
    const spec = parseFaults('transient:0.3,lostReply:0.3,seed:42');
    expect(spec).toEqual({ conflict: 0, transient: 0.3, lostReply: 0.3, seed: 42 });
    const a = await trace(spec);
    const b = await trace(spec);
    const other = await trace({ ...spec, seed: 43 });
    expect(a).toBe(b);
    expect(a).toMatch(/ok/);
    expect(a).toMatch(/transient/);
    expect(a).toMatch(/lost/);
    expect(other).not.toBe(a);
  });

  it('parseFaults refuses nonsense', () => {
    expect(() => parseFaults('conflict:2')).toThrow();
    expect(() => parseFaults('typo:0.1')).toThrow();
    expect(parseFaults(undefined)).toEqual({ conflict: 0, transient: 0, lostReply: 0 });
  });
});
