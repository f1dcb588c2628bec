import { isDuplicateKey } from '../../cloudfunctions/_lib/platform/db';
import { db, errText, failure, useCloud } from './sdk';

describe('conformance: get limits', () => {
  const ctx = useCloud();
  beforeEach(async () => {
    await db().createCollection('bulk');
    const data = Array.from({ length: 1200 }, (_, i) => ({ _id: `d${String(i).padStart(4, '0')}`, n: i }));
    await db().collection('bulk').add({ data });
    expect(ctx.cloud.store.count('bulk')).toBe(1200);
  });

  it('a where().get() without limit returns 100 documents', async () => {
    const res = await db().collection('bulk').where({}).get();
    expect(res.data).toHaveLength(100);
    const all = await db().collection('bulk').get();
    expect(all.data).toHaveLength(100);
  });

  it('limit(1000) returns 1000 documents, and skip pages on past them', async () => {
    const res = await db().collection('bulk').where({}).orderBy('n', 'asc').limit(1000).get();
    expect(res.data).toHaveLength(1000);
    const rest = await db().collection('bulk').where({}).orderBy('n', 'asc').skip(1000).limit(1000).get();
    expect(rest.data).toHaveLength(200);
    expect((rest.data as { n: number }[])[0].n).toBe(1000);
  });

  it('limit(5000) still returns at most 1000 documents, even when sent straight to the backend', async () => {
    // @cloudbase/database caps the limit it sends at 1000; the backend caps whatever it receives.
    const res = await db().collection('bulk').where({}).limit(5000).get();
    expect(res.data).toHaveLength(1000);
    const direct = (await ctx.cloud.database.handle('database.getDocument', { collectionName: 'bulk', queryType: 'WHERE', query: '{}', limit: 5000 })) as {
      data: { list: string[]; limit: number };
    };
    expect(direct.data.list).toHaveLength(1000);
    expect(direct.data.limit).toBe(1000);
  });

  it('count() counts past the get limit', async () => {
    expect(await db().collection('bulk').count()).toMatchObject({ total: 1200 });
  });
});

describe('conformance: duplicate keys', () => {
  const ctx = useCloud();

  it('a duplicate _id on add fails with a duplicate-key error', async () => {
    await db()
      .collection('orders')
      .add({ data: { _id: 'o1', memberId: 'm', storeId: 's', receiptNo: 'r1' } });
    const e = await failure(() =>
      db()
        .collection('orders')
        .add({ data: { _id: 'o1', memberId: 'other' } }),
    );
    expect(errText(e)).toMatch(/E11000|duplicate|DATABASE_DUPLICATE_WRITE/);
    expect(isDuplicateKey(e)).toBe(true);
    expect(ctx.cloud.store.get('orders', 'o1')?.doc.memberId).toBe('m');
  });

  it('a duplicate on the unique index members.openid fails', async () => {
    await db()
      .collection('members')
      .add({ data: { openid: 'o-x', cardNo: 'C1' } });
    const e = await failure(() =>
      db()
        .collection('members')
        .add({ data: { openid: 'o-x', cardNo: 'C2' } }),
    );
    expect(isDuplicateKey(e)).toBe(true);
    expect(ctx.cloud.store.count('members')).toBe(1);
  });

  it('a compound unique index (orders storeId+receiptNo) refuses only the same pair', async () => {
    await db()
      .collection('orders')
      .add({
        data: [
          { storeId: 's1', receiptNo: 'r1' },
          { storeId: 's2', receiptNo: 'r1' },
          { storeId: 's1', receiptNo: 'r2' },
        ],
      });
    const e = await failure(() =>
      db()
        .collection('orders')
        .add({ data: { storeId: 's1', receiptNo: 'r1' } }),
    );
    expect(isDuplicateKey(e)).toBe(true);
    expect(ctx.cloud.store.count('orders')).toBe(3);
  });

  it('documents without the uniquely indexed field do not collide', async () => {
    await db()
      .collection('members')
      .add({ data: [{ name: 'a' }, { name: 'b' }] });
    expect(ctx.cloud.store.count('members')).toBe(2);
  });

  it('a failing batch add leaves nothing half-written', async () => {
    await db()
      .collection('members')
      .add({ data: { _id: 'taken', openid: 'o-taken' } });
    const batch = [
      { _id: 'n1', openid: 'o-1' },
      { _id: 'n2', openid: 'o-2' },
      { _id: 'n3', openid: 'o-taken' },
      { _id: 'n4', openid: 'o-4' },
    ];
    const e = await failure(() => db().collection('members').add({ data: batch }));
    expect(isDuplicateKey(e)).toBe(true);
    const e2 = await failure(() =>
      db()
        .collection('members')
        .add({
          data: [
            { _id: 'n5', openid: 'o-5' },
            { _id: 'taken', openid: 'o-6' },
          ],
        }),
    );
    expect(isDuplicateKey(e2)).toBe(true);
    expect(ctx.cloud.store.scan('members').map((s) => s.doc._id)).toEqual(['taken']);
  });
});

// MongoDB answers a query without a sort in natural order, which for the cloud's collections is the
// order the documents were inserted (an update does not move a document); not _id order.
describe('conformance: natural order', () => {
  useCloud();

  it('get() without orderBy answers documents in insertion order, updates keep their place, and an index lookup keeps it too', async () => {
    await db()
      .collection('orders')
      .add({
        data: [
          { _id: 'z', storeId: 's1', n: 1 },
          { _id: 'a', storeId: 's2', n: 2 },
          { _id: 'm', storeId: 's1', n: 3 },
        ],
      });
    await db()
      .collection('orders')
      .add({ data: { _id: 'b', storeId: 's1', n: 4 } });
    await db()
      .collection('orders')
      .doc('z')
      .update({ data: { n: 10 } });
    const all = await db().collection('orders').get();
    expect((all.data as { _id: string }[]).map((d) => d._id)).toEqual(['z', 'a', 'm', 'b']);
    const s1 = await db().collection('orders').where({ storeId: 's1' }).get();
    expect((s1.data as { _id: string }[]).map((d) => d._id)).toEqual(['z', 'm', 'b']);
    await db().collection('orders').doc('z').remove();
    await db()
      .collection('orders')
      .add({ data: { _id: 'z', storeId: 's1' } });
    const again = await db().collection('orders').get();
    expect((again.data as { _id: string }[]).map((d) => d._id)).toEqual(['a', 'm', 'b', 'z']);
  });
});
