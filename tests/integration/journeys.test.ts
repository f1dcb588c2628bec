/**
 * The journeys of issue 12 at the function level: the till (today's orders, 撤销 within the clerk's
 * window, the refreshed summary), a ladder change that upgrades members who already qualify, and the
 * history that lists every order with its state in words.
 */
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';
import { STAFF_REVOKE_WINDOW_MINUTES } from '../../shared/rules/till';

describe('journeys: the till, the ladder, the history', () => {
  let cloud: TestCloud;
  const kit = pointsKit(() => cloud);
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    cloud.store.insert('roles', { _id: 'o-clerk-2', openid: 'o-clerk-2', role: 'staff', name: '店员 二号', storeId: 'store-a' });
  });
  afterEach(() => {
    jest.useRealTimers();
    closeTestCloud(cloud);
  });

  it('the till lists the clerk’s own orders of today, revokes one through the refund path, and refreshes the summary', async () => {
    const memberId = await kit.register('o-m1');
    const code = await kit.ok('member', { action: 'getMemberCode' }, 'o-m1');
    // Before identifying: the refresh by id discloses nothing.
    expect(await cloud.invoke('member', { action: 'refreshIdentified', memberId }, { openid: 'o-clerk' })).toMatchObject({
      ok: false,
      code: 'MEMBER_NOT_IDENTIFIED',
    });
    const seen = await kit.ok('member', { action: 'identifyByCode', code: code.code }, 'o-clerk');
    expect(seen).toMatchObject({ memberId, tier: { name: '普通会员', color: '#8a8f99' } });
    const credit = await kit.ok('points', kit.order('R-T1', memberId, 25_600), 'o-clerk');
    await kit.ok('points', kit.order('R-T2', memberId, 3_800), 'o-clerk-2');
    const refreshed = await kit.ok('member', { action: 'refreshIdentified', memberId }, 'o-clerk');
    expect(refreshed.growth).toBe(seen.growth + credit.growth + 38); // both orders' growth, as stored now
    expect(refreshed.growth).toBe((cloud.store.get('members', memberId)!.doc as Any).growth);
    expect(cloud.store.scan('access_log')).toHaveLength(1); // a refresh is not a new disclosure

    const till = await kit.ok('points', { action: 'tillOrders', storeId: 'store-a' }, 'o-clerk');
    expect(till.orders.map((o: Any) => o.receiptNo)).toEqual(['R-T1']);
    expect(till.orders[0]).toMatchObject({ amountFen: 25_600, points: credit.points, staffName: '店员', revocable: true, cardTail: memberId.slice(-4) });
    expect(till.confirmAboveFen).toBe(50_000);
    expect((await kit.ok('points', { action: 'tillOrders', storeId: 'store-a' }, 'o-boss')).orders).toHaveLength(2);
    expect(await kit.call({ action: 'tillOrders', storeId: 'store-b' }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    // Another clerk's order is not this clerk's to revoke.
    const other = till.orders.length
      ? (await kit.ok('points', { action: 'tillOrders', storeId: 'store-a' }, 'o-boss')).orders.find((o: Any) => o.receiptNo === 'R-T2')
      : null;
    expect(await kit.call({ action: 'revokeOrder', orderId: other.orderId }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const revoked = await kit.ok('points', { action: 'revokeOrder', orderId: till.orders[0].orderId }, 'o-clerk');
    expect(revoked).toMatchObject({ pointsClawed: credit.points, duplicate: false });
    expect(await kit.ok('points', { action: 'revokeOrder', orderId: till.orders[0].orderId }, 'o-clerk')).toMatchObject({ duplicate: true });
    kit.expectBalanced(memberId);
    expect((await kit.ok('points', { action: 'tillOrders', storeId: 'store-a' }, 'o-clerk')).orders[0]).toMatchObject({
      refundedFen: 25_600,
      revocable: false,
    });

    // Past the clerk's window: refused with words; the merchant still may.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask'] });
    jest.setSystemTime(Date.now() + (STAFF_REVOKE_WINDOW_MINUTES + 1) * 60_000);
    const late = await kit.call({ action: 'revokeOrder', orderId: other.orderId }, 'o-clerk-2');
    expect(late).toMatchObject({ ok: false, code: 'REFUND_WINDOW_CLOSED' });
    expect((await kit.call({ action: 'revokeOrder', orderId: other.orderId }, 'o-boss')).ok).toBe(true);
  });

  it('lowering a threshold upgrades the members who already qualify, at once; the card shows no zero distance', async () => {
    const memberId = await kit.register('o-m2');
    await kit.ok('points', kit.order('R-L1', memberId, 80_000), 'o-clerk'); // 800 growth: not yet 银卡 (1000)
    const before = await kit.ok('member', { action: 'getCard' }, 'o-m2');
    expect(before).toMatchObject({ tier: { name: '普通会员' }, nextTier: { name: '银卡会员', growthNeeded: 200 } });
    const { config } = await kit.ok('member', { action: 'getTierConfig' }, 'o-boss');
    const tiers = config.tiers.map((t: Any) => (t.id === 'silver' ? { ...t, threshold: 500 } : t));
    await kit.ok(
      'member',
      {
        action: 'updateTierConfig',
        expectedVersion: config.version,
        settings: { basis: config.basis, growthPerYuan: config.growthPerYuan, graceDays: config.graceDays, tiers },
      },
      'o-boss',
    );
    // Upgraded by the job that ran with the save, through the tier engine (a recorded change).
    expect((cloud.store.get('members', memberId)!.doc as Any).tierId).toBe('silver');
    expect(cloud.store.scan('tier_changes').map((c) => (c.doc as Any).kind)).toEqual(['upgrade']);
    const after = await kit.ok('member', { action: 'getCard' }, 'o-m2');
    expect(after.tier.name).toBe('银卡会员');
    expect(after.nextTier.growthNeeded).toBeGreaterThan(0);
    expect(after.progressText).not.toMatch(/¥0 /);
  });

  it('the history lists every order: one under ¥100 with 0 points and why, a held one as 审核中 with no date', async () => {
    const memberId = await kit.register('o-m3');
    await kit.ok('points', kit.order('R-H1', memberId, 3_800), 'o-clerk');
    const history = await kit.ok('points', { action: 'history' }, 'o-m3');
    expect(history.orders).toHaveLength(1);
    expect(history.orders[0]).toMatchObject({ points: 0, state: 'none', storeName: 'A店' });
    expect(history.orders[0].note).toBe('消费未满 ¥100 不计积分，成长值 +38');
    // A held lot: its entry says so and carries no "available on" date.
    await kit.ok('points', kit.order('R-H2', memberId, 20_000), 'o-clerk');
    const lotId = (cloud.store.get('orders', 'pos:store-a:R-H2')!.doc as Any).lotId as string;
    const doc = cloud.store.get('members', memberId)!.doc as Any;
    doc.points.pendingLots = doc.points.pendingLots.map((l: Any) => (l.id === lotId ? { ...l, held: true } : l));
    cloud.store.replace('members', doc);
    const held = await kit.ok('points', { action: 'history' }, 'o-m3');
    expect(held.orders[0]).toMatchObject({ state: 'held', note: '审核中，审核通过后发放' });
    expect(held.entries.find((e: Any) => e.id === lotId)).toMatchObject({ held: true, maturesOn: null });
  });
});
