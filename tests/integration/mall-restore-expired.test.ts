import { buildNewMember } from '../../cloudfunctions/member/new-member';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock, setClock, shanghai } from '../support/clock';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';

jest.setTimeout(60_000);

/**
 * Issue 25 defect 4: a mall redemption cancelled after some of the lots it spent have expired gives
 * those points back as expired (an `expire` entry beside the refund), never spendable until a later
 * nightly run; the lots still valid come back with their original expiry.
 */
describe('a cancelled mall order does not revive expired points', () => {
  let cloud: TestCloud;
  const memberId = '700000000042';
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    setClock(shanghai('2026-11-23 12:00'));
    // 1000 points in two lots: 500 expire on 2026-12-01, 500 in 2099
    const lots = [
      { id: `seed:${memberId}:a`, remaining: 500, earnedOn: '2025-12-01', expiresOn: '2026-12-01' },
      { id: `seed:${memberId}:b`, remaining: 500, earnedOn: '2026-11-01', expiresOn: '2099-06-01' },
    ];
    const doc = {
      ...buildNewMember('o-mia', memberId, new Date()),
      points: { available: 1000, pending: 0, lots, pendingLots: [], debt: 0, nextEventOn: '2026-12-01', earnedDays: [], seq: 2, reconcileDue: true },
    };
    cloud.store.insert('members', doc as unknown as { _id: string });
    let balance = 0;
    for (const l of lots) {
      balance += l.remaining;
      cloud.store.insert('ledger', {
        _id: l.id,
        memberId,
        kind: 'adjust',
        delta: l.remaining,
        pendingDelta: 0,
        reason: '测试',
        ref: { type: 'adjust', id: l.id },
        balanceAfter: balance,
        pendingAfter: 0,
        createdAt: new Date(),
      });
    }
  });
  afterEach(async () => {
    const rec = (await cloud.invoke('points', { action: 'reconcile', limit: 200 }, { openid: 'o-boss' })) as Any;
    expect(rec).toMatchObject({ ok: true, data: { drifts: [] } });
    realClock();
    closeTestCloud(cloud);
  });

  const { ok, trigger, points, ledger, expectBalanced } = pointsKit(() => cloud);
  const address = { name: '林小姐', phone: '13912345678', region: '上海市静安区', detail: '南京西路 1788 号' };
  const redeem = async (pointsPrice: number) => {
    const { itemId } = await ok(
      'mall',
      { action: 'createItem', kind: 'physical', title: '拾光马克杯', pointsPrice, stock: 10, perMemberLimit: 5, category: '周边' },
      'o-boss',
    );
    return ok('mall', { action: 'redeem', itemId, requestId: `redeem-${pointsPrice}-x`, address }, 'o-mia');
  };

  it('lots that expired between the redemption and the cancellation come back expired; the valid ones come back spendable', async () => {
    const r = await redeem(700); // 500 from the lot expiring 2026-12-01, 200 from the 2099 lot
    expect(points(memberId).available).toBe(300);

    // the expiring lot's day passes with no nightly run in between (the job runs later, or failed)
    setClock(shanghai('2026-12-05 10:00'));
    const c = await ok('mall', { action: 'cancel', orderId: r.orderId }, 'o-mia');
    expect(c).toMatchObject({ pointsRefunded: 700, balanceAfter: 500, duplicate: false });
    const p = points(memberId);
    expect(p.available).toBe(500);
    expect(p.lots.map((l: Any) => [l.remaining, l.expiresOn]).sort()).toEqual([
      [200, '2099-06-01'],
      [300, '2099-06-01'],
    ]);
    // the refund gives back all it spent; the expired part expires at once, with its own entry
    const mine = ledger(memberId);
    expect(mine.find((e: Any) => e._id === `refund:mall:${r.orderId}`)).toMatchObject({ kind: 'refund', delta: 700 });
    expect(mine.find((e: Any) => e._id === `expire:seed:${memberId}:a~${r.orderId}`)).toMatchObject({ kind: 'expire', delta: -500, balanceAfter: 500 });
    expectBalanced(memberId);

    // the expired points cannot be spent, and the next nightly run expires nothing twice
    const { itemId } = await ok(
      'mall',
      { action: 'createItem', kind: 'physical', title: '帆布袋', pointsPrice: 600, stock: 1, perMemberLimit: 1, category: '周边' },
      'o-boss',
    );
    expect(await cloud.invoke('mall', { action: 'redeem', itemId, requestId: 'redeem-after-cancel', address }, { openid: 'o-mia' })).toMatchObject({
      ok: false,
      code: 'POINTS_INSUFFICIENT',
    });
    setClock(shanghai('2026-12-06 02:30'));
    expect(await trigger()).toMatchObject({ drifts: [] });
    expect(points(memberId).available).toBe(500);
    expectBalanced(memberId);
    // a repeated cancel answers the first, restoring nothing again
    expect(await ok('mall', { action: 'cancel', orderId: r.orderId }, 'o-mia')).toMatchObject({ duplicate: true });
    expect(points(memberId).available).toBe(500);
  });

  it('a cancellation before any lot expired restores everything spendable (no expire entry)', async () => {
    const r = await redeem(700);
    setClock(shanghai('2026-11-30 20:00'));
    expect(await ok('mall', { action: 'cancel', orderId: r.orderId }, 'o-mia')).toMatchObject({ balanceAfter: 1000 });
    expect(points(memberId).available).toBe(1000);
    expect(ledger(memberId).filter((e: Any) => e.kind === 'expire')).toHaveLength(0);
    expectBalanced(memberId);
  });
});
