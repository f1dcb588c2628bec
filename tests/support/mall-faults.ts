import { buildNewMember } from '../../cloudfunctions/member/new-member';
import { businessDate } from '../../shared/calendar';
import { backOff, closeTestCloud, openTestCloud, type TestCloud } from './local-cloud';
import { seedStoreAndStaff, type Any } from './points-kit';
import { cashTemplateInput } from './coupon-kit';
import type { Result } from '../../shared/envelope';

const FAULTS = { conflict: 0.2, transient: 0.1, lostReply: 0.05, seed: 1414 };
const SYSTEM = ['CONFLICT', 'UNAVAILABLE'];

interface MallSoakOptions {
  /** members redeeming a stock of 10 at once */
  redeemers: number;
  /** register the stock race alone (the soak project); the other cases show as skipped */
  stockRaceOnly?: boolean;
}

/**
 * The points mall under concurrency with injected faults: tests/integration/mall.test.ts runs it with a
 * few dozen redeemers, tests/soak/mall.test.ts the stock race alone with a hundred.
 */
export function describeMallUnderFaults({ redeemers, stockRaceOnly = false }: MallSoakOptions): void {
  describe('points mall under concurrency with injected faults', () => {
    const also = stockRaceOnly ? it.skip : it;
    let cloud: TestCloud;
    beforeEach(() => {
      cloud = openTestCloud({ faults: FAULTS });
      seedStoreAndStaff(cloud);
    });
    afterEach(async () => {
      // reconciliation is clean after every test: Σ ledger == balances, lots consistent
      const rec = await call('points', { action: 'reconcile', limit: 200 }, 'o-boss');
      expect(rec).toMatchObject({ ok: true, data: { drifts: [] } });
      closeTestCloud(cloud);
    });

    async function call(fn: string, data: Record<string, unknown>, openid: string): Promise<Result<Any> & { attempts: number }> {
      for (let attempt = 1; ; attempt += 1) {
        const r = (await cloud.invoke(fn, data, { openid })) as Result<Any>;
        if (r.ok || !SYSTEM.includes(r.code) || attempt >= 40) return { ...r, attempts: attempt };
        await backOff(cloud, 10 + Math.random() * 40 * Math.min(attempt, 8));
      }
    }
    const ok = async (fn: string, data: Record<string, unknown>, openid: string) => {
      const r = await call(fn, data, openid);
      if (!r.ok) throw new Error(`${fn}.${String(data.action)}: ${r.code} ${r.message}`);
      return r.data;
    };
    /** Members with `points` available in two lots (the one expiring first is spent first), each with its ledger entry. */
    function members(n: number, points: number, from = 0): string[] {
      const today = businessDate(new Date());
      const ids: string[] = [];
      for (let i = from; i < from + n; i += 1) {
        const id = `7${String(i).padStart(11, '0')}`;
        const early = Math.floor(points / 2);
        const lots = [
          { id: `seed:${id}:a`, remaining: early, earnedOn: '2026-01-01', expiresOn: '2099-01-01' },
          { id: `seed:${id}:b`, remaining: points - early, earnedOn: today, expiresOn: '2099-06-01' },
        ].filter((l) => l.remaining > 0);
        const doc = {
          ...buildNewMember(`o-p${i}`, id, new Date()),
          points: {
            available: points,
            pending: 0,
            lots,
            pendingLots: [],
            debt: 0,
            nextEventOn: lots[0]?.expiresOn ?? null,
            earnedDays: [],
            seq: lots.length,
            reconcileDue: true,
          },
        };
        cloud.store.insert('members', doc as unknown as { _id: string });
        let balance = 0;
        for (const l of lots) {
          balance += l.remaining;
          cloud.store.insert('ledger', {
            _id: l.id,
            memberId: id,
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
        ids.push(id);
      }
      return ids;
    }
    const item = (over: Record<string, unknown> = {}) =>
      ok(
        'mall',
        { action: 'createItem', kind: 'physical', title: '拾光马克杯', pointsPrice: 300, stock: 10, perMemberLimit: 1, category: '周边', ...over },
        'o-boss',
      );
    const address = { name: '林小姐', phone: '13912345678', region: '上海市静安区', detail: '南京西路 1788 号' };
    const doc = (coll: string, id: string) => cloud.store.get(coll, id)?.doc as Any;
    const available = (id: string) => doc('members', id).points.available as number;

    it(`stock 10 and ${redeemers} concurrent members with enough points give exactly 10 orders and stock 0`, async () => {
      const { itemId } = await item({ kind: 'coupon', title: '满100减20 券', couponTemplateId: await template(), stock: 10 });
      const ids = members(redeemers, 1000);
      const results = await Promise.all(ids.map((_, i) => call('mall', { action: 'redeem', itemId, requestId: `redeem-stock-${i}` }, `o-p${i}`)));
      const codes: Record<string, number> = {};
      for (const r of results) codes[r.ok ? 'ok' : r.code] = (codes[r.ok ? 'ok' : r.code] ?? 0) + 1;
      expect(codes).toEqual({ ok: 10, MALL_OUT_OF_STOCK: redeemers - 10 });
      expect(cloud.store.scan('mall_orders')).toHaveLength(10);
      expect(doc('mall_items', itemId)).toMatchObject({ stock: 0, sold: 10 });
      // each order issued its coupon through the one issuing path, and spent exactly its points
      const coupons = cloud.store.scan('coupons').map((s) => s.doc as Any);
      expect(coupons).toHaveLength(10);
      expect(coupons.every((c) => c.channel === 'points_mall')).toBe(true);
      for (const [i, r] of results.entries()) {
        expect(available(ids[i])).toBe(r.ok ? 700 : 1000);
        if (r.ok) expect(doc('coupons', r.data.couponId).memberId).toBe(ids[i]);
      }
    });

    also("one member's concurrent redemptions never take the balance below zero; a retried requestId redeems once", async () => {
      const [id] = members(1, 1000, 500);
      const { itemId } = await item({
        kind: 'virtual',
        title: '话费充值 10 元',
        pointsPrice: 150,
        perMemberLimit: 100,
        stock: 20,
        codes: Array.from({ length: 20 }, (_, i) => `RC-${1000 + i}`),
      });
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call('mall', { action: 'redeem', itemId, requestId: `redeem-one-${i}` }, 'o-p500')),
      );
      const oks = results.filter((r) => r.ok);
      expect(oks).toHaveLength(6); // 6 × 150 = 900 ≤ 1000 < 7 × 150
      expect(results.filter((r) => !r.ok).every((r) => (r as { code: string }).code === 'POINTS_INSUFFICIENT')).toBe(true);
      expect(available(id)).toBe(100);
      expect(doc('mall_items', itemId)).toMatchObject({ stock: 14, sold: 6, codesIssued: 6 });
      const handed = oks.flatMap((r) => (r as Any).data.codes as string[]);
      expect(new Set(handed).size).toBe(6);

      // the same request again (a double tap, a lost reply): the same order, nothing spent twice
      const first = (oks[0] as Any).data;
      const again = await Promise.all(Array.from({ length: 5 }, () => call('mall', { action: 'redeem', itemId, requestId: first.orderId.slice(3) }, 'o-p500')));
      for (const r of again) expect(r).toMatchObject({ ok: true, data: { orderId: first.orderId, pointsSpent: 150, duplicate: true, codes: first.codes } });
      expect(available(id)).toBe(100);
      expect(cloud.store.scan('ledger').filter((s) => (s.doc as Any).kind === 'spend')).toHaveLength(6);
      // the same request id with another item is not this order
      const { itemId: other } = await item({ title: '帆布袋', pointsPrice: 10, stock: 5 });
      expect(await call('mall', { action: 'redeem', itemId: other, requestId: first.orderId.slice(3), address }, 'o-p500')).toMatchObject({
        ok: false,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    });

    also('a cancelled order returns exactly its points (lots with their original expiry) and its stock; a shipped one cannot be cancelled', async () => {
      const [id] = members(1, 1000, 600);
      const { itemId } = await item({ pointsPrice: 700, perMemberLimit: 1, stock: 3 });
      const lotsBefore = doc('members', id).points.lots;
      expect(await call('mall', { action: 'redeem', itemId, requestId: 'redeem-addr-0' }, 'o-p600')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      const r = await ok('mall', { action: 'redeem', itemId, requestId: 'redeem-cancel-1', address }, 'o-p600');
      expect(r).toMatchObject({ pointsSpent: 700, balanceAfter: 300 });
      // the address is stored encrypted, shown masked in lists and in full to the member and merchant
      const stored = doc('mall_orders', r.orderId);
      expect(JSON.stringify(stored)).not.toContain('13912345678');
      expect(stored.address.masked).toBe('林* 139****5678 上海市静安区');
      expect((await ok('mall', { action: 'myOrders' }, 'o-p600')).orders[0]).toMatchObject({ status: 'paid', address });
      // the lots that expire first went first
      expect(stored.spentLots).toEqual([
        { id: `seed:${id}:a`, amount: 500, earnedOn: '2026-01-01', expiresOn: '2099-01-01' },
        { id: `seed:${id}:b`, amount: 200, earnedOn: lotsBefore[1].earnedOn, expiresOn: '2099-06-01' },
      ]);
      expect(await call('mall', { action: 'redeem', itemId, requestId: 'redeem-cancel-2', address }, 'o-p600')).toMatchObject({
        ok: false,
        code: 'MALL_LIMIT_REACHED',
      });

      const cancelled = await Promise.all([0, 1, 2].map(() => call('mall', { action: 'cancel', orderId: r.orderId }, 'o-p600')));
      expect(cancelled.every((c) => c.ok)).toBe(true);
      expect(cancelled.filter((c) => c.ok && !c.data.duplicate)).toHaveLength(1);
      expect(available(id)).toBe(1000);
      expect(doc('mall_items', itemId)).toMatchObject({ stock: 3, sold: 0 });
      const refund = cloud.store
        .scan('ledger')
        .map((s) => s.doc as Any)
        .filter((e) => e.kind === 'refund');
      expect(refund).toEqual([expect.objectContaining({ _id: `refund:mall:${r.orderId}`, delta: 700 })]);
      const lotsAfter = doc('members', id).points.lots as Any[];
      expect(lotsAfter.map((l) => [l.remaining, l.expiresOn]).sort()).toEqual(
        [
          [300, '2099-06-01'],
          [200, '2099-06-01'],
          [500, '2099-01-01'],
        ].sort(),
      );
      expect(await call('mall', { action: 'cancel', orderId: r.orderId }, 'o-p601')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });

      // the limit is free again; a shipped order cannot be cancelled
      const r2 = await ok('mall', { action: 'redeem', itemId, requestId: 'redeem-cancel-3', address }, 'o-p600');
      const shipped = await ok('mall', { action: 'ship', orderId: r2.orderId, carrier: '顺丰', trackingNo: 'SF1234567890' }, 'o-boss');
      expect(shipped).toMatchObject({ status: 'shipped', shipping: { carrier: '顺丰', trackingNo: 'SF1234567890' }, address });
      expect(await call('mall', { action: 'cancel', orderId: r2.orderId }, 'o-p600')).toMatchObject({ ok: false, code: 'MALL_ORDER_NOT_CANCELLABLE' });
      expect(await call('mall', { action: 'ship', orderId: r2.orderId, carrier: '顺丰', trackingNo: 'SF1234567890' }, 'o-clerk')).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      expect(available(id)).toBe(300);
    });

    also('the shelf: categories, 我能兑换 by balance, sort by points; off-shelf, out-of-window and other tiers refused', async () => {
      members(1, 500, 700);
      const a = await item({ title: 'A', pointsPrice: 800, category: '周边' });
      const b = await item({ title: 'B', pointsPrice: 200, category: '饮品券', kind: 'coupon', couponTemplateId: await template() });
      const c = await item({ title: 'C', pointsPrice: 400, category: '周边', tiers: ['gold'] });
      await item({
        title: 'D',
        pointsPrice: 100,
        category: '周边',
        onShelfTo: new Date(Date.now() - 1000).toISOString(),
        onShelfFrom: new Date(Date.now() - 86_400_000).toISOString(),
      });
      const shelf = await ok('mall', { action: 'listItems', sort: 'points_asc' }, 'o-p700');
      expect(shelf.balance).toBe(500);
      expect(shelf.categories.sort()).toEqual(['周边', '饮品券']);
      expect(shelf.items.map((i: Any) => i.title)).toEqual(['B', 'C', 'A']);
      expect((await ok('mall', { action: 'listItems', affordable: true, sort: 'points_desc' }, 'o-p700')).items.map((i: Any) => i.title)).toEqual(['C', 'B']);
      expect((await ok('mall', { action: 'listItems', category: '周边' }, 'o-p700')).items.map((i: Any) => i.title).sort()).toEqual(['A', 'C']);
      expect(await call('mall', { action: 'redeem', itemId: c.itemId, requestId: 'redeem-tier-1', address }, 'o-p700')).toMatchObject({
        ok: false,
        code: 'MALL_ITEM_UNAVAILABLE',
      });
      expect(await call('mall', { action: 'redeem', itemId: a.itemId, requestId: 'redeem-poor-1', address }, 'o-p700')).toMatchObject({
        ok: false,
        code: 'POINTS_INSUFFICIENT',
      });
      const view = (await ok('mall', { action: 'adminItems' }, 'o-boss')).items.find((i: Any) => i.itemId === b.itemId);
      const { itemId: _i, stock: _s, sold: _so, version, ...fields } = view;
      expect(await ok('mall', { action: 'updateItem', itemId: b.itemId, expectedVersion: version, ...fields, status: 'off' }, 'o-boss')).toEqual({
        itemId: b.itemId,
        version: 2,
      });
      expect(await call('mall', { action: 'redeem', itemId: b.itemId, requestId: 'redeem-off-1' }, 'o-p700')).toMatchObject({
        ok: false,
        code: 'MALL_ITEM_UNAVAILABLE',
      });
      expect(await call('mall', { action: 'updateItem', itemId: b.itemId, expectedVersion: version, ...fields }, 'o-boss')).toMatchObject({
        ok: false,
        code: 'MALL_ITEM_VERSION_CONFLICT',
      });
      expect(await ok('mall', { action: 'restock', itemId: a.itemId, quantity: 5 }, 'o-boss')).toEqual({ itemId: a.itemId, stock: 15 });
      expect(await call('mall', { action: 'createItem', kind: 'coupon', title: 'x', pointsPrice: 1, stock: 1, category: 'x' }, 'o-boss')).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
      });
      expect(await call('mall', { action: 'createItem', kind: 'physical', title: 'x', pointsPrice: 1, stock: 1, category: 'x' }, 'o-p700')).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      expect(doc('members', `7${String(700).padStart(11, '0')}`).points.available).toBe(500);
    });

    async function template(): Promise<string> {
      return (await ok('coupon', cashTemplateInput({ stock: 1000, perMemberLimit: 5, channels: ['points_mall'] }), 'o-boss')).templateId;
    }
  });
}
