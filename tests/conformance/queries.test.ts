import { db, useCloud } from './sdk';

type M = { _id: string; name: string; points: number; tags?: string[]; profile?: { city: string; age?: number }; vip?: boolean };

const seed: M[] = [
  { _id: 'm1', name: 'Alice', points: 10, tags: ['a', 'b'], profile: { city: 'SH', age: 30 }, vip: true },
  { _id: 'm2', name: 'bob', points: 20, tags: ['b'], profile: { city: 'BJ', age: 25 } },
  { _id: 'm3', name: 'Carol', points: 30, tags: ['a', 'b', 'c'], profile: { city: 'SH', age: 41 }, vip: false },
  { _id: 'm4', name: 'dave', points: 20, tags: [], profile: { city: 'GZ' } },
  { _id: 'm5', name: 'Alfred', points: 5 },
];

describe('conformance: queries through wx-server-sdk', () => {
  const ctx = useCloud();
  beforeEach(async () => {
    await db().createCollection('people');
    await db().collection('people').add({ data: seed });
  });
  const ids = async (q: Record<string, unknown>) => {
    const res = await db().collection('people').where(q).orderBy('_id', 'asc').get();
    return (res.data as M[]).map((d) => d._id);
  };

  it('compares with eq / neq / gt / gte / lt / lte', async () => {
    const _ = db().command;
    expect(await ids({ points: _.eq(20) })).toEqual(['m2', 'm4']);
    expect(await ids({ points: 20 })).toEqual(['m2', 'm4']);
    expect(await ids({ points: _.neq(20) })).toEqual(['m1', 'm3', 'm5']);
    expect(await ids({ points: _.gt(20) })).toEqual(['m3']);
    expect(await ids({ points: _.gte(20) })).toEqual(['m2', 'm3', 'm4']);
    expect(await ids({ points: _.lt(10) })).toEqual(['m5']);
    expect(await ids({ points: _.lte(10) })).toEqual(['m1', 'm5']);
  });

  it('matches in / nin lists', async () => {
    const _ = db().command;
    expect(await ids({ points: _.in([5, 30]) })).toEqual(['m3', 'm5']);
    expect(await ids({ points: _.nin([5, 30]) })).toEqual(['m1', 'm2', 'm4']);
  });

  it('combines with and / or / nor / not, both field-level and top-level', async () => {
    const _ = db().command;
    expect(await ids({ points: _.gt(5).and(_.lt(30)) })).toEqual(['m1', 'm2', 'm4']);
    expect(await ids({ points: _.lt(10).or(_.gt(20)) })).toEqual(['m3', 'm5']);
    expect(
      await db()
        .collection('people')
        .where(_.or([{ points: 5 }, { name: 'bob' }]))
        .orderBy('_id', 'asc')
        .get()
        .then((r: { data: M[] }) => r.data.map((d) => d._id)),
    ).toEqual(['m2', 'm5']);
    expect(
      await db()
        .collection('people')
        .where(_.and([{ points: _.gte(20) }, { 'profile.city': 'SH' }]))
        .get()
        .then((r: { data: M[] }) => r.data.map((d) => d._id)),
    ).toEqual(['m3']);
    expect(
      await db()
        .collection('people')
        .where(_.nor([{ points: 20 }, { vip: true }]))
        .orderBy('_id', 'asc')
        .get()
        .then((r: { data: M[] }) => r.data.map((d) => d._id)),
    ).toEqual(['m3', 'm5']);
    expect(await ids({ points: _.not(_.gt(10)) })).toEqual(['m1', 'm5']);
  });

  it('tests field existence with exists', async () => {
    const _ = db().command;
    expect(await ids({ vip: _.exists(true) })).toEqual(['m1', 'm3']);
    expect(await ids({ profile: _.exists(false) })).toEqual(['m5']);
  });

  it('queries nested fields as a nested object and as a dot path', async () => {
    const _ = db().command;
    expect(await ids({ profile: { city: 'SH' } })).toEqual(['m1', 'm3']);
    expect(await ids({ 'profile.city': 'SH' })).toEqual(['m1', 'm3']);
    expect(await ids({ profile: { age: _.gt(28) } })).toEqual(['m1', 'm3']);
  });

  it('queries arrays with elemMatch / size / all and plain element equality', async () => {
    const _ = db().command;
    expect(await ids({ tags: _.size(0) })).toEqual(['m4']);
    expect(await ids({ tags: _.all(['a', 'b']) })).toEqual(['m1', 'm3']);
    expect(await ids({ tags: _.elemMatch(_.eq('c')) })).toEqual(['m3']);
    expect(await ids({ tags: 'a' })).toEqual(['m1', 'm3']);
    await db()
      .collection('people')
      .add({
        data: {
          _id: 'm6',
          name: 'eve',
          points: 0,
          lines: [
            { sku: 'x', qty: 1 },
            { sku: 'y', qty: 5 },
          ],
        },
      });
    expect(await ids({ lines: _.elemMatch({ sku: 'y', qty: _.gt(2) }) })).toEqual(['m6']);
    expect(await ids({ lines: _.elemMatch({ sku: 'x', qty: _.gt(2) }) })).toEqual([]);
  });

  it('matches regular expressions from db.RegExp and from a JS RegExp, with options', async () => {
    const d = db();
    expect(await ids({ name: d.RegExp({ regexp: '^al', options: 'i' }) })).toEqual(['m1', 'm5']);
    expect(await ids({ name: d.RegExp({ regexp: '^al' }) })).toEqual([]);
    expect(await ids({ name: /o/ })).toEqual(['m2', 'm3']);
  });

  it('orders by several fields, then skips and limits', async () => {
    const res = await db().collection('people').where({}).orderBy('points', 'desc').orderBy('name', 'asc').get();
    expect((res.data as M[]).map((d) => d._id)).toEqual(['m3', 'm2', 'm4', 'm1', 'm5']);
    const page = await db().collection('people').orderBy('points', 'desc').orderBy('name', 'asc').skip(1).limit(2).get();
    expect((page.data as M[]).map((d) => d._id)).toEqual(['m2', 'm4']);
  });

  it('projects fields with field(): included only, _id kept; exclusion drops only the named field', async () => {
    const res = await db().collection('people').where({ _id: 'm1' }).field({ name: true }).get();
    expect(res.data).toEqual([{ _id: 'm1', name: 'Alice' }]);
    const nested = await db().collection('people').where({ _id: 'm1' }).field({ 'profile.city': true }).get();
    expect(nested.data).toEqual([{ _id: 'm1', profile: { city: 'SH' } }]);
    const excl = await db().collection('people').doc('m1').field({ tags: false, profile: false }).get();
    expect(excl.data).toEqual({ _id: 'm1', name: 'Alice', points: 10, vip: true });
  });

  it('counts matching documents', async () => {
    const _ = db().command;
    expect(
      await db()
        .collection('people')
        .where({ points: _.gte(20) })
        .count(),
    ).toMatchObject({ total: 3 });
    expect(await db().collection('people').count()).toMatchObject({ total: 5 });
    expect(await db().collection('people').where({ points: 999 }).count()).toMatchObject({ total: 0 });
  });

  it('gets one document by doc(id), and a missing id fails like the cloud', async () => {
    const res = await db().collection('people').doc('m2').get();
    expect(res.data).toMatchObject({ _id: 'm2', name: 'bob', profile: { city: 'BJ' } });
    await expect(db().collection('people').doc('nope').get()).rejects.toMatchObject({ errMsg: expect.stringMatching(/does not exist/) });
  });

  it('round-trips Date values: a stored Date comes back as a Date and is comparable in queries', async () => {
    const _ = db().command;
    const when = new Date('2024-05-06T07:08:09.123Z');
    await db()
      .collection('orders')
      .add({ data: { _id: 'o1', paidAt: when, nested: { at: when }, list: [when] } });
    const res = await db().collection('orders').doc('o1').get();
    const doc = res.data as { paidAt: Date; nested: { at: Date }; list: Date[] };
    expect(doc.paidAt).toBeInstanceOf(Date);
    expect(doc.paidAt.getTime()).toBe(when.getTime());
    expect(doc.nested.at).toBeInstanceOf(Date);
    expect(doc.list[0]).toBeInstanceOf(Date);
    const hit = await db()
      .collection('orders')
      .where({ paidAt: _.gte(new Date('2024-01-01')) })
      .get();
    expect(hit.data).toHaveLength(1);
    const miss = await db()
      .collection('orders')
      .where({ paidAt: _.gt(new Date('2025-01-01')) })
      .get();
    expect(miss.data).toHaveLength(0);
  });

  it('fills serverDate() on add with the server clock', async () => {
    const before = Date.now();
    const d = db();
    const added = await d.collection('ledger').add({ data: { memberId: 'm1', createdAt: d.serverDate(), later: d.serverDate({ offset: 60_000 }) } });
    const res = await d.collection('ledger').doc(added._id).get();
    const doc = res.data as { createdAt: Date; later: Date };
    expect(doc.createdAt).toBeInstanceOf(Date);
    expect(doc.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5);
    expect(doc.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
    expect(doc.later.getTime() - doc.createdAt.getTime()).toBeGreaterThanOrEqual(59_990);
    expect(ctx.cloud.store.get('ledger', added._id)?.doc.createdAt).toBeInstanceOf(Date);
  });

  it('answers add with generated 32-hex ids, and a missing collection with DATABASE_COLLECTION_NOT_EXIST', async () => {
    const res = await db()
      .collection('people')
      .add({ data: { name: 'gen' } });
    expect(res._id).toMatch(/^[0-9a-f]{32}$/);
    // wx-server-sdk maps this backend code to its own -502005 (database collection not exists).
    await expect(db().collection('no_such_collection').where({}).get()).rejects.toMatchObject({
      errCode: -502005,
      errMsg: expect.stringMatching(/DATABASE_COLLECTION_NOT_EXIST|not exist/),
    });
  });
});
