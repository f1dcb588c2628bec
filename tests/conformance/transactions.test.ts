import { AppError } from '../../shared/errors';
import { inTransaction, isTransactionConflict, keysInUse, txGet } from '../../cloudfunctions/_lib/platform/db';
import { LocalDatabase, TRANSACTION_TTL_MS } from '../../local-cloud/database';
import { cloud, db, errText, failure, own, untyped, useCloud, type Tx } from './sdk';

/** Lets `n` turns of the event loop pass (pending I/O and promise chains run), without a timer. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i += 1) await new Promise((r) => setImmediate(r));
};

type Counter = { _id: string; value: number };

describe('conformance: transactions through wx-server-sdk', () => {
  const ctx = useCloud();
  const stored = (coll: string, id: string) => ctx.cloud.store.get(coll, id)?.doc as Record<string, unknown> | undefined;

  beforeEach(async () => {
    await db().createCollection('counters');
    await db()
      .collection('counters')
      .add({
        data: [
          { _id: 'c1', value: 0 },
          { _id: 'c2', value: 100 },
        ],
      });
  });

  it('runTransaction commits every write: update, set, add, remove', async () => {
    await db()
      .collection('counters')
      .add({ data: { _id: 'gone', value: 1 } });
    const result = await db().runTransaction(async (t: Tx) => {
      await t
        .collection('counters')
        .doc('c1')
        .update({ data: { value: db().command.inc(5) } });
      await t
        .collection('counters')
        .doc('c3')
        .set({ data: { value: 3 } });
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
        await t
          .collection('counters')
          .doc('c1')
          .update({ data: { value: 1 } });
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
        await t
          .collection('counters')
          .doc('c1')
          .update({ data: { value: 9 } });
        await t.rollback({ why: 'no stock' });
      }),
    ).catch((x) => x);
    expect(e).toEqual({ why: 'no stock' });
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
  });

  it('reads inside a transaction see its own writes; others see nothing until commit', async () => {
    const t = await db().startTransaction();
    await t
      .collection('counters')
      .doc('c1')
      .update({ data: { value: db().command.inc(7) } });
    const own = await t.collection('counters').doc('c1').get();
    expect(own.data).toMatchObject({ _id: 'c1', value: 7 });
    await t
      .collection('counters')
      .doc('new')
      .set({ data: { value: 1 } });
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
    await t
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 50 } });
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
        await db()
          .collection('counters')
          .doc('c1')
          .update({ data: { value: 1000 } }); // another writer
        await t
          .collection('counters')
          .doc('c1')
          .update({ data: { value: current + 1 } });
      }),
    );
    expect(e.errCode).toBe(-501001);
    expect(String(e.errMsg)).toContain('Transaction is conflict');
    expect(isTransactionConflict(e)).toBe(true);
    expect(runs).toBe(1);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1000 });
  });

  // 云开发文档「数据库事务」: a document written in a transaction is locked until the transaction ends;
  // another transaction's write to it fails at once (其它事务的写入会直接失败), a plain write waits for the
  // lock. wx-server-sdk hands the failure over as errCode -501001 "… Transaction is conflict" (observed by
  // driving wx-server-sdk 4.0.2), which its runTransaction does not recognise, so it does not retry.
  it('a plain write to a document locked by a transaction waits until the transaction commits, then applies', async () => {
    const t = await db().startTransaction();
    const res = await t.collection('counters').doc('c1').get();
    await t
      .collection('counters')
      .doc('c1')
      .update({ data: { value: (res.data as Counter).value + 1 } });
    let applied = false;
    const plain = db()
      .collection('counters')
      .doc('c1')
      .update({ data: { value: db().command.inc(1000) } })
      .then((r: unknown) => {
        applied = true;
        return r;
      });
    for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
    expect(applied).toBe(false);
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
    // A plain write to another document is not held up.
    await db()
      .collection('counters')
      .doc('c2')
      .update({ data: { value: 101 } });
    await t.commit();
    expect(await plain).toMatchObject({ stats: { updated: 1 } });
    expect(stored('counters', 'c1')).toMatchObject({ value: 1001 });
  });

  it('a plain write waiting on a lock applies after a rollback too, and reads are never held up', async () => {
    const t = await db().startTransaction();
    await t
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 5 } });
    const plainWhere = db()
      .collection('counters')
      .where({ value: db().command.gte(0) })
      .update({ data: { seen: true } });
    expect((await db().collection('counters').doc('c1').get()).data).toMatchObject({ value: 0 });
    await t.rollback();
    expect(await plainWhere).toMatchObject({ stats: { updated: 2 } });
    expect(stored('counters', 'c1')).toEqual({ _id: 'c1', value: 0, seen: true });
  });

  it("another transaction's write to a locked document fails at once with -501001 Transaction is conflict, and runTransaction does not retry", async () => {
    const t1 = await db().startTransaction();
    await t1
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 1 } });
    let runs = 0;
    const e = await failure(() =>
      db().runTransaction(async (t2: Tx) => {
        runs += 1;
        await t2
          .collection('counters')
          .doc('c2')
          .update({ data: { value: 7 } });
        await t2
          .collection('counters')
          .doc('c1')
          .update({ data: { value: 2 } });
      }),
    );
    expect(e.errCode).toBe(-501001);
    expect(String(e.errMsg)).toContain('Transaction is conflict');
    expect(isTransactionConflict(e)).toBe(true);
    expect(runs).toBe(1);
    await t1.commit();
    expect(stored('counters', 'c1')).toMatchObject({ value: 1 });
    // The failed transaction was aborted: its other write never lands, and its lock on c2 is gone.
    expect(stored('counters', 'c2')).toMatchObject({ value: 100 });
    await db()
      .collection('counters')
      .doc('c2')
      .update({ data: { value: 3 } });
    expect(stored('counters', 'c2')).toMatchObject({ value: 3 });
  });

  it('two transactions adding the same new _id: the second fails at once; a plain add of it waits, then is a duplicate', async () => {
    const t1 = await db().startTransaction();
    await t1.collection('ledger').add({ data: { _id: 'same', delta: 1 } });
    const t2 = await db().startTransaction();
    const e = await failure(() => t2.collection('ledger').add({ data: { _id: 'same', delta: 2 } }));
    expect(isTransactionConflict(e)).toBe(true);
    const plain = failure(() =>
      db()
        .collection('ledger')
        .add({ data: { _id: 'same', delta: 3 } }),
    );
    await t1.commit();
    expect(errText(await plain)).toMatch(/E11000 duplicate key/);
    expect(stored('ledger', 'same')).toMatchObject({ delta: 1 });
  });

  it("a plain write waits no longer than the lock's expiry (the transaction's 30 s), then applies; the expired transaction cannot commit", async () => {
    let clock = 1_700_000_000_000;
    const local = new LocalDatabase(ctx.cloud.store, { now: () => clock });
    const { transactionId } = (await local.handle('database.startTransaction', {})) as { transactionId: string };
    const write = (id: string, value: number, tx?: string) =>
      local.handle('database.modifyDocument', {
        collectionName: 'counters',
        queryType: 'DOC',
        query: JSON.stringify({ _id: id }),
        data: JSON.stringify({ $set: { value } }),
        multi: false,
        merge: true,
        upsert: false,
        ...(tx ? { transactionId: tx } : {}),
      });
    await write('c1', 42, transactionId);
    let done = false;
    const plain = write('c1', 7).then((r) => {
      done = true;
      return r;
    });
    await turns(20);
    expect(done).toBe(false);
    // The waiter sleeps until the lock's expiry by this database's clock; jump the clock past it.
    clock += TRANSACTION_TTL_MS + 1;
    expect(await plain).toMatchObject({ data: { updated: 1 } });
    expect(stored('counters', 'c1')).toMatchObject({ value: 7 });
    expect(await local.handle('database.commitTransaction', { transactionId })).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    expect(stored('counters', 'c1')).toMatchObject({ value: 7 });
  });

  it("moving the transactions' clock expires an open transaction at once: the waiting plain write applies, the transaction cannot commit", async () => {
    // a still base clock: only advanceTransactionClock moves it (real time passing would blur the 1 ms steps below)
    const local = new LocalDatabase(ctx.cloud.store, { now: () => 1_700_000_000_000 });
    const { transactionId } = (await local.handle('database.startTransaction', {})) as { transactionId: string };
    const write = (value: number, tx?: string) =>
      local.handle('database.modifyDocument', {
        collectionName: 'counters',
        queryType: 'DOC',
        query: JSON.stringify({ _id: 'c1' }),
        data: JSON.stringify({ $set: { value } }),
        multi: false,
        merge: true,
        upsert: false,
        ...(tx ? { transactionId: tx } : {}),
      });
    await write(42, transactionId);
    let done = false;
    const plain = write(7).then((r) => {
      done = true;
      return r;
    });
    await turns(20);
    expect(done).toBe(false);
    local.advanceTransactionClock(TRANSACTION_TTL_MS - 1);
    await turns(20);
    expect(done).toBe(false); // not yet expired
    local.advanceTransactionClock(2);
    await turns(5); // woken by the move itself, not by the lock's periodic re-check
    expect(done).toBe(true);
    expect(await plain).toMatchObject({ data: { updated: 1 } });
    expect(stored('counters', 'c1')).toMatchObject({ value: 7 });
    expect(await local.handle('database.commitTransaction', { transactionId })).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
  });

  // MongoDB (which the cloud database runs on) gives a transaction snapshot reads, checks each write
  // against the snapshot (WriteConflict), and does not validate documents that were only read at commit.
  it('snapshot: a document changed after the transaction started reads as it was; writing it then fails as a conflict', async () => {
    const t = await db().startTransaction();
    await t.collection('counters').doc('c2').get();
    await db()
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 77 } });
    const seen = await t.collection('counters').doc('c1').get();
    expect(seen.data).toMatchObject({ _id: 'c1', value: 0 });
    const e = await failure(() =>
      t
        .collection('counters')
        .doc('c1')
        .update({ data: { value: 1 } }),
    );
    expect(e.errCode).toBe(-501001);
    expect(String(e.errMsg)).toContain('Transaction is conflict');
    expect(stored('counters', 'c1')).toMatchObject({ value: 77 });
  });

  it('two open snapshots each read the version they started with, through several later writes', async () => {
    const t1 = await db().startTransaction();
    await db()
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 10 } });
    const t2 = await db().startTransaction();
    await db()
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 20 } });
    await db()
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 30 } });
    expect((await t1.collection('counters').doc('c1').get()).data).toMatchObject({ value: 0 });
    expect((await t2.collection('counters').doc('c1').get()).data).toMatchObject({ value: 10 });
    await t1.rollback();
    await t2.rollback();
    expect(stored('counters', 'c1')).toMatchObject({ value: 30 });
  });

  it('a transaction whose reads went stale, but that did not write those documents, still commits (no read-set check at commit)', async () => {
    await db().runTransaction(async (t: Tx) => {
      const c1 = await t.collection('counters').doc('c1').get();
      await db()
        .collection('counters')
        .doc('c1')
        .update({ data: { value: 500 } });
      await t
        .collection('counters')
        .doc('c2')
        .update({ data: { value: (c1.data as Counter).value + 1 } });
    });
    expect(stored('counters', 'c1')).toMatchObject({ value: 500 });
    expect(stored('counters', 'c2')).toMatchObject({ value: 1 });
  });

  it('inTransaction (our bounded retry) re-runs the callback after a conflict and ends right', async () => {
    let runs = 0;
    const out = await inTransaction(async (typed) => {
      const t = untyped(typed);
      runs += 1;
      const doc = await txGet<Counter>(typed, own('counters'), 'c1');
      if (runs === 1)
        await db()
          .collection('counters')
          .doc('c1')
          .update({ data: { value: 1000 } });
      await t
        .collection('counters')
        .doc('c1')
        .update({ data: { value: doc!.value + 1 } });
      return doc!.value + 1;
    });
    expect(runs).toBeGreaterThan(1);
    expect(out).toBe(1001);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1001 });
  });

  /** One read-modify-write increment of counters/c2 in a transaction; `onRun` counts the callback's runs. */
  const incrementC2 = (onRun: () => void, options?: Parameters<typeof inTransaction>[1]) =>
    inTransaction(async (typed) => {
      const t = untyped(typed);
      onRun();
      const doc = await txGet<Counter>(typed, own('counters'), 'c2');
      await t
        .collection('counters')
        .doc('c2')
        .update({ data: { value: doc!.value + 1 } });
    }, options);

  it('50 concurrent read-modify-write increments via inTransaction end at exactly +50', async () => {
    let runs = 0;
    // inTransaction's defaults (conflicts retried for 2.5 s with decorrelated jitter), without a key: contention as between instances.
    const increment = () => incrementC2(() => (runs += 1));
    // A call that still answers CONFLICT after its bounded retries (a busy CI runner stretches the
    // contention) is tried again by its caller, as a client of a function would: none may be lost or doubled.
    const incrementUntilDone = async (): Promise<void> => {
      for (let call = 1; ; call += 1) {
        try {
          return await increment();
        } catch (e) {
          if (!(e instanceof AppError && e.code === 'CONFLICT') || call >= 5) throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, incrementUntilDone));
    expect(runs).toBeGreaterThan(50);
    expect(stored('counters', 'c2')).toMatchObject({ value: 150 });
  });

  it('50 concurrent increments on one key take turns: no conflict, each callback runs once, exactly +50', async () => {
    let runs = 0;
    // a generous wait: on a loaded runner the 50th must not give up its turn and go ahead into a conflict
    const increment = () => incrementC2(() => (runs += 1), { key: 'counter:c2', turnWaitMs: 120_000 });
    await Promise.all(Array.from({ length: 50 }, increment));
    expect(runs).toBe(50);
    expect(stored('counters', 'c2')).toMatchObject({ value: 150 });
    expect(keysInUse()).toBe(0);
  });

  it('txGet of a missing document answers null (a plain doc().get() in a transaction throws)', async () => {
    const got = await inTransaction((t) => txGet(t, own('counters'), 'missing'));
    expect(got).toBeNull();
    const e = await failure(() => db().runTransaction((t: Tx) => t.collection('counters').doc('missing').get()));
    expect(errText(e)).toMatch(/does not exist/);
  });

  it('a duplicate add inside a transaction fails it and nothing is written', async () => {
    const e = await failure(() =>
      db().runTransaction(async (t: Tx) => {
        await t
          .collection('counters')
          .doc('c1')
          .update({ data: { value: 5 } });
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
      collectionName: 'counters',
      queryType: 'WHERE',
      query: '{}',
      data: '{"$set":{"value":9}}',
      multi: true,
      merge: true,
      transactionId,
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

  // No documented restriction on serverDate() in a transaction, and public projects use it: it is stored
  // as the server's time at the write.
  it('serverDate() works inside a transaction, on add and on update, stored as the server time at the write', async () => {
    const before = Date.now();
    await db().runTransaction(async (t: Tx) => {
      await t
        .collection('counters')
        .doc('c1')
        .update({ data: { value: 1, at: db().serverDate() } });
      await t.collection('ledger').add({ data: { _id: 'l-sd', at: db().serverDate({ offset: 1000 }) } });
    });
    const after = Date.now();
    const at = stored('counters', 'c1')!.at as Date;
    expect(at).toBeInstanceOf(Date);
    expect(at.getTime()).toBeGreaterThanOrEqual(before);
    expect(at.getTime()).toBeLessThanOrEqual(after);
    const later = stored('ledger', 'l-sd')!.at as Date;
    expect(later.getTime() - at.getTime()).toBeGreaterThanOrEqual(990);
  });

  it('a transaction older than 30 s fails, and its writes never land', async () => {
    let clock = 1_700_000_000_000;
    const local = new LocalDatabase(ctx.cloud.store, { now: () => clock });
    const start = (await local.handle('database.startTransaction', {})) as { transactionId: string };
    const transactionId = start.transactionId;
    const write = await local.handle('database.modifyDocument', {
      collectionName: 'counters',
      queryType: 'DOC',
      query: '{"_id":"c1"}',
      data: '{"$set":{"value":42}}',
      multi: false,
      merge: true,
      upsert: false,
      transactionId,
    });
    expect(write).toMatchObject({ data: { updated: 1 } });
    clock += TRANSACTION_TTL_MS - 1;
    expect(await local.handle('database.getDocument', { collectionName: 'counters', queryType: 'DOC', query: '{"_id":"c1"}', transactionId })).toMatchObject({
      data: { list: [expect.any(String)] },
    });
    clock += 2;
    const late = await local.handle('database.getDocument', { collectionName: 'counters', queryType: 'DOC', query: '{"_id":"c1"}', transactionId });
    expect(late).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL', message: expect.stringMatching(/expired/) });
    const commit = await local.handle('database.commitTransaction', { transactionId });
    expect(commit).toMatchObject({ code: 'DATABASE_TRANSACTION_FAIL' });
    expect(stored('counters', 'c1')).toMatchObject({ value: 0 });
  });

  it('a committed transaction cannot be committed or used again', async () => {
    const t = await db().startTransaction();
    await t
      .collection('counters')
      .doc('c1')
      .update({ data: { value: 1 } });
    await t.commit();
    const again = await failure(() => t.commit());
    expect(errText(again)).toMatch(/committed|TRANSACTION_FAIL/);
    expect(stored('counters', 'c1')).toMatchObject({ value: 1 });
  });

  it('wx-server-sdk is the module the transport patched (sanity)', () => {
    expect(typeof cloud.database).toBe('function');
  });
});
