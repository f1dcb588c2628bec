import { db, errText, failure, useCloud } from './sdk';

type Doc = Record<string, unknown> & { _id: string };

describe('conformance: updates through wx-server-sdk', () => {
  const ctx = useCloud();
  const coll = () => db().collection('members');
  const stored = (id: string) => ctx.cloud.store.get('members', id)?.doc as Doc | undefined;

  beforeEach(async () => {
    await coll().add({
      data: [
        { _id: 'a', openid: 'oa', cardNo: 'c-a', points: 10, rate: 2, tags: ['x', 'y'], profile: { city: 'SH', age: 30 }, low: 5, high: 5 },
        { _id: 'b', openid: 'ob', cardNo: 'c-b', points: 20, rate: 3, tags: ['y'], profile: { city: 'BJ' }, low: 5, high: 5 },
      ],
    });
  });

  it('increments and multiplies numbers with inc / mul', async () => {
    const _ = db().command;
    const res = await coll()
      .doc('a')
      .update({ data: { points: _.inc(5), rate: _.mul(1.5) } });
    expect(res.stats).toEqual({ updated: 1 });
    expect(stored('a')).toMatchObject({ points: 15, rate: 3 });
    await coll()
      .doc('a')
      .update({ data: { points: _.inc(-20), fresh: _.inc(1) } });
    expect(stored('a')).toMatchObject({ points: -5, fresh: 1 });
  });

  it('sets plain fields, replaces an object with set(), and removes a field with remove()', async () => {
    const _ = db().command;
    await coll()
      .doc('a')
      .update({ data: { nickname: 'A', profile: _.set({ city: 'GZ' }), low: _.remove() } });
    const doc = stored('a')!;
    expect(doc.nickname).toBe('A');
    expect(doc.profile).toEqual({ city: 'GZ' });
    expect('low' in doc).toBe(false);
    expect(doc.points).toBe(10);
  });

  it('merges a nested object update: only profile.city changes', async () => {
    await coll()
      .doc('a')
      .update({ data: { profile: { city: 'BJ' } } });
    expect(stored('a')!.profile).toEqual({ city: 'BJ', age: 30 });
    await coll()
      .doc('a')
      .update({ data: { 'profile.age': 31 } });
    expect(stored('a')!.profile).toEqual({ city: 'BJ', age: 31 });
  });

  it('changes arrays with push / pull / addToSet', async () => {
    const _ = db().command;
    await coll()
      .doc('a')
      .update({ data: { tags: _.push(['z', 'x']) } });
    expect(stored('a')!.tags).toEqual(['x', 'y', 'z', 'x']);
    await coll()
      .doc('a')
      .update({ data: { tags: _.pull('x') } });
    expect(stored('a')!.tags).toEqual(['y', 'z']);
    await coll()
      .doc('a')
      .update({ data: { tags: _.addToSet('y') } });
    expect(stored('a')!.tags).toEqual(['y', 'z']);
    await coll()
      .doc('a')
      .update({ data: { tags: _.addToSet('w') } });
    expect(stored('a')!.tags).toEqual(['y', 'z', 'w']);
    await coll()
      .doc('a')
      .update({ data: { tags: _.pull(_.in(['y', 'w'])) } });
    expect(stored('a')!.tags).toEqual(['z']);
  });

  it('keeps the smaller / larger value with min / max', async () => {
    const _ = db().command;
    await coll()
      .doc('a')
      .update({ data: { low: _.min(3), high: _.max(3) } });
    expect(stored('a')).toMatchObject({ low: 3, high: 5 });
    await coll()
      .doc('a')
      .update({ data: { low: _.min(9), high: _.max(9) } });
    expect(stored('a')).toMatchObject({ low: 3, high: 9 });
  });

  it('doc().set replaces the whole document, and creates it when missing (upsert)', async () => {
    const res = await coll()
      .doc('a')
      .set({ data: { openid: 'oa', note: 'replaced' } });
    expect(res.stats).toEqual({ updated: 1, created: 0 });
    expect(stored('a')).toEqual({ _id: 'a', openid: 'oa', note: 'replaced' });
    const created = await coll()
      .doc('new-one')
      .set({ data: { openid: 'on', points: 1 } });
    expect(created._id).toBe('new-one');
    expect(created.stats).toEqual({ updated: 0, created: 1 });
    expect(stored('new-one')).toEqual({ _id: 'new-one', openid: 'on', points: 1 });
  });

  it('where().update changes every matching document and reports the count', async () => {
    const _ = db().command;
    const res = await coll()
      .where({ points: _.gte(10) })
      .update({ data: { status: 'active', points: _.inc(1) } });
    expect(res.stats).toEqual({ updated: 2 });
    expect(stored('a')).toMatchObject({ status: 'active', points: 11 });
    expect(stored('b')).toMatchObject({ status: 'active', points: 21 });
    const none = await coll()
      .where({ points: 12345 })
      .update({ data: { status: 'x' } });
    expect(none.stats).toEqual({ updated: 0 });
  });

  it('doc().update of a missing document updates nothing and creates nothing', async () => {
    const res = await coll()
      .doc('ghost')
      .update({ data: { points: 1 } });
    expect(res.stats).toEqual({ updated: 0 });
    expect(stored('ghost')).toBeUndefined();
  });

  it('removes by doc(id) and by where()', async () => {
    const one = await coll().doc('a').remove();
    expect(one.stats).toEqual({ removed: 1 });
    expect(stored('a')).toBeUndefined();
    await coll().add({
      data: [
        { _id: 'c', openid: 'oc', cardNo: 'c-c', points: 1 },
        { _id: 'd', openid: 'od', cardNo: 'c-d', points: 1 },
      ],
    });
    const many = await coll().where({ points: 1 }).remove();
    expect(many.stats).toEqual({ removed: 2 });
    expect(ctx.cloud.store.scan('members').map((s) => s.doc._id)).toEqual(['b']);
  });

  it('refuses to update _id, and leaves the document unchanged', async () => {
    // The SDK itself refuses `_id` in a doc().update; a raw $set of _id reaching the backend is refused there too.
    const e = await failure(() =>
      coll()
        .doc('a')
        .update({ data: { _id: 'zzz', points: 99 } }),
    );
    expect(errText(e)).toMatch(/_id/);
    const e2 = await failure(() =>
      coll()
        .where({ _id: 'a' })
        .update({ data: { _id: 'zzz' } }),
    );
    expect(errText(e2)).toMatch(/_id/);
    const direct = await ctx.cloud.database.handle('database.modifyDocument', {
      collectionName: 'members',
      queryType: 'DOC',
      query: '{"_id":"a"}',
      data: '{"$set":{"_id":"zzz"}}',
      multi: false,
      merge: true,
      upsert: false,
    });
    expect(direct).toMatchObject({ code: 'INVALID_PARAM' });
    expect(stored('a')).toMatchObject({ _id: 'a', points: 10 });
    expect(stored('zzz')).toBeUndefined();
  });

  it('an update that would break a unique index fails and changes nothing', async () => {
    const e = await failure(() =>
      coll()
        .doc('b')
        .update({ data: { openid: 'oa', points: 77 } }),
    );
    expect(errText(e)).toMatch(/E11000|duplicate|DATABASE_DUPLICATE_WRITE/);
    expect(stored('b')).toMatchObject({ openid: 'ob', points: 20 });
  });

  // 云开发文档 update operators: the positional 'arr.$' updates the first element the query matched.
  it("the positional 'arr.$' update changes the element named in the query", async () => {
    const _ = db().command;
    await coll().add({
      data: {
        _id: 'p',
        openid: 'op',
        cardNo: 'c-p',
        lines: [
          { sku: 'x', qty: 1 },
          { sku: 'y', qty: 2 },
          { sku: 'y', qty: 5 },
        ],
      },
    });
    const res = await coll()
      .where({ _id: 'p', 'lines.sku': 'y' })
      .update({ data: { 'lines.$.qty': _.inc(10) } });
    expect(res.stats).toEqual({ updated: 1 });
    expect(stored('p')!.lines).toEqual([
      { sku: 'x', qty: 1 },
      { sku: 'y', qty: 12 },
      { sku: 'y', qty: 5 },
    ]);
    await coll()
      .where({ lines: _.elemMatch({ sku: 'y', qty: 5 }) })
      .update({ data: { 'lines.$.qty': 6 } });
    expect(stored('p')!.lines).toEqual([
      { sku: 'x', qty: 1 },
      { sku: 'y', qty: 12 },
      { sku: 'y', qty: 6 },
    ]);
    // Without the array in the query there is no element to name: MongoDB refuses the update.
    const e = await failure(() =>
      coll()
        .doc('p')
        .update({ data: { 'lines.$.qty': 0 } }),
    );
    expect(errText(e)).toMatch(/positional operator did not find the match/);
    expect(stored('p')!.lines).toEqual([
      { sku: 'x', qty: 1 },
      { sku: 'y', qty: 12 },
      { sku: 'y', qty: 6 },
    ]);
  });

  // 云开发文档 db.command.addToSet: the parameter `{ each: [...] }` adds every element not already there
  // (wx-server-sdk sends it as it is written, { each: [...] }, not as MongoDB's $each).
  it("addToSet({ each: [...] }) adds each missing element, as the documentation's parameter table names it", async () => {
    const _ = db().command;
    await coll()
      .doc('a')
      .update({ data: { tags: _.addToSet({ each: ['y', 'z', 'w', 'z'] }) } });
    expect(stored('a')!.tags).toEqual(['x', 'y', 'z', 'w']);
    await coll()
      .doc('b')
      .update({ data: { tags: _.addToSet(['q']) } });
    expect(stored('b')!.tags).toEqual(['y', ['q']]);
  });
});
