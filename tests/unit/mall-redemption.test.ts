import {
  cancelRefusal,
  decideMallCancel,
  decideMallRedemption,
  decideMallShip,
  itemRefusal,
  mallCancelDecisionSchema,
  mallRedemptionDecisionSchema,
  mallShipDecisionSchema,
  type MallRedemptionInput,
} from '../../shared/rules/mall';
import type { MallOrderDoc } from '../../shared/schemas/mall';
import type { MallItemDoc } from '../../shared/schemas/mall';
import type { MemberPoints } from '../../shared/schemas/points';

/** The mall's redemption decided without a database: every refusal, and what a redemption writes. */
const NOW = new Date('2026-12-07T04:00:00.000Z');
const P: MemberPoints = {
  available: 300,
  pending: 0,
  lots: [
    { id: 'late', remaining: 200, earnedOn: '2026-06-01', expiresOn: '2027-06-01' },
    { id: 'soon', remaining: 100, earnedOn: '2025-12-01', expiresOn: '2026-12-31' },
  ],
  pendingLots: [],
  debt: 0,
  nextEventOn: '2026-12-31',
  earnedDays: [],
  seq: 3,
  reconcileDue: false,
};
const ITEM: MallItemDoc = {
  _id: 'item_1',
  kind: 'coupon',
  title: '咖啡券',
  images: [],
  description: '',
  pointsPrice: 100,
  cashFen: 0,
  perMemberLimit: 3,
  couponTemplateId: 'tpl_1',
  category: '券',
  sortOrder: 0,
  onShelfFrom: null,
  onShelfTo: null,
  tiers: null,
  stock: 10,
  sold: 2,
  codesLoaded: 0,
  codesIssued: 0,
  status: 'on',
  version: 1,
  createdAt: NOW,
  updatedAt: NOW,
};
const input = (over: Partial<MallRedemptionInput> = {}): MallRedemptionInput => ({
  requestId: 'req-00000001',
  quantity: 1,
  address: null,
  item: ITEM,
  member: { _id: 'm1', tierId: 'silver' },
  points: P,
  held: 0,
  now: NOW,
  ...over,
});
const ADDRESS = { cipher: 'c', masked: '张* 138****0000 上海' };

describe('decideMallRedemption refusals (nothing written)', () => {
  const cases: [string, Partial<MallRedemptionInput>, string, string | undefined][] = [
    ['erasure begun', { member: { _id: 'm1', tierId: 'silver', erasureBegunAt: NOW } }, 'MEMBER_NOT_FOUND', undefined],
    ['deleted', { member: { _id: 'm1', tierId: 'silver', deletedAt: NOW } }, 'MEMBER_NOT_FOUND', undefined],
    ['off the shelf', { item: { ...ITEM, status: 'off' } }, 'MALL_ITEM_UNAVAILABLE', '商品已下架'],
    ['not yet on', { item: { ...ITEM, onShelfFrom: '2026-12-08T00:00:00.000Z' } }, 'MALL_ITEM_UNAVAILABLE', '商品尚未上架'],
    ['ended', { item: { ...ITEM, onShelfTo: NOW.toISOString() } }, 'MALL_ITEM_UNAVAILABLE', '兑换已结束'],
    ['another tier', { item: { ...ITEM, tiers: ['gold'] } }, 'MALL_ITEM_UNAVAILABLE', '当前会员等级不可兑换'],
    ['physical without address', { item: { ...ITEM, kind: 'physical', couponTemplateId: null } }, 'VALIDATION_FAILED', '实物商品需填写收货地址'],
    ['out of stock', { item: { ...ITEM, stock: 1 }, quantity: 2 }, 'MALL_OUT_OF_STOCK', undefined],
    ['limit reached', { held: 2, quantity: 2 }, 'MALL_LIMIT_REACHED', undefined],
    ['points short', { quantity: 3, points: { ...P, available: 299 } }, 'POINTS_INSUFFICIENT', '积分不足（可用 299，需要 300）'],
  ];
  it.each(cases)('%s', (_name, over, code, message) => {
    const d = decideMallRedemption(input(over));
    expect(mallRedemptionDecisionSchema.parse(d)).toEqual(d);
    expect(d).toEqual(message === undefined ? { kind: 'refused', code } : { kind: 'refused', code, message });
  });

  it('the checks come in order: erasure before shelf before stock before limit before points', () => {
    const all = input({
      member: { _id: 'm1', tierId: 'silver', erasureBegunAt: NOW },
      item: { ...ITEM, status: 'off', stock: 0 },
      held: 3,
      points: { ...P, available: 0 },
    });
    expect(decideMallRedemption(all)).toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(decideMallRedemption({ ...all, member: { _id: 'm1', tierId: 'silver' } })).toMatchObject({ code: 'MALL_ITEM_UNAVAILABLE' });
    expect(decideMallRedemption({ ...all, member: { _id: 'm1', tierId: 'silver' }, item: { ...ITEM, stock: 0 } })).toMatchObject({ code: 'MALL_OUT_OF_STOCK' });
    expect(decideMallRedemption({ ...all, member: { _id: 'm1', tierId: 'silver' }, item: ITEM })).toMatchObject({ code: 'MALL_LIMIT_REACHED' });
  });

  it('itemRefusal answers the refusals that need no holding, and null otherwise', () => {
    expect(itemRefusal(input({ item: { ...ITEM, stock: 0 } }))).toEqual({ kind: 'refused', code: 'MALL_OUT_OF_STOCK' });
    expect(itemRefusal(input({ held: 3, points: { ...P, available: 0 } }))).toBeNull();
  });
});

describe('decideMallRedemption', () => {
  it('a coupon item: spends from the lots that expire first, one coupon key per unit, the stock and the holding', () => {
    const d = decideMallRedemption(input({ quantity: 2, held: 1 }));
    expect(mallRedemptionDecisionSchema.parse(d)).toEqual(d);
    if (d.kind !== 'redeem') throw new Error('refused');
    expect(d.entry).toEqual({
      id: 'redeem:mall:req-00000001',
      kind: 'spend',
      movement: { delta: -200, pendingDelta: 0 },
      reason: '积分兑换：咖啡券 ×2',
      ref: { type: 'mall', id: 'mo-req-00000001' },
    });
    expect(d.points.available).toBe(100);
    expect(d.points.lots).toEqual([{ id: 'late', remaining: 100, earnedOn: '2026-06-01', expiresOn: '2027-06-01' }]);
    expect(d.coupons).toEqual({ templateId: 'tpl_1', keys: ['mall:mo-req-00000001:1', 'mall:mo-req-00000001:2'] });
    expect(d.codeSlots).toEqual([]);
    expect(d.item).toEqual({ stock: 8, sold: 4, codesIssued: 0 });
    expect(d.holdingCount).toBe(3);
    expect(d.order).toEqual({
      _id: 'mo-req-00000001',
      requestId: 'req-00000001',
      memberId: 'm1',
      itemId: 'item_1',
      kind: 'coupon',
      title: '咖啡券',
      quantity: 2,
      pointsSpent: 200,
      cashFen: 0,
      status: 'completed',
      entryId: 'redeem:mall:req-00000001',
      spentLots: [
        { id: 'soon', amount: 100, earnedOn: '2025-12-01', expiresOn: '2026-12-31' },
        { id: 'late', amount: 100, earnedOn: '2026-06-01', expiresOn: '2027-06-01' },
      ],
      address: null,
      shipping: null,
      cancelledAt: null,
      refundEntryId: null,
      createdAt: NOW,
    });
  });

  it('a virtual item takes the next pool slots; a physical item keeps its address and waits as paid', () => {
    const v = decideMallRedemption(input({ quantity: 2, item: { ...ITEM, kind: 'virtual', couponTemplateId: null, codesLoaded: 5, codesIssued: 3 } }));
    if (v.kind !== 'redeem') throw new Error('refused');
    expect(v.codeSlots).toEqual(['item_1:4', 'item_1:5']);
    expect(v.coupons).toBeNull();
    expect(v.item).toEqual({ stock: 8, sold: 4, codesIssued: 5 });
    expect(v.order.status).toBe('completed');

    const p = decideMallRedemption(input({ address: ADDRESS, item: { ...ITEM, kind: 'physical', couponTemplateId: null, cashFen: 990 } }));
    if (p.kind !== 'redeem') throw new Error('refused');
    expect(p.order).toMatchObject({ status: 'paid', address: ADDRESS, cashFen: 990 });
    expect(p.coupons).toBeNull();
    expect(p.codeSlots).toEqual([]);
  });

  it('a coupon or virtual item drops an address it was given', () => {
    const d = decideMallRedemption(input({ address: ADDRESS }));
    if (d.kind !== 'redeem') throw new Error('refused');
    expect(d.order.address).toBeNull();
  });
});

describe('decideMallCancel', () => {
  const redeemed = decideMallRedemption(input({ quantity: 2, address: ADDRESS, item: { ...ITEM, kind: 'physical', couponTemplateId: null } }));
  if (redeemed.kind !== 'redeem') throw new Error('refused');
  const ORDER: MallOrderDoc = { ...redeemed.order, couponIds: [], codes: [] };
  const cancelInput = { order: ORDER, points: redeemed.points, item: { stock: 8, sold: 4 }, holding: { count: 2 }, refundRecorded: false, now: NOW };

  it('refuses what cannot be taken back, and answers a cancelled order as a replay', () => {
    expect(cancelRefusal({ kind: 'coupon', status: 'completed' })).toEqual({ kind: 'refused', code: 'MALL_ORDER_NOT_CANCELLABLE' });
    expect(cancelRefusal({ kind: 'physical', status: 'shipped' })).toEqual({ kind: 'refused', code: 'MALL_ORDER_NOT_CANCELLABLE' });
    expect(cancelRefusal({ kind: 'physical', status: 'cancelled' })).toEqual({ kind: 'duplicate' });
    expect(cancelRefusal({ kind: 'physical', status: 'paid' })).toBeNull();
    const d = decideMallCancel({ ...cancelInput, order: { ...ORDER, status: 'shipped' } });
    expect(mallCancelDecisionSchema.parse(d)).toEqual(d);
    expect(d).toEqual({ kind: 'refused', code: 'MALL_ORDER_NOT_CANCELLABLE' });
  });

  it('gives back exactly the points (lots with their original dates), the stock and the limit', () => {
    const d = decideMallCancel(cancelInput);
    expect(mallCancelDecisionSchema.parse(d)).toEqual(d);
    if (d.kind !== 'cancel') throw new Error('not cancelled');
    expect(d.points?.available).toBe(300);
    expect(d.entries).toEqual([
      {
        id: 'refund:mall:mo-req-00000001',
        kind: 'refund',
        movement: { delta: 200, pendingDelta: 0 },
        reason: '取消兑换：咖啡券',
        ref: { type: 'mall', id: 'mo-req-00000001' },
      },
    ]);
    expect(d.item).toEqual({ stock: 10, sold: 2 });
    expect(d.holdingCount).toBe(0);
    expect(d.refundEntryId).toBe('refund:mall:mo-req-00000001');
  });

  it('a lot expired meanwhile comes back expired, with its own entry', () => {
    const d = decideMallCancel({ ...cancelInput, now: new Date('2027-01-05T04:00:00.000Z') });
    if (d.kind !== 'cancel') throw new Error('not cancelled');
    expect(d.points?.available).toBe(200);
    expect(d.entries.map((e) => [e.id, e.kind, e.movement.delta])).toEqual([
      ['refund:mall:mo-req-00000001', 'refund', 200],
      ['expire:soon~mo-req-00000001', 'expire', -100],
    ]);
  });

  it('a refund already recorded moves no points; a gone item or holding is left alone', () => {
    const d = decideMallCancel({ ...cancelInput, refundRecorded: true, item: null, holding: null });
    expect(d).toEqual({ kind: 'cancel', points: null, entries: [], item: null, holdingCount: null, refundEntryId: 'refund:mall:mo-req-00000001' });
  });
});

describe('decideMallShip', () => {
  const shipped = { carrier: '顺丰', trackingNo: 'SF1234567890', shippedAt: new Date('2026-12-06T02:00:00.000Z'), by: 'o-boss' };
  const ship = (order: Pick<MallOrderDoc, 'kind' | 'status' | 'shipping'>, trackingNo = 'SF1234567890') =>
    decideMallShip({ order, carrier: '顺丰', trackingNo, by: 'o-boss', now: NOW });

  it('ships a paid physical order once, stamped with who and when', () => {
    const d = ship({ kind: 'physical', status: 'paid', shipping: null });
    expect(mallShipDecisionSchema.parse(d)).toEqual(d);
    expect(d).toEqual({ kind: 'ship', shipping: { carrier: '顺丰', trackingNo: 'SF1234567890', shippedAt: NOW, by: 'o-boss' } });
  });

  it('the same shipment again is a replay; another tracking number for a shipped order is refused', () => {
    expect(ship({ kind: 'physical', status: 'shipped', shipping: shipped })).toEqual({ kind: 'duplicate' });
    expect(ship({ kind: 'physical', status: 'shipped', shipping: shipped }, 'SF0000000000')).toEqual({
      kind: 'refused',
      code: 'VALIDATION_FAILED',
      message: '订单不需要发货或已发货',
    });
  });

  it('refuses a cancelled order, and an order with nothing to ship', () => {
    expect(ship({ kind: 'physical', status: 'cancelled', shipping: null })).toEqual({ kind: 'refused', code: 'VALIDATION_FAILED', message: '订单已取消' });
    for (const kind of ['coupon', 'virtual'] as const) {
      const d = ship({ kind, status: 'completed', shipping: null });
      expect(mallShipDecisionSchema.parse(d)).toEqual(d);
      expect(d).toEqual({ kind: 'refused', code: 'VALIDATION_FAILED', message: '订单不需要发货或已发货' });
    }
  });
});
