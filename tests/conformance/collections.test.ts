import { isDuplicateKey } from '../../cloudfunctions/_lib/platform/db';
import { db, errText, failure, useCloud } from './sdk';

// Error texts as the cloud answers them (seen in cloud-development answers quoted on
// developers.weixin.qq.com: "[ResourceNotFound] Db or Table not exist", "[ResourceUnavailable.ResourceExist]
// Table exist."); wx-server-sdk maps DATABASE_COLLECTION_NOT_EXIST to errCode -502005.
describe('conformance: collections and error texts', () => {
  const ctx = useCloud();

  it('createCollection of an existing name fails with DATABASE_COLLECTION_ALREADY_EXIST and "Table exist."', async () => {
    await db().createCollection('shops');
    const e = await failure(() => db().createCollection('shops'));
    expect(errText(e)).toMatch(/\[ResourceUnavailable\.ResourceExist\] Table exist\./);
    const direct = await ctx.cloud.database.handle('database.addCollection', { collectionName: 'shops' });
    expect(direct).toMatchObject({ code: 'DATABASE_COLLECTION_ALREADY_EXIST', message: '[ResourceUnavailable.ResourceExist] Table exist.' });
    // A declared collection (cloudfunctions/database.json) exists already, as it would on the cloud.
    expect(await ctx.cloud.database.handle('database.addCollection', { collectionName: 'members' })).toMatchObject({
      code: 'DATABASE_COLLECTION_ALREADY_EXIST',
    });
  });

  it('a missing collection answers "[ResourceNotFound] Db or Table not exist: <name>" on every action', async () => {
    const e = await failure(() => db().collection('nope').where({}).get());
    expect(e.errCode).toBe(-502005);
    expect(String(e.errMsg)).toContain('[ResourceNotFound] Db or Table not exist: nope');
    for (const [action, extra] of [
      ['database.getDocument', { queryType: 'WHERE', query: '{}' }],
      ['database.calculateDocument', { queryType: 'WHERE', query: '{}' }],
      ['database.insertDocument', { data: ['{"a":1}'] }],
      ['database.modifyDocument', { queryType: 'WHERE', query: '{}', data: '{"$set":{"a":1}}', multi: true, merge: true }],
      ['database.removeDocument', { queryType: 'WHERE', query: '{}', multi: true }],
      ['database.aggregateDocuments', { stages: [{ stageKey: '$match', stageValue: '{}' }] }],
    ] as const) {
      expect(await ctx.cloud.database.handle(action, { collectionName: 'nope', ...extra })).toMatchObject({
        code: 'DATABASE_COLLECTION_NOT_EXIST',
        message: expect.stringMatching(/^\[ResourceNotFound\] Db or Table not exist: nope/),
      });
    }
  });

  it("duplicate keys answer MongoDB's E11000 text with the index and key, never SQLite's wording", async () => {
    await db()
      .collection('members')
      .add({ data: { _id: 'm1', openid: 'o-1', cardNo: 'C1' } });
    const byId = await failure(() =>
      db()
        .collection('members')
        .add({ data: { _id: 'm1', openid: 'o-2' } }),
    );
    const byIndex = await failure(() =>
      db()
        .collection('members')
        .add({ data: { _id: 'm2', openid: 'o-1' } }),
    );
    const byUpdate = await failure(async () => {
      await db()
        .collection('members')
        .add({ data: { _id: 'm3', openid: 'o-3' } });
      await db()
        .collection('members')
        .doc('m3')
        .update({ data: { cardNo: 'C1' } });
    });
    expect(errText(byId)).toContain('E11000 duplicate key error collection: members index: _id_ dup key: { _id: "m1" }');
    expect(errText(byIndex)).toContain('E11000 duplicate key error collection: members index: openid_unique dup key: { openid: "o-1" }');
    expect(errText(byUpdate)).toContain('index: cardNo_unique dup key: { cardNo: "C1" }');
    for (const e of [byId, byIndex, byUpdate]) {
      expect(isDuplicateKey(e)).toBe(true);
      expect(errText(e)).not.toMatch(/UNIQUE constraint|SQLITE|docs\.coll/);
    }
  });
});
