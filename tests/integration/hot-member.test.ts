import { keysInUse } from '../../cloudfunctions/_lib/platform/db';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';
import type { Result } from '../../shared/envelope';

// Dozens of transactions on one member in turn on a loaded 2-core runner: a bound, not a speed check.
jest.setTimeout(120_000);

/**
 * One hot member: a member paying at several tills at once, a POS re-sending receipts, the merchant
 * adjusting and the member checking in, all in the same instant. Each call is made ONCE (no caller
 * retry): every one must succeed, none may answer CONFLICT (系统繁忙), and each receipt is credited
 * exactly once.
 */
describe('a hot member under contention', () => {
  let cloud: TestCloud;
  const kit = pointsKit(() => cloud);
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    cloud.store.insert('roles', { _id: 'o-clerk-2', openid: 'o-clerk-2', role: 'staff', name: '店员二', storeId: 'store-a' });
    cloud.store.insert('roles', { _id: 'o-clerk-3', openid: 'o-clerk-3', role: 'staff', name: '店员三', storeId: 'store-a' });
  });
  afterEach(() => closeTestCloud(cloud));

  it('30 concurrent recordOrders on one member all succeed at the first call, each credited once, and the ledger adds up', async () => {
    const memberId = await kit.register('o-hot');
    const N = 30;
    const clerks = ['o-clerk', 'o-clerk-2', 'o-clerk-3'];
    const results = await Promise.all(Array.from({ length: N }, (_, i) => kit.call(kit.order(`HOT${i}`, memberId, 5_000 + i * 100), clerks[i % 3])));

    expect(results.filter((r) => !r.ok).map((r) => (r as { code: string }).code)).toEqual([]);
    const data = results.map((r) => (r as { data: Any }).data);
    expect(data.every((d) => d.duplicate === false && d.memberId === memberId)).toBe(true);
    // one order and one earn entry per receipt
    const orders = cloud.store.scan('orders').map((s) => s.doc as Any);
    expect(orders.map((o) => o._id).sort()).toEqual(Array.from({ length: N }, (_, i) => `pos:store-a:HOT${i}`).sort());
    const earns = kit.ledger(memberId).filter((e: Any) => String(e._id).startsWith('order:'));
    expect(earns).toHaveLength(N);
    // the points answered are the points credited, and the balances are the ledger's sums
    const credited = earns.reduce((s: number, e: Any) => s + e.delta + e.pendingDelta, 0);
    expect(credited).toBe(data.reduce((s, d) => s + (d.points as number), 0));
    kit.expectBalanced(memberId);
    // every order was counted on the member's day, none lost to a lost update
    expect((cloud.store.get('members', memberId)!.doc as Any).orderDay.orders).toBe(N);
    // the instance keeps no turn once the calls are answered
    expect(keysInUse()).toBe(0);
  });

  it('the same receipts re-sent at once, adjustments and a check-in on the same member: one answer each, no CONFLICT, no double credit', async () => {
    const memberId = await kit.register('o-hot');
    const calls: Promise<{ kind: string; key: string; r: Result<Any> }>[] = [];
    for (let i = 0; i < 20; i += 1) {
      const body = kit.order(`RS${i}`, memberId, 8_000);
      // every other receipt is sent three times at once (a POS that re-sends before the answer)
      const copies = i % 2 === 0 ? 3 : 1;
      for (let c = 0; c < copies; c += 1) calls.push(kit.call(body, c === 0 ? 'o-clerk' : 'o-clerk-2').then((r) => ({ kind: 'order', key: `RS${i}`, r })));
    }
    for (let i = 0; i < 5; i += 1) {
      const body = { action: 'adjustPoints', memberId, delta: 10 + i, reason: '补偿', requestId: `adj-hot-${i}` };
      calls.push(kit.call(body, 'o-boss').then((r) => ({ kind: 'adjust', key: body.requestId, r })));
    }
    calls.push(
      (cloud.invoke('checkin', { action: 'checkIn' }, { openid: 'o-hot' }) as Promise<Result<Any>>).then((r) => ({ kind: 'checkin', key: 'today', r })),
    );
    const results = await Promise.all(calls);

    expect(results.filter((x) => !x.r.ok).map((x) => `${x.kind} ${(x.r as { code: string }).code}`)).toEqual([]);
    const orderResults = results.filter((x) => x.kind === 'order').map((x) => ({ key: x.key, d: (x.r as { data: Any }).data }));
    // one first answer per receipt, the copies answered as replays of it
    for (let i = 0; i < 20; i += 1) {
      const mine = orderResults.filter((x) => x.key === `RS${i}`);
      expect(mine.filter((x) => !x.d.duplicate)).toHaveLength(1);
      expect(new Set(mine.map((x) => `${x.d.orderId} ${x.d.points} ${x.d.held}`)).size).toBe(1);
    }
    expect(cloud.store.scan('orders')).toHaveLength(20);
    const entries = kit.ledger(memberId);
    expect(entries.filter((e: Any) => String(e._id).startsWith('order:'))).toHaveLength(20);
    expect(entries.filter((e: Any) => e.kind === 'adjust')).toHaveLength(5);
    expect(entries.filter((e: Any) => String(e._id).startsWith('checkin:'))).toHaveLength(1);
    kit.expectBalanced(memberId);
    expect(keysInUse()).toBe(0);
  });
});
