import { buildNewMember } from '../../cloudfunctions/member/new-member';
import { decideOrderCredit, decideRefund, orderCreditDecisionSchema, refundDecisionSchema, type OrderCreditInput } from '../../shared/rules/order';
import { decideFraudReview, fraudReviewSchema, type FraudReviewInput } from '../../shared/rules/fraud-review';
import { restore } from '../../shared/rules/lots';
import { orderLine } from '../../shared/rules/order-state';
import { DEFAULT_TIER_CONFIG, revokeGrowth } from '../../shared/rules/tiers';
import { DEFAULT_EARNING_RULES, type MemberPoints } from '../../shared/schemas/points';
import type { MemberDoc } from '../../shared/schemas/member';
import type { OrderDoc } from '../../shared/schemas/orders';

/** The order, refund and fraud-review decisions, without a database: exact numbers on named dates. */

const RULES = { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' as const } };
const NOW = new Date('2026-11-23T04:00:00Z'); // 12:00 in Shanghai, a Monday
const member = (over: Partial<MemberDoc> = {}): MemberDoc => ({ ...buildNewMember('o-ann', '100000000001', NOW), ...over });

function input(over: Partial<OrderCreditInput> & { amountFen?: number; paidAt?: string } = {}): OrderCreditInput {
  const { amountFen = 10_000, paidAt = '2026-11-23T03:00:00Z', ...rest } = over;
  return {
    orderId: 'pos:store-a:R1',
    sale: { storeId: 'store-a', receiptNo: 'R1', items: [{ sku: 'S1', category: 'coffee', priceFen: amountFen, quantity: 1 }], amountFen, paidAt },
    member: member(),
    channel: 'staff',
    staffOpenid: 'o-clerk',
    storeName: 'A店',
    store: { orders: 0, limit: 120 },
    rules: RULES,
    rulesVersion: 1,
    tiers: DEFAULT_TIER_CONFIG,
    birthdayMultiplier: 1,
    fingerprint: 'fp',
    now: NOW,
    ...rest,
  };
}

/** A movement with -0 read as 0 (a clawback of nothing from one side answers -0). */
const plain = (m: { delta: number; pendingDelta: number }) => ({ delta: m.delta + 0, pendingDelta: m.pendingDelta + 0 });

const credited = (i: OrderCreditInput) => {
  const d = decideOrderCredit(i);
  if (d.kind !== 'credit') throw new Error(`refused: ${d.code}`);
  expect(orderCreditDecisionSchema.parse(d)).toEqual(d);
  return d;
};

describe('decideOrderCredit', () => {
  it('refuses a sale that pays more than its items, comes from the future, is older than the window, or has no live member', () => {
    const over = input();
    over.sale = { ...over.sale, amountFen: 20_000 };
    expect(decideOrderCredit(over)).toMatchObject({
      kind: 'refused',
      code: 'ORDER_AMOUNT_EXCEEDS_ITEMS',
      details: { amountFen: 20_000, itemsTotalFen: 10_000 },
    });
    expect(decideOrderCredit(input({ paidAt: '2026-11-23T04:11:00Z' }))).toMatchObject({ kind: 'refused', code: 'VALIDATION_FAILED' });
    expect(decideOrderCredit(input({ paidAt: '2026-09-01T04:00:00Z' }))).toMatchObject({ kind: 'refused', code: 'ORDER_TOO_OLD', details: { windowDays: 60 } });
    expect(decideOrderCredit(input({ member: null }))).toEqual({ kind: 'refused', code: 'MEMBER_NOT_FOUND' });
  });

  it('credits points pending T+1, growth at once with the upgrade it reaches, the day counters and the purchase statistics', () => {
    const d = credited(input({ amountFen: 120_000 }));
    expect(d.result).toEqual({
      orderId: 'pos:store-a:R1',
      memberId: '100000000001',
      points: 120,
      growth: 1200,
      maturesOn: '2026-11-24',
      held: false,
      flags: [],
      duplicate: false,
    });
    expect(d.points).toMatchObject({
      available: 0,
      pending: 120,
      pendingLots: [{ id: 'order:pos:store-a:R1:earn', amount: 120, held: false, maturesOn: '2026-11-24' }],
    });
    expect(d.entry).toMatchObject({ id: 'order:pos:store-a:R1:earn', kind: 'earn', movement: { delta: 0, pendingDelta: 120 }, reason: '消费 ¥1200.00 @A店' });
    expect(d.tier?.fields).toMatchObject({ tierId: 'silver', growth: 1200, tierReviewDueOn: '2026-11-01' });
    expect(d.tier?.change).toMatchObject({ kind: 'upgrade', fromTierId: 'normal', toTierId: 'silver' });
    expect(d.orderDay).toEqual({ on: '2026-11-23', orders: 1, justUnder: 0, earned: 120, byStaff: [{ openid: 'o-clerk', orders: 1 }] });
    expect(d.purchases).toMatchObject({ count: 1, amountFen: 120_000 });
    expect(d.order).toMatchObject({ growth: 1200, held: false, refundedFen: 0, fingerprint: 'fp' });
    expect(d.order).not.toHaveProperty('growthHeld');
    expect(d.flags).toEqual([]);
    expect(d.settlesReferral).toBe(false);
  });

  it('holds a late entry: points held, growth held on the order, no tier step, the inviter not rewarded yet', () => {
    const d = credited(input({ amountFen: 2_500_000, paidAt: '2026-11-21T02:00:00Z', member: member({ referralDue: 'inviter-1' }) }));
    expect(d.result).toMatchObject({ held: true, flags: ['late_entry'], growth: 25_000 });
    expect(d.tier).toBeNull();
    expect(d.order).toMatchObject({ growth: 25_000, growthHeld: true, held: true });
    expect(d.points.pendingLots).toEqual([expect.objectContaining({ held: true })]);
    expect(d.settlesReferral).toBe(false);
    expect(d.flags).toEqual([
      expect.objectContaining({ _id: 'fraud:pos:store-a:R1:late_entry', status: 'open', held: true, lotId: 'order:pos:store-a:R1:earn' }),
    ]);
    expect(d.purchases).toMatchObject({ count: 1 }); // the visit happened
  });

  it('an invited member’s first order that is not held settles the referral', () => {
    expect(credited(input({ member: member({ referralDue: 'inviter-1' }) })).settlesReferral).toBe(true);
  });
});

const order = (over: Partial<OrderDoc> = {}): OrderDoc => ({
  _id: 'pos:store-a:R1',
  storeId: 'store-a',
  receiptNo: 'R1',
  memberId: '100000000001',
  items: [{ sku: 'S1', category: 'coffee', priceFen: 100_000, quantity: 1 }],
  amountFen: 100_000,
  paidAt: NOW,
  channel: 'staff',
  staffOpenid: 'o-clerk',
  rulesVersion: 1,
  points: 100,
  growth: 1000,
  lotId: 'order:pos:store-a:R1:earn',
  flags: [],
  held: false,
  maturesOn: '2026-11-24',
  refundedFen: 0,
  pointsClawed: 0,
  growthClawed: 0,
  createdAt: NOW,
  ...over,
});
const withLot = (over: Partial<MemberPoints> = {}): MemberPoints => ({
  available: 100,
  pending: 0,
  lots: [{ id: 'order:pos:store-a:R1:earn', remaining: 100, earnedOn: '2026-11-23', expiresOn: '2027-11-23' }],
  pendingLots: [],
  debt: 0,
  nextEventOn: '2027-11-23',
  earnedDays: [],
  seq: 1,
  reconcileDue: false,
  ...over,
});

describe('decideRefund', () => {
  const refund = (over: Partial<Parameters<typeof decideRefund>[0]> = {}) =>
    decideRefund({
      order: order(),
      member: member({ tierId: 'silver', growth: 1000, points: withLot() }),
      amountFen: 40_000,
      refundId: 'refund-1',
      entryId: 'refund:staff:refund-1',
      rules: RULES,
      tiers: DEFAULT_TIER_CONFIG,
      fingerprint: 'fp',
      now: NOW,
      ...over,
    });

  it('takes back a share of points and growth; the tier waits for the review', () => {
    const d = refund();
    expect(refundDecisionSchema.parse(d)).toEqual(d);
    if (d.kind !== 'refund') throw new Error('refused');
    expect(d.result).toEqual({ refundId: 'refund-1', orderId: 'pos:store-a:R1', pointsClawed: 40, growthClawed: 400, shortfall: 0, duplicate: false });
    expect(d.orderUpdate).toEqual({ refundedFen: 40_000, pointsClawed: 40, growthClawed: 400 });
    expect(d.tier.fields).toMatchObject({ tierId: 'silver', growth: 600 });
    expect(d.entry).toMatchObject({ kind: 'refund', refund: { amountFen: 40_000, growth: 400 } });
    expect(plain(d.entry.movement)).toEqual({ delta: -40, pendingDelta: 0 });
  });

  it('growth still held with the order is not taken from the member; forfeited growth and points are not taken twice', () => {
    const held = refund({ order: order({ growthHeld: true }), member: member({ growth: 0, points: withLot() }) });
    expect(held).toMatchObject({ kind: 'refund', tier: { fields: { growth: 0 } }, orderUpdate: { growthClawed: 400 } });
    const forfeited = refund({
      order: order({ growthForfeited: 1000, pointsForfeited: 100 }),
      member: member({ growth: 0, points: withLot({ available: 0, lots: [] }) }),
    });
    expect(forfeited).toMatchObject({ kind: 'refund', result: { pointsClawed: 0, growthClawed: 0 } });
  });

  it('refuses another store’s order, a refund beyond the order, and an erased member', () => {
    expect(refund({ storeId: 'store-b' })).toEqual({ kind: 'refused', code: 'ORDER_NOT_FOUND' });
    expect(refund({ order: null })).toEqual({ kind: 'refused', code: 'ORDER_NOT_FOUND' });
    expect(refund({ amountFen: 100_001 })).toMatchObject({ kind: 'refused', code: 'REFUND_EXCEEDS_ORDER', details: { refundable: 100_000 } });
    expect(refund({ member: null })).toEqual({ kind: 'refused', code: 'MEMBER_NOT_FOUND' });
  });
});

describe('decideFraudReview', () => {
  const heldPoints = withLot({
    available: 0,
    pending: 100,
    lots: [],
    pendingLots: [{ id: 'order:pos:store-a:R1:earn', amount: 100, earnedOn: '2026-11-21', maturesOn: '2026-11-24', expiresOn: '2027-11-21', held: true }],
  });
  const review = (over: Partial<FraudReviewInput> = {}) => {
    const d = decideFraudReview({
      decision: 'release',
      flag: { _id: 'fraud:pos:store-a:R1:late_entry', lotId: 'order:pos:store-a:R1:earn', orderId: 'pos:store-a:R1' },
      siblings: [],
      member: member({ tierId: 'gold', growth: 19_500, points: heldPoints }),
      order: order({ growth: 1000, growthHeld: true, held: true, flags: ['late_entry'] }),
      forfeitRecorded: false,
      tiers: DEFAULT_TIER_CONFIG,
      note: '',
      now: NOW,
      ...over,
    });
    expect(fraudReviewSchema.parse(d)).toEqual(d);
    return d;
  };

  it('release with no other open flag: the lot is released and the held growth granted, with the upgrade it reaches', () => {
    const d = review();
    expect(d.releasedPoints?.pendingLots[0]).toMatchObject({ held: false });
    expect(d.tier?.fields).toMatchObject({ tierId: 'diamond', growth: 20_500 });
    expect(d.tier?.change).toMatchObject({ kind: 'upgrade', toTierId: 'diamond' });
    expect(d.orderUpdate).toEqual({ growthHeld: false });
    expect(d.result).toEqual({ flagId: 'fraud:pos:store-a:R1:late_entry', status: 'released', changed: true, stillHeldBy: [] });
  });

  it('release while another flag is open: nothing moves', () => {
    const d = review({ siblings: ['fraud:pos:store-a:R1:staff_repeat'] });
    expect(d).toMatchObject({ releasedPoints: null, tier: null, orderUpdate: {}, result: { stillHeldBy: ['fraud:pos:store-a:R1:staff_repeat'] } });
  });

  it('confirm of a held order: points forfeited with an entry, held growth forfeited on the order, the member’s growth untouched', () => {
    const d = review({ decision: 'confirm', siblings: ['fraud:pos:store-a:R1:staff_repeat'] });
    expect(d.forfeit).toMatchObject({ amount: 100, entry: { id: 'forfeit:order:pos:store-a:R1:earn', kind: 'forfeit' } });
    expect(plain(d.forfeit!.entry.movement)).toEqual({ delta: 0, pendingDelta: -100 });
    expect(d.tier).toBeNull();
    expect(d.orderUpdate).toEqual({ pointsForfeited: 100, growthHeld: false, growthForfeited: 1000 });
    expect(d.result).toEqual({
      flagId: 'fraud:pos:store-a:R1:late_entry',
      status: 'confirmed',
      changed: true,
      forfeited: 100,
      closed: ['fraud:pos:store-a:R1:staff_repeat'],
    });
  });

  it('confirm of an order whose growth was granted: growth taken back, and the tier it bought', () => {
    const d = review({
      decision: 'confirm',
      member: member({ tierId: 'diamond', growth: 20_500, points: withLot() }),
      order: order({ growth: 1000 }),
    });
    expect(d.forfeit).toMatchObject({ amount: 100 });
    expect(plain(d.forfeit!.entry.movement)).toEqual({ delta: -100, pendingDelta: 0 });
    expect(d.tier?.fields).toMatchObject({ tierId: 'gold', growth: 19_500 });
    expect(d.tier?.change).toMatchObject({ kind: 'downgrade', fromTierId: 'diamond', toTierId: 'gold' });
    expect(d.orderUpdate).toEqual({ pointsForfeited: 100, growthForfeited: 1000 });
  });

  it('a forfeit already written is not written again', () => {
    expect(review({ decision: 'confirm', forfeitRecorded: true })).toMatchObject({ forfeit: null, result: { forfeited: 0 } });
  });
});

describe('revokeGrowth', () => {
  it('drops the tier only when the member qualified before and no longer does', () => {
    const at = (tierId: string, growth: number) => revokeGrowth({ tierId, growth }, 1000, DEFAULT_TIER_CONFIG, NOW, '2026-11-23');
    expect(at('diamond', 20_500)).toMatchObject({ fields: { tierId: 'gold', growth: 19_500 }, change: { kind: 'downgrade' } });
    expect(at('diamond', 22_000)).toMatchObject({ fields: { tierId: 'diamond', growth: 21_000 }, change: null });
    // already below the tier (in grace from a review): the review settles it, not the verdict
    expect(at('diamond', 15_000)).toMatchObject({ fields: { tierId: 'diamond', growth: 14_000 }, change: null });
  });
});

describe('restore (a cancelled redemption gives its lots back)', () => {
  const spent = [
    { id: 'a', amount: 500, earnedOn: '2025-12-01', expiresOn: '2026-12-01' },
    { id: 'b', amount: 200, earnedOn: '2026-11-01', expiresOn: '2099-06-01' },
  ];
  const empty = withLot({ available: 300, lots: [{ id: 'b', remaining: 300, earnedOn: '2026-11-01', expiresOn: '2099-06-01' }] });

  it('lots still valid come back spendable with their dates; expired ones come back expired, one movement each', () => {
    const r = restore(empty, spent, 'mo-1', '2026-12-05');
    expect(r.movement).toEqual({ delta: 700, pendingDelta: 0 });
    expect(r.expired).toEqual([
      { lot: { id: 'a~mo-1', remaining: 500, earnedOn: '2025-12-01', expiresOn: '2026-12-01' }, movement: { delta: -500, pendingDelta: 0 } },
    ]);
    expect(r.points.available).toBe(500);
    expect(r.points.lots.map((l) => l.id).sort()).toEqual(['b', 'b~mo-1']);
  });

  it('before any expiry everything comes back; an expired lot never repays a debt', () => {
    expect(restore(empty, spent, 'mo-1', '2026-11-30')).toMatchObject({ expired: [], points: { available: 1000 } });
    const inDebt = withLot({ available: -600, lots: [], debt: 600 });
    const r = restore(inDebt, spent, 'mo-1', '2026-12-05');
    expect(r.points).toMatchObject({ debt: 400, available: -400, lots: [] });
    expect(r.movement.delta + r.expired.reduce((s, e) => s + e.movement.delta, 0)).toBe(200);
  });
});

describe('orderLine (the member’s order history)', () => {
  it('an order held for review reads 审核中 even when it earns no points: its growth waits too', () => {
    const facts = { amountFen: 5_000, points: 0, growth: 50, refundedFen: 0, pointsClawed: 0 };
    expect(orderLine({ ...facts, growthHeld: true }, 10_000)).toEqual({ state: 'held', note: '审核中，审核通过后发放' });
    expect(orderLine(facts, 10_000)).toEqual({ state: 'none', note: '消费未满 ¥100 不计积分，成长值 +50' });
  });
});
