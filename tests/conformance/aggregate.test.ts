import { db, useCloud } from './sdk';

describe('conformance: aggregate through wx-server-sdk', () => {
  useCloud();
  beforeEach(async () => {
    await db()
      .collection('members')
      .add({
        data: [
          { _id: 'm1', openid: 'o1', nickname: 'Ann', tierId: 'gold' },
          { _id: 'm2', openid: 'o2', nickname: 'Ben', tierId: 'silver' },
          { _id: 'm3', openid: 'o3', nickname: 'Cat', tierId: 'gold' },
        ],
      });
    await db()
      .collection('orders')
      .add({
        data: [
          { _id: 'o1', memberId: 'm1', storeId: 's1', receiptNo: 'r1', amount: 100, status: 'paid' },
          { _id: 'o2', memberId: 'm1', storeId: 's1', receiptNo: 'r2', amount: 50, status: 'paid' },
          { _id: 'o3', memberId: 'm2', storeId: 's2', receiptNo: 'r3', amount: 70, status: 'paid' },
          { _id: 'o4', memberId: 'm3', storeId: 's1', receiptNo: 'r4', amount: 999, status: 'refunded' },
          { _id: 'o5', memberId: 'm3', storeId: 's2', receiptNo: 'r5', amount: 30, status: 'paid' },
        ],
      });
  });

  it('match / group / sum / sort / limit', async () => {
    const $ = db().command.aggregate;
    const res = await db()
      .collection('orders')
      .aggregate()
      .match({ status: 'paid' })
      .group({ _id: '$memberId', total: $.sum('$amount'), n: $.sum(1) })
      .sort({ total: -1 })
      .limit(2)
      .end();
    expect(res.list).toEqual([
      { _id: 'm1', total: 150, n: 2 },
      { _id: 'm2', total: 70, n: 1 },
    ]);
  });

  it('match with command operators, project and count', async () => {
    const _ = db().command;
    const res = await db()
      .collection('orders')
      .aggregate()
      .match({ amount: _.gte(50), status: 'paid' })
      .project({ _id: 0, amount: 1 })
      .sort({ amount: 1 })
      .limit(10)
      .end();
    expect(res.list).toEqual([{ amount: 50 }, { amount: 70 }, { amount: 100 }]);
    const counted = await db().collection('orders').aggregate().match({ storeId: 's1' }).count('n').limit(1).end();
    expect(counted.list).toEqual([{ n: 3 }]);
  });

  it('lookup joins two collections', async () => {
    const res = await db()
      .collection('members')
      .aggregate()
      .match({ tierId: 'gold' })
      .lookup({ from: 'orders', localField: '_id', foreignField: 'memberId', as: 'orders' })
      .sort({ _id: 1 })
      .limit(10)
      .end();
    const list = res.list as { _id: string; orders: { _id: string }[] }[];
    expect(list.map((m) => m._id)).toEqual(['m1', 'm3']);
    expect(list[0].orders.map((o) => o._id).sort()).toEqual(['o1', 'o2']);
    expect(list[1].orders.map((o) => o._id).sort()).toEqual(['o4', 'o5']);
  });

  it('group by a joined field: revenue per tier via lookup + unwind', async () => {
    const $ = db().command.aggregate;
    const res = await db()
      .collection('orders')
      .aggregate()
      .match({ status: 'paid' })
      .lookup({ from: 'members', localField: 'memberId', foreignField: '_id', as: 'member' })
      .unwind('$member')
      .group({ _id: '$member.tierId', revenue: $.sum('$amount') })
      .sort({ _id: 1 })
      .limit(10)
      .end();
    expect(res.list).toEqual([
      { _id: 'gold', revenue: 180 },
      { _id: 'silver', revenue: 70 },
    ]);
  });

  it('an aggregate over a missing collection fails like the cloud', async () => {
    await expect(db().collection('nope').aggregate().match({}).limit(1).end()).rejects.toMatchObject({ errCode: -502005 });
  });

  // Observed on the cloud (developers.weixin.qq.com community, 2020: "云函数端Aggregate聚合操作limit默认20条限制"):
  // with no limit() stage an aggregation answers at most 20 results, in a cloud function too.
  it('an aggregation without a limit() stage answers at most 20 results; with one, as many as it asks', async () => {
    await db()
      .collection('ledger')
      .add({ data: Array.from({ length: 45 }, (_, i) => ({ _id: `l${String(i).padStart(2, '0')}`, delta: i })) });
    const none = await db().collection('ledger').aggregate().match({}).end();
    expect(none.list).toHaveLength(20);
    const project = await db().collection('ledger').aggregate().project({ delta: 1 }).end();
    expect(project.list).toHaveLength(20);
    const limited = await db().collection('ledger').aggregate().match({}).limit(40).end();
    expect(limited.list).toHaveLength(40);
  });

  // MongoDB's $bucket: each bucket holds [lower, upper); _id is the lower boundary; buckets in
  // boundary order, the default bucket last; a value outside every bucket without a default fails.
  it('bucket puts a value equal to a boundary in the bucket it starts, [lower, upper)', async () => {
    const $ = db().command.aggregate;
    const res = await db()
      .collection('orders')
      .aggregate()
      .bucket({ groupBy: '$amount', boundaries: [0, 50, 100, 500], default: 'other', output: { n: $.sum(1), ids: $.push('$_id') } })
      .end();
    expect(res.list).toEqual([
      { _id: 0, n: 1, ids: ['o5'] },
      { _id: 50, n: 2, ids: ['o2', 'o3'] },
      { _id: 100, n: 1, ids: ['o1'] },
      { _id: 'other', n: 1, ids: ['o4'] },
    ]);
    const counted = await db()
      .collection('orders')
      .aggregate()
      .match({ status: 'paid' })
      .bucket({ groupBy: '$amount', boundaries: [30, 70, 101] })
      .end();
    expect(counted.list).toEqual([
      { _id: 30, count: 2 },
      { _id: 70, count: 2 },
    ]);
    await expect(
      db()
        .collection('orders')
        .aggregate()
        .bucket({ groupBy: '$amount', boundaries: [0, 100] })
        .end(),
    ).rejects.toMatchObject({ errCode: expect.any(Number) });
  });

  // MongoDB's $project keeps the input document's field order (_id first), new fields after.
  it('project keeps the document order of the fields, not the order they are named in', async () => {
    const res = await db()
      .collection('orders')
      .aggregate()
      .match({ _id: 'o1' })
      .project({ status: 1, amount: 1, memberId: 1, doubled: db().command.aggregate.multiply(['$amount', 2]) })
      .end();
    expect(res.list).toHaveLength(1);
    expect(Object.keys(res.list[0] as object)).toEqual(['_id', 'memberId', 'amount', 'status', 'doubled']);
    const excluded = await db().collection('orders').aggregate().match({ _id: 'o1' }).project({ _id: 0, receiptNo: 1, storeId: 1 }).end();
    expect(Object.keys(excluded.list[0] as object)).toEqual(['storeId', 'receiptNo']);
  });
});
