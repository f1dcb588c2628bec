import { db, useCloud } from './sdk';

describe('conformance: aggregate through wx-server-sdk', () => {
  useCloud();
  beforeEach(async () => {
    await db().collection('members').add({
      data: [
        { _id: 'm1', openid: 'o1', nickname: 'Ann', tierId: 'gold' },
        { _id: 'm2', openid: 'o2', nickname: 'Ben', tierId: 'silver' },
        { _id: 'm3', openid: 'o3', nickname: 'Cat', tierId: 'gold' },
      ],
    });
    await db().collection('orders').add({
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
    const res = await db().collection('orders').aggregate().match({ amount: _.gte(50), status: 'paid' }).project({ _id: 0, amount: 1 }).sort({ amount: 1 }).limit(10).end();
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
});
