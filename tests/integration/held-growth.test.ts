import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock, setClock, shanghai } from '../support/clock';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';

jest.setTimeout(60_000);

const RULES = { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' as const }, dailyCapPerMember: null };

/**
 * Issue 25 defect 1: an order held for review adds no points and no growth until the hold is
 * released; a fraud verdict takes back both, and the tier the growth bought.
 */
describe('growth from held orders waits like their points', () => {
  let cloud: TestCloud;
  const setRules = (rules: Record<string, unknown>) =>
    cloud.store.insert('settings', { _id: 'points-rules', version: 1, rules: { ...RULES, ...rules }, updatedAt: new Date(), updatedBy: 'o-boss' });
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    setClock(shanghai('2026-11-23 12:00'));
  });
  afterEach(async () => {
    // the reconciliation audit holds after every case
    const rec = (await cloud.invoke('points', { action: 'reconcile', limit: 200 }, { openid: 'o-boss' })) as Any;
    expect(rec).toMatchObject({ ok: true, data: { drifts: [] } });
    realClock();
    closeTestCloud(cloud);
  });

  const { ok, register, order, points, expectBalanced } = pointsKit(() => cloud);
  const member = (id: string) => cloud.store.get('members', id)!.doc as Any;
  const orderDoc = (receipt: string) => cloud.store.get('orders', `pos:store-a:${receipt}`)!.doc as Any;
  const review = (receipt: string, kind: string, decision: 'release' | 'confirm') =>
    ok('points', { action: 'reviewFraudFlag', flagId: `fraud:pos:store-a:${receipt}:${kind}`, decision, note: '' }, 'o-boss');
  /** Releases every open flag of the order (the hold lifts with the last one). */
  const releaseAll = async (receipt: string) => {
    for (const kind of orderDoc(receipt).flags as string[]) await review(receipt, kind, 'release');
  };
  const total = (memberId: string) => points(memberId).available + points(memberId).pending;
  /** Six backdated orders of ¥4,000 (paid two days ago: late entries, always held). */
  const sixBackdated = async (memberId: string) => {
    const results: Any[] = [];
    for (let i = 1; i <= 6; i += 1) results.push(await ok('points', order(`B${i}`, memberId, 400_000, shanghai('2026-11-21 10:00')), 'o-clerk'));
    return results;
  };

  it('six backdated orders do not make a new member 钻石会员; confirming them all as fraud leaves nothing', async () => {
    setRules({});
    const memberId = await register('o-ann');
    const bonus = total(memberId); // the registration bonus
    const results = await sixBackdated(memberId);
    for (const r of results) expect(r).toMatchObject({ held: true, flags: expect.arrayContaining(['late_entry']), growth: 4000 });
    expect(member(memberId)).toMatchObject({ tierId: 'normal', growth: 0 });
    expect(orderDoc('B1')).toMatchObject({ growth: 4000, growthHeld: true });
    expect(cloud.store.scan('tier_changes')).toHaveLength(0);

    for (let i = 1; i <= 6; i += 1) expect(await review(`B${i}`, 'late_entry', 'confirm')).toMatchObject({ status: 'confirmed', changed: true });
    expect(member(memberId)).toMatchObject({ tierId: 'normal', growth: 0 });
    expect(total(memberId)).toBe(bonus);
    expect(orderDoc('B1')).toMatchObject({ growthHeld: false, growthForfeited: 4000 });
    expectBalanced(memberId);
  });

  it('the monthly review (rolling 12 months of orders) does not count held orders, nor orders confirmed as fraud', async () => {
    setRules({});
    const memberId = await register('o-dan');
    await ok('points', order('H1', memberId, 120_000), 'o-clerk'); // an honest ¥1,200: silver, due for review
    await sixBackdated(memberId);
    await review('B1', 'late_entry', 'confirm');
    expect(member(memberId)).toMatchObject({ tierId: 'silver', growth: 1200 });
    setClock(shanghai('2026-12-01 03:00'));
    // the merchant's run by hand, through the scheduler (its lease and run record), as every run is
    const r = (await cloud.invoke('scheduler', { action: 'runJob', job: 'tier-review' }, { openid: 'o-boss' })) as Any;
    expect(r).toMatchObject({ ok: true, data: { status: 'done' } });
    expect(member(memberId)).toMatchObject({ tierId: 'silver', growth: 1200, lastReviewPeriod: '2026-12' });
  });

  it('releasing the holds grants the growth then (and the upgrade it qualifies for); a refund while held is taken from the held growth', async () => {
    setRules({});
    const memberId = await register('o-bob');
    await sixBackdated(memberId);
    // half of one held order refunded: its growth shrinks before anyone has it
    expect(await ok('points', { action: 'refundOrder', orderId: 'pos:store-a:B6', refundId: 'refund-b6', amountFen: 200_000 }, 'o-boss')).toMatchObject({
      growthClawed: 2000,
    });
    expect(member(memberId)).toMatchObject({ tierId: 'normal', growth: 0 });

    for (let i = 1; i <= 4; i += 1) await releaseAll(`B${i}`);
    expect(member(memberId)).toMatchObject({ tierId: 'gold', growth: 16000 });
    await releaseAll('B6');
    expect(member(memberId)).toMatchObject({ tierId: 'gold', growth: 18000 });
    await releaseAll('B5');
    expect(member(memberId)).toMatchObject({ tierId: 'diamond', growth: 22000 });
    expect(orderDoc('B5')).toMatchObject({ growthHeld: false });
    expect(cloud.store.scan('tier_changes').map((c) => (c.doc as Any).toTierId)).toEqual(expect.arrayContaining(['gold', 'diamond']));
    // a released order refunded in full takes its growth back from the member
    await ok('points', { action: 'refundOrder', orderId: 'pos:store-a:B5', refundId: 'refund-b5', amountFen: 400_000 }, 'o-boss');
    expect(member(memberId)).toMatchObject({ growth: 18000 });
    expectBalanced(memberId);
  });

  it('a flagged order that was not held (holdFlagged off) grants growth at once; confirming it as fraud takes back both, and the tier', async () => {
    setRules({ fraud: { ...RULES.fraud, holdFlagged: false, staffSameMemberPerDay: 1 } });
    const memberId = await register('o-cat');
    await ok('points', order('N1', memberId, 400_000), 'o-clerk');
    const honest = total(memberId);
    const second = await ok('points', order('N2', memberId, 1_700_000), 'o-clerk');
    expect(second).toMatchObject({ flags: ['staff_repeat'], held: false, growth: 17000 });
    expect(member(memberId)).toMatchObject({ tierId: 'diamond', growth: 21000 });

    const r = await review('N2', 'staff_repeat', 'confirm');
    expect(r).toMatchObject({ status: 'confirmed', changed: true, forfeited: second.points });
    // 4000 growth left: silver qualifies (gold's 5000 does not) — back to the tier the honest growth reaches
    expect(member(memberId)).toMatchObject({ tierId: 'silver', growth: 4000 });
    expect(orderDoc('N2')).toMatchObject({ growthForfeited: 17000 });
    expect(cloud.store.scan('tier_changes').map((c) => (c.doc as Any).kind)).toEqual(expect.arrayContaining(['upgrade', 'downgrade']));
    // a refund of the confirmed order takes no growth a second time
    expect(await ok('points', { action: 'refundOrder', orderId: 'pos:store-a:N2', refundId: 'refund-n2', amountFen: 1_700_000 }, 'o-boss')).toMatchObject({
      growthClawed: 0,
      pointsClawed: 0,
    });
    expect(member(memberId)).toMatchObject({ growth: 4000 });
    expect(total(memberId)).toBe(honest);
    expectBalanced(memberId);
  });
});
