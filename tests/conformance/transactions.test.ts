import { inTransaction, isTransactionConflict, txGet, type Tx } from '../../cloudfunctions/_lib/db';
import { LocalDatabase, TRANSACTION_TTL_MS } from '../../local-cloud/database';
import { cloud, db, errText, failure, useCloud } from './sdk';

type Counter = { _id: string; value: number };

describe('conformance: transactions through wx-server-sdk', () => {
  const ctx = useCloud();
  const stored = (coll: string, id: string) => ctx.cloud.store.get(coll, id)?.doc as Record<string, unknown> | undefined;

  beforeEach(async () => {
    await db().createCollection('counters');
    await db().collection('counters').add({ data: [{ _id: 'c1', value: 0 }, { _id: 'c2', value: 100 }] });
  });

  it('runTransaction commits every write: update, set, add, remove', async () => {
    await db().collection('counters').add({ data: { _id: 'gone', value: 1 } });
    const result = await db().runTransaction(async (t: Tx) => {
      await t.collection('counters').doc('c1').update({ data: { value: db().command.inc(5) } });
      await t.collection('counters').doc('c3').set({ data: { value: 3 } });
      const added = await t.collection('ledger').add({ data: { _id: 'l1', memberId: 'm', delta: 5 } });
      await t.collection('counters').doc('gone').remove();
      return { added };
    });
    expect(result).toMatchObject({ added: { _id: 'l1' } });
    expect(stored('counters', 'c1')).toMatchObject({ value: 5 });
    expect(stored('counters', 'c3')).toEqual({ _id: 'c3', value: 3 });
    expect(stored('ledger', 'l1')).toMatchObject({ delta: 5 });
    expect(stored('counters', 'gone')).toBeUndefined();
  });

  it('a throw inside runTransaction rolls back every write', async () => {
    const e = await failure(() =>
      db().runTransaction(async (t: Tx) => {
        await t.collection('counters').doc('c1').update({ data: { value: 1 } });
        await t.collection('ledger').add({ data: { _id: 'l-x', delta: 1 } });
        await t.collection('counters').doc('c2').remove();
        throw new Error('business rule says no');
      }),
    );
    expect(e.message).toBe('business rule says no');
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
    expect(stored('counters', 'c2')).toMatchObject({ value: 100 });
    expect(stored('ledger', 'l-x')).toBeUndefined();
  });

  it('t.rollback(reason) aborts and runTransaction rejects with the reason', async () => {
    const e = await failure(() =>
      db().runTransaction(async (t: Tx & { rollback(r: unknown): Promise<unknown> }) => {
        await t.collection('counters').doc('c1').update({ data: { value: 9 } });
        await t.rollback({ why: 'no stock' });
      }),
    ).catch((x) => x);
    expect(e).toEqual({ why: 'no stock' });
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
  });

  it('reads inside a transaction see its own writes; others see nothing until commit', async () => {
    const t = await db().startTransaction();
    await t.collection('counters').doc('c1').update({ data: { value: db().command.inc(7) } });
    const own = await t.collection('counters').doc('c1').get();
    expect(own.data).toMatchObject({ _id: 'c1', value: 7 });
    await t.collection('counters').doc('new').set({ data: { value: 1 } });
    expect((await t.collection('counters').doc('new').get()).data).toMatchObject({ value: 1 });
    const outside = await db().collection('counters').doc('c1').get();
    expect(outside.data).toMatchObject({ value: 0 });
    await expect(db().collection('counters').doc('new').get()).rejects.toBeTruthy();
    await t.commit();
    expect(stored('counters', 'c1')).toMatchObject({ value: 7 });
    expect(stored('counters', 'new')).toMatchObject({ value: 1 });
  });

  it('startTransaction + rollback discards the writes', async () => {
    const t = await db().startTransaction();
    await t.collection('counters').doc('c1').update({ data: { value: 50 } });
    await t.rollback();
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
    // The aborted transaction is finished: further use fails.
    const e = await failure(() => t.collection('counters').doc('c1').get());
    expect(errText(e)).toMatch(/aborted|TRANSACTION/);
  });

  it('a document changed by another writer after the read fails the transaction with -501001 "Transaction is conflict", and the SDK does not retry', async () => {
    let runs = 0;
    const e = await failure(() =>
      db().runTransaction(async (t: Tx) => {
        runs += 1;
        const res = await t.collection('counters').doc('c1').get();
        const current = (res.data as Counter).value;
        await db().collection('counters').doc('c1').update({ data: { value: 1000 } }); // another writer
        await t.collection('counters').doc('c1').update({ data: { value: current + 1 } });
      }),
    );
    expect(e.errCode).toBe(-501001);
    expect(String(e.errMsg)).toContain('Transaction is conflict');
    expect(isTransactionConflict(e)).toBe(true);
    expect(runs).toBe(1);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1000 });
  });

  it('a change by another writer between the last write and commit fails the commit; no update is lost', async () => {
    const t = await db().startTransaction();
    const res = await t.collection('counters').doc('c1').get();
    await t.collection('counters').doc('c1').update({ data: { value: (res.data as Counter).value + 1 } });
    await db().collection('counters').doc('c1').update({ data: { value: 1000 } });
    const e = await failure(() => t.commit());
    expect(isTransactionConflict(e)).toBe(true);
    expect(errText(e)).toMatch(/Transaction is conflict/);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1000 });
  });

  it('a conflict found at commit reaches runTransaction as the raw backend code, so the SDK itself re-runs the callback', async () => {
    let runs = 0;
    await db().runTransaction(async (t: Tx) => {
      runs += 1;
      const res = await t.collection('counters').doc('c1').get();
      await t.collection('counters').doc('c1').update({ data: { value: (res.data as Counter).value + 1 } });
      if (runs === 1) await db().collection('counters').doc('c1').update({ data: { value: 1000 } });
    });
    expect(runs).toBe(2);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1001 });
  });

  it('snapshot: a document changed after the transaction started is never read stale; the read fails as a conflict', async () => {
    const t = await db().startTransaction();
    await t.collection('counters').doc('c2').get();
    await db().collection('counters').doc('c1').update({ data: { value: 77 } });
    const e = await failure(() => t.collection('counters').doc('c1').get());
    expect(e.errCode).toBe(-501001);
    expect(String(e.errMsg)).toContain('Transaction is conflict');
    expect(stored('counters', 'c1')).toMatchObject({ value: 77 });
  });

  it('inTransaction (our bounded retry) re-runs the callback after a conflict and ends right', async () => {
    let runs = 0;
    const out = await inTransaction(async (t) => {
      runs += 1;
      const doc = await txGet<Counter>(t, 'counters', 'c1');
      if (runs === 1) await db().collection('counters').doc('c1').update({ data: { value: 1000 } });
      await t.collection('counters').doc('c1').update({ data: { value: doc!.value + 1 } });
      return doc!.value + 1;
    });
    expect(runs).toBeGreaterThan(1);
    expect(out).toBe(1001);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1001 });
  });

  it('50 concurrent read-modify-write increments via inTransaction end at exactly +50', async () => {
    let runs = 0;
    // inTransaction's default bounds (6 attempts, jittered backoff), as the functions use it.
    const increment = () =>
      inTransaction(async (t) => {
        runs += 1;
        const doc = await txGet<Counter>(t, 'counters', 'c2');
        await t.collection('counters').doc('c2').update({ data: { value: doc!.value + 1 } });
      });
    await Promise.all(Array.from({ length: 50 }, increment));
    expect(runs).toBeGreaterThan(50);
    expect(stored('counters', 'c2')).toMatchObject({ value: 150 });
  });

  it('txGet of a missing document answers null (a plain doc().get() in a transaction throws)', async () => {
    const got = await inTransaction((t) => txGet(t, 'counters', 'missing'));
    expect(got).toBeNull();
    const e = await failure(() => db().runTransaction((t: Tx) => t.collection('counters').doc('missing').get()));
    expect(errText(e)).toMatch(/does not exist/);
  });

  it('a duplicate add inside a transaction fails it and nothing is written', async () => {
    const e = await failure(() =>
      db().runTransaction(async (t: Tx) => {
        await t.collection('counters').doc('c1').update({ data: { value: 5 } });
        await t.collection('counters').add({ data: { _id: 'c2', value: 1 } });
      }),
    );
    expect(errText(e)).toMatch(/E11000|duplicate|DATABASE_DUPLICATE_WRITE/);
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
    expect(stored('counters', 'c2')).toMatchObject({ value: 100 });
  });

  it('a where-query inside a transaction is refused with DATABASE_TRANSACTION_FAIL (SDK and executor)', async () => {
    const t = await db().startTransaction();
    // wx-server-sdk's transaction collection does expose where(); its get() carries the transactionId.
    const e = await failure(() => (t.collection('counters') as unknown as { where(q: object): { get(): Promise<unknown> } }).where({}).get());
    expect(e.errCode).toBe(-501001);
    expect(String(e.errMsg)).toMatch(/only collection\(\)\.doc\(id\)/);
    const transactionId = (t as unknown as { _transaction: { _id: string } })._transaction._id;
    expect(transactionId).toMatch(/^tx_/);
    const where = await ctx.cloud.database.handle('database.getDocument', { collectionName: 'counters', queryType: 'WHERE', query: '{}', transactionId });
    expect(where).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    const update = await ctx.cloud.database.handle('database.modifyDocument', {
      collectionName: 'counters', queryType: 'WHERE', query: '{}', data: '{"$set":{"value":9}}', multi: true, merge: true, transactionId,
    });
    expect(update).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    const count = await ctx.cloud.database.handle('database.calculateDocument', { collectionName: 'counters', queryType: 'WHERE', query: '{}', transactionId });
    expect(count).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    await t.rollback();
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
  });

  it('SDK hazard pinned: t.collection().where().update() sends no transactionId, so it escapes the transaction and survives rollback', async () => {
    const t = await db().startTransaction();
    const escaped = (await (t.collection('counters') as unknown as { where(q: object): { update(o: object): Promise<{ stats: { updated: number } }> } })
      .where({ _id: 'c1' })
      .update({ data: { value: 5 } })) as { stats: { updated: number } };
    expect(escaped.stats.updated).toBe(1);
    await t.rollback();
    expect(stored('counters', 'c1')).toMatchObject({ value: 5 });
  });

  it('serverDate() is refused inside a transaction (as in the cloud), and nothing is written', async () => {
    const e = await failure(() =>
      db().runTransaction(async (t: Tx) => {
        await t.collection('counters').doc('c1').update({ data: { value: 1 } });
        await t.collection('ledger').add({ data: { _id: 'l-sd', at: db().serverDate() } });
      }),
    );
    expect(errText(e)).toMatch(/serverDate/);
    const e2 = await failure(() => db().runTransaction((t: Tx) => t.collection('counters').doc('c1').update({ data: { at: db().serverDate() } })));
    expect(errText(e2)).toMatch(/serverDate/);
    expect(stored('counters', 'c1')).toEqual({ _id: 'c1', value: 0 });
    expect(stored('ledger', 'l-sd')).toBeUndefined();
  });

  it('a transaction older than 30 s fails, and its writes never land', async () => {
    let clock = 1_700_000_000_000;
    const local = new LocalDatabase(ctx.cloud.store, { now: () => clock });
    const start = (await local.handle('database.startTransaction', {})) as { transactionId: string };
    const transactionId = start.transactionId;
    const write = await local.handle('database.modifyDocument', {
      collectionName: 'counters', queryType: 'DOC', query: '{"_id":"c1"}', data: '{"$set":{"value":42}}', multi: false, merge: true, upsert: false, transactionId,
    });
    expect(write).toMatchObject({ data: { updated: 1 } });
    clock += TRANSACTION_TTL_MS - 1;
    expect(await local.handle('database.getDocument', { collectionName: 'counters', queryType: 'DOC', query: '{"_id":"c1"}', transactionId })).toMatchObject({ data: { list: [expect.any(String)] } });
    clock += 2;
    const late = await local.handle('database.getDocument', { collectionName: 'counters', queryType: 'DOC', query: '{"_id":"c1"}', transactionId });
    expect(late).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: expect.stringMatching(/expired/) });
    const commit = await local.handle('database.commitTransaction', { transactionId });
    expect(commit).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
  });

  it('a committed transaction cannot be committed or used again', async () => {
    const t = await db().startTransaction();
    await t.collection('counters').doc('c1').update({ data: { value: 1 } });
    await t.commit();
    const again = await failure(() => t.commit());
    expect(errText(again)).toMatch(/committed|TRANSACTION_FAIL/);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1 });
  });

  it('wx-server-sdk is the module the transport patched (sanity)', () => {
    expect(typeof cloud.database).toBe('function');
  });
});
