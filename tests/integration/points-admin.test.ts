import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock, setClock, shanghai } from '../support/clock';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';

jest.setTimeout(60_000);

const RULES = { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' as const } };

/** Merchant and staff actions: fraud review, adjustments, rules, recording orders, the daily cap. */
describe('points administration', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    cloud.store.insert('stores', { _id: 'store-b', name: 'B店' });
    cloud.store.insert('roles', { _id: 'o-clerk-b', openid: 'o-clerk-b', role: 'staff', name: 'B店员', storeId: 'store-b' });
    cloud.store.insert('settings', { _id: 'points-rules', version: 1, rules: RULES, updatedAt: new Date(), updatedBy: 'o-boss' });
    setClock(shanghai('2026-11-23 12:00'));
  });
  afterEach(() => {
    realClock();
    closeTestCloud(cloud);
  });

  const { call, ok, register, trigger, order, points, ledger, expectBalanced } = pointsKit(() => cloud, { defaultPaidAt: () => shanghai('2026-11-23 11:00') });
  const snapshot = () => JSON.stringify(['members', 'ledger', 'orders', 'fraud_flags', 'settings'].map((c) => cloud.store.scan(c).map((s) => s.doc)));

  describe('fraud flags', () => {
    it('flags a clerk crediting one member too often, holds it, and release lets it mature', async () => {
      const memberId = await register('o-ann');
      const results: Any[] = [];
      for (let i = 1; i <= 5; i += 1) results.push(await ok('points', order(`F${i}`, memberId, 10000), 'o-clerk'));
      expect(results.slice(0, 4).every((r) => r.flags.length === 0 && !r.held)).toBe(true);
      expect(results[4]).toMatchObject({ flags: ['staff_repeat'], held: true, points: 10 });

      // merchant only
      expect(await call({ action: 'listFraudFlags' }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call({ action: 'listFraudFlags' }, 'o-ann')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call({ action: 'reviewFraudFlag', flagId: 'fraud:pos:store-a:F5:staff_repeat', decision: 'release' }, 'o-clerk')).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      const flags = await ok('points', { action: 'listFraudFlags' }, 'o-boss');
      expect(flags).toHaveLength(1);
      expect(flags[0]).toMatchObject({
        _id: 'fraud:pos:store-a:F5:staff_repeat',
        kind: 'staff_repeat',
        memberId,
        staffOpenid: 'o-clerk',
        staffName: '店员',
        storeName: 'A店',
        held: true,
        status: 'open',
        points: 10,
      });

      // the held accrual does not mature in the nightly run
      setClock(shanghai('2026-11-24 02:30'));
      expect(await trigger()).toMatchObject({ matured: 4 });
      expect(points(memberId)).toMatchObject({ available: 140, pending: 10, pendingLots: [{ id: 'order:pos:store-a:F5:earn', held: true }] });

      setClock(shanghai('2026-11-24 10:00'));
      expect(await ok('points', { action: 'reviewFraudFlag', flagId: flags[0]._id, decision: 'release', note: '核实无误' }, 'o-boss')).toMatchObject({
        status: 'released',
        changed: true,
      });
      expect(await ok('points', { action: 'reviewFraudFlag', flagId: flags[0]._id, decision: 'confirm' }, 'o-boss')).toMatchObject({
        status: 'released',
        changed: false,
      });
      expect(await ok('points', { action: 'listFraudFlags' }, 'o-boss')).toEqual([]);
      expect(await ok('points', { action: 'listFraudFlags', status: 'released' }, 'o-boss')).toMatchObject([{ reviewedBy: '老板', note: '核实无误' }]);

      setClock(shanghai('2026-11-25 02:30'));
      expect(await trigger()).toMatchObject({ matured: 1, drifts: [] });
      expect(points(memberId)).toMatchObject({ available: 150, pending: 0 });
      expectBalanced(memberId);
    });

    it('confirm forfeits the held points with a ledger entry; a later refund does not take them again', async () => {
      const memberId = await register('o-bob');
      for (let i = 1; i <= 5; i += 1) await ok('points', order(`G${i}`, memberId, 10000), 'o-clerk');
      const r = await ok('points', { action: 'reviewFraudFlag', flagId: 'fraud:pos:store-a:G5:staff_repeat', decision: 'confirm', note: '串通刷分' }, 'o-boss');
      expect(r).toMatchObject({ status: 'confirmed', changed: true, forfeited: 10 });
      const entry = ledger(memberId).find((e) => e.kind === 'forfeit');
      expect(entry).toMatchObject({
        _id: 'forfeit:order:pos:store-a:G5:earn',
        delta: 0,
        pendingDelta: -10,
        actor: { openid: 'o-boss', role: 'merchant', name: '老板' },
      });
      expect(points(memberId)).toMatchObject({ available: 100, pending: 40 });
      expectBalanced(memberId);

      // refunding the whole order afterwards takes back nothing more (the points are already gone)
      const refund = await ok('points', { action: 'refundOrder', orderId: 'pos:store-a:G5', refundId: 'refund-G5-1', amountFen: 10000 }, 'o-boss');
      expect(refund).toMatchObject({ pointsClawed: 0, shortfall: 0 });
      setClock(shanghai('2026-11-24 02:30'));
      expect(await trigger()).toMatchObject({ matured: 4, drifts: [] });
      expect(points(memberId)).toMatchObject({ available: 140, pending: 0, debt: 0 });
      expectBalanced(memberId);
    });

    it('a refund id names one refund: a replay answers duplicate, reuse for another order is refused', async () => {
      const memberId = await register('o-rex');
      await ok('points', order('R1', memberId, 20000), 'o-clerk');
      await ok('points', order('R2', memberId, 20000), 'o-clerk');
      const first = await ok('points', { action: 'refundOrder', orderId: 'pos:store-a:R1', refundId: 'refund-R1-1', amountFen: 10000 }, 'o-boss');
      expect(first).toMatchObject({ duplicate: false, pointsClawed: 10 });
      const replay = await ok('points', { action: 'refundOrder', orderId: 'pos:store-a:R1', refundId: 'refund-R1-1', amountFen: 10000 }, 'o-boss');
      expect(replay).toEqual({ ...first, duplicate: true });
      const before = snapshot();
      const reused = await call({ action: 'refundOrder', orderId: 'pos:store-a:R2', refundId: 'refund-R1-1', amountFen: 10000 }, 'o-boss');
      expect(reused).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
      // The same refund id with another amount is another refund, not a replay: refused, not answered as the first.
      const otherAmount = await call({ action: 'refundOrder', orderId: 'pos:store-a:R1', refundId: 'refund-R1-1', amountFen: 5000 }, 'o-boss');
      // The refusal names the key only, never the first refund's order or amount.
      expect(otherAmount).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED', details: { key: 'refund-R1-1' } });
      expect(JSON.stringify(otherAmount)).not.toContain('10000');
      expect(snapshot()).toBe(before);
      expectBalanced(memberId);
    });

    it('an order with two flags stays held until both are released; confirming one closes the other', async () => {
      const memberId = await register('o-cat');
      let last: Any;
      for (let i = 1; i <= 9; i += 1) last = await ok('points', order(`H${i}`, memberId, 10000), 'o-clerk');
      expect(last.flags.sort()).toEqual(['member_velocity', 'staff_repeat']);
      const r1 = await ok('points', { action: 'reviewFraudFlag', flagId: 'fraud:pos:store-a:H9:staff_repeat', decision: 'release' }, 'o-boss');
      expect(r1).toMatchObject({ status: 'released', stillHeldBy: ['fraud:pos:store-a:H9:member_velocity'] });
      expect(points(memberId).pendingLots.find((l: Any) => l.id === 'order:pos:store-a:H9:earn')).toMatchObject({ held: true });
      await ok('points', { action: 'reviewFraudFlag', flagId: 'fraud:pos:store-a:H9:member_velocity', decision: 'release' }, 'o-boss');
      expect(points(memberId).pendingLots.find((l: Any) => l.id === 'order:pos:store-a:H8:earn')).toMatchObject({ held: true });
      expect(points(memberId).pendingLots.find((l: Any) => l.id === 'order:pos:store-a:H9:earn')).toMatchObject({ held: false });

      // H8 has one flag (staff_repeat); H6 too — confirm H6, then a two-flag order on another member
      const other = await register('o-dan');
      for (let i = 1; i <= 9; i += 1) await ok('points', order(`K${i}`, other, 10000), 'o-clerk');
      const c = await ok('points', { action: 'reviewFraudFlag', flagId: 'fraud:pos:store-a:K9:member_velocity', decision: 'confirm' }, 'o-boss');
      expect(c).toMatchObject({ status: 'confirmed', forfeited: 10, closed: ['fraud:pos:store-a:K9:staff_repeat'] });
      expect(cloud.store.get('fraud_flags', 'fraud:pos:store-a:K9:staff_repeat')!.doc).toMatchObject({ status: 'confirmed' });
      expectBalanced(other);
    });

    it('a late upload counts on the day it is recorded, by the clerk who records it (not on the paid date it claims)', async () => {
      const memberId = await register('o-eve');
      for (let i = 1; i <= 4; i += 1) await ok('points', order(`L${i}`, memberId, 10000), 'o-clerk');
      // Backdating does not move an order out of today's counts: the fifth by this clerk today is flagged.
      const late = await ok('points', order('L0', memberId, 10000, shanghai('2026-11-22 18:00')), 'o-clerk');
      expect(late).toMatchObject({ flags: ['staff_repeat'], held: true });
      // Another clerk's first order for the member today is not this clerk's repetition.
      cloud.store.insert('roles', { _id: 'o-clerk-2', openid: 'o-clerk-2', role: 'staff', name: '店员二', storeId: 'store-a' });
      expect(await ok('points', order('L6', memberId, 10000), 'o-clerk-2')).toMatchObject({ flags: [], held: false });
    });
  });

  describe('adjustPoints', () => {
    it('is merchant only, needs a reason, is audited, idempotent, and never drives the balance negative', async () => {
      const memberId = await register('o-fay');
      const adjust = (delta: number, requestId: string, reason?: string) => ({
        action: 'adjustPoints',
        memberId,
        delta,
        requestId,
        ...(reason === undefined ? {} : { reason }),
      });
      const before = snapshot();
      expect(await call(adjust(50, 'adj-00001', '补偿'), 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call(adjust(50, 'adj-00001', '补偿'), 'o-fay')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call(adjust(50, 'adj-00001'), 'o-boss')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      expect(await call(adjust(50, 'adj-00001', '   '), 'o-boss')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      expect(await call(adjust(0, 'adj-00001', '补偿'), 'o-boss')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      expect(snapshot()).toBe(before);

      const r = await ok('points', adjust(50, 'adj-00001', '活动补偿'), 'o-boss');
      expect(r).toMatchObject({ entryId: 'adjust:adj-00001', balanceAfter: 150, duplicate: false });
      const entry = cloud.store.get('ledger', 'adjust:adj-00001')!.doc as Any;
      expect(entry).toMatchObject({ memberId, kind: 'adjust', delta: 50, pendingDelta: 0, actor: { openid: 'o-boss', role: 'merchant', name: '老板' } });
      expect(entry.reason).toContain('活动补偿');
      expect(new Date(entry.createdAt).toISOString()).toBe(new Date(shanghai('2026-11-23 12:00')).toISOString());

      // the same request again: answered, applied once
      expect(await ok('points', adjust(50, 'adj-00001', '活动补偿'), 'o-boss')).toMatchObject({
        entryId: 'adjust:adj-00001',
        balanceAfter: 150,
        duplicate: true,
      });
      // the same request id for another amount: refused
      expect(await call(adjust(80, 'adj-00001', '活动补偿'), 'o-boss')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(points(memberId).available).toBe(150);

      const mid = snapshot();
      expect(await call(adjust(-151, 'adj-00002', '扣回'), 'o-boss')).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' });
      expect(snapshot()).toBe(mid);
      expect(await ok('points', adjust(-150, 'adj-00003', '扣回误发'), 'o-boss')).toMatchObject({ balanceAfter: 0 });
      expect(points(memberId)).toMatchObject({ available: 0, lots: [] });
      expect(ledger(memberId).filter((e) => e.kind === 'adjust')).toHaveLength(2);
      expectBalanced(memberId);
    });
  });

  describe('updateRules', () => {
    it('is merchant only, versioned, validated, keeps the history, and the next order earns by the new rules', async () => {
      const memberId = await register('o-gus');
      const doubled = { ...RULES, pointsPerStep: 20 };
      expect(await call({ action: 'updateRules', expectedVersion: 1, rules: doubled }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call({ action: 'updateRules', expectedVersion: 1, rules: doubled }, 'o-gus')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call({ action: 'getRules' }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      for (const bad of [
        { ...RULES, stepFen: 0 },
        { ...RULES, pendingDays: -1 },
        { ...RULES, bogus: 1 },
        { ...RULES, dailyCapPerMember: 0 },
      ]) {
        expect(await call({ action: 'updateRules', expectedVersion: 1, rules: bad }, 'o-boss')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      }
      expect(await ok('points', { action: 'getRules' }, 'o-boss')).toEqual({ version: 1, rules: RULES });

      expect(await ok('points', { action: 'updateRules', expectedVersion: 1, rules: doubled }, 'o-boss')).toEqual({ version: 2 });
      // a second editor still on version 1: refused with a stable code, nothing saved
      const stale = await call({ action: 'updateRules', expectedVersion: 1, rules: { ...RULES, pointsPerStep: 5 } }, 'o-boss');
      expect(stale).toMatchObject({ ok: false, code: 'RULES_VERSION_CONFLICT', details: { currentVersion: 2 } });
      expect(await ok('points', { action: 'getRules' }, 'o-boss')).toEqual({ version: 2, rules: doubled });
      expect(await ok('points', { action: 'updateRules', expectedVersion: 2, rules: { ...doubled, registrationBonus: 200 } }, 'o-boss')).toEqual({
        version: 3,
      });
      expect(cloud.store.get('settings', 'points-rules@2')!.doc).toMatchObject({ version: 2, rules: doubled, updatedBy: 'o-boss' });
      expect(cloud.store.get('settings', 'points-rules@3')!.doc).toMatchObject({ version: 3, rules: { registrationBonus: 200 } });

      const credited = await ok('points', order('N1', memberId, 25600), 'o-clerk');
      expect(credited.points).toBe(40);
      expect(cloud.store.get('orders', 'pos:store-a:N1')!.doc).toMatchObject({ rulesVersion: 3, points: 40 });
    });
  });

  describe('recordOrder', () => {
    it('lets staff (own store) and the merchant record; refuses consumers and malformed orders, writing nothing', async () => {
      const memberId = await register('o-hal');
      const before = snapshot();
      expect(await call(order('M1', memberId, 10000), 'o-hal')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await call(order('M1', memberId, 10000, undefined, 'store-a'), 'o-clerk-b')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      const malformed = [
        { ...order('M1', memberId, 10000), items: [{ sku: 'S1', category: 'coffee', priceFen: -100, quantity: 1 }] },
        { ...order('M1', memberId, 10000), items: [] },
        { ...order('M1', memberId, 10000), amountFen: -1 },
        { ...order('M1', memberId, 10000), items: [{ sku: 'S1', category: 'coffee', priceFen: 100, quantity: 0 }] },
        { ...order('M1', memberId, 10000), receiptNo: 'R 1/2' },
        { ...order('M1', memberId, 10000), paidAt: 'yesterday' },
        { ...order('M1', memberId, 10000), points: 9999 },
        order('M1', memberId, 10000, shanghai('2026-11-23 12:30')), // paid half an hour from now
      ];
      for (const bad of malformed) expect(await call(bad, 'o-clerk')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      expect(await call(order('M1', memberId, 10000, shanghai('2026-09-01 12:00')), 'o-clerk')).toMatchObject({ ok: false, code: 'ORDER_TOO_OLD' });
      // Paid more than the items' list price: points for nothing bought. A discount (paid less) is fine.
      expect(await call({ ...order('M1', memberId, 10000), amountFen: 10001 }, 'o-clerk')).toMatchObject({
        ok: false,
        code: 'ORDER_AMOUNT_EXCEEDS_ITEMS',
        details: { itemsTotalFen: 10000 },
      });
      expect(snapshot()).toBe(before);

      expect(await ok('points', order('M1', memberId, 10000), 'o-clerk')).toMatchObject({ points: 10, duplicate: false });
      expect(await ok('points', order('M2', memberId, 10000, undefined, 'store-b'), 'o-boss')).toMatchObject({ points: 10, duplicate: false });
      expect(cloud.store.get('orders', 'pos:store-b:M2')!.doc).toMatchObject({ channel: 'staff', staffOpenid: 'o-boss' });
      expect(await ok('points', { ...order('M3', memberId, 25000), amountFen: 20000 }, 'o-clerk')).toMatchObject({ points: 20, duplicate: false });

      // A receipt number names one sale: the same sale replayed answers duplicate; another sale under it is refused.
      const other = await register('o-ivy');
      const settled = snapshot();
      expect(await ok('points', order('M1', memberId, 10000), 'o-clerk')).toMatchObject({ points: 10, duplicate: true });
      expect(await call({ ...order('M1', memberId, 10000), amountFen: 9000 }, 'o-clerk')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await call(order('M1', other, 10000), 'o-clerk')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(snapshot()).toBe(settled);
      expectBalanced(memberId);
    });
  });

  describe('daily cap', () => {
    it('holds per business day and per recording day: a late upload for yesterday is capped against both', async () => {
      cloud.store.replace('settings', {
        _id: 'points-rules',
        version: 1,
        rules: { ...RULES, dailyCapPerMember: 100 },
        updatedAt: new Date(),
        updatedBy: 'o-boss',
      });
      const memberId = await register('o-ivy');
      const p = (r: Any) => r.points;
      setClock(shanghai('2026-11-22 15:30'));
      expect(p(await ok('points', order('D0', memberId, 70000, shanghai('2026-11-22 15:00')), 'o-clerk'))).toBe(70); // yesterday, recorded yesterday
      setClock(shanghai('2026-11-23 12:00'));
      expect(p(await ok('points', order('D1', memberId, 80000), 'o-clerk'))).toBe(80); // today
      expect(p(await ok('points', order('D2', memberId, 70000, shanghai('2026-11-22 16:00')), 'o-clerk'))).toBe(20); // yesterday, uploaded today: today's recording room is 20
      expect(p(await ok('points', order('D3', memberId, 70000, shanghai('2026-11-22 17:00')), 'o-clerk'))).toBe(0); // both caps reached
      expect(p(await ok('points', order('D4', memberId, 70000), 'o-clerk'))).toBe(0); // today's cap: 100
      expect(points(memberId).earnedDays).toEqual([
        { on: '2026-11-22', amount: 90 },
        { on: '2026-11-23', amount: 80 },
      ]);
      // A late entry does not skip maturity: T+1 from the day it was recorded, not from the paid date.
      expect(cloud.store.get('ledger', 'order:pos:store-a:D2:earn')!.doc).toMatchObject({ delta: 0, pendingDelta: 20, maturesOn: '2026-11-24' });
      expectBalanced(memberId);
    });

    it('reads a member written with the former single earnedDay', async () => {
      cloud.store.replace('settings', {
        _id: 'points-rules',
        version: 1,
        rules: { ...RULES, dailyCapPerMember: 100 },
        updatedAt: new Date(),
        updatedBy: 'o-boss',
      });
      const memberId = await register('o-jon');
      const doc = cloud.store.get('members', memberId)!.doc as Any;
      const { earnedDays: _d, ...legacy } = doc.points;
      cloud.store.replace('members', { ...doc, points: { ...legacy, earnedDay: { on: '2026-11-23', amount: 90 } } });
      expect((await ok('points', order('E1', memberId, 50000), 'o-clerk')).points).toBe(10);
      expect(points(memberId).earnedDays).toEqual([{ on: '2026-11-23', amount: 100 }]);
      expect(points(memberId)).not.toHaveProperty('earnedDay');
    });
  });
});
