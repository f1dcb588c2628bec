/**
 * Issue 9, "what an attacker and a flaky network found": one test per defect, over the local HTTP
 * contract (the in-process server, sessions by cookie, the POS route signed per store) where that is
 * how the defect was found. Each test failed before its fix.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../local-cloud/server';
import { signPosRequest } from '../../cloudfunctions/pos/signature';
import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { isLateEntry } from '../../shared/rules/fraud';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock, setClock, shanghai } from '../support/clock';
import type { Any } from '../support/points-kit';
import type { Result } from '../../shared/envelope';

jest.setTimeout(120_000);

/** Rules without the member day, so expected points do not depend on the weekday. */
const RULES = { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' as const } };

describe('hardening (issue 9) over the local HTTP contract', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies = new Map<string, string>();

  beforeEach(async () => {
    cloud = openTestCloud();
    cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
    cloud.store.insert('stores', { _id: 'store-a-b', name: 'AB店' });
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    cloud.store.insert('settings', { _id: 'points-rules', version: 1, rules: RULES, updatedAt: new Date(), updatedBy: 'o-boss' });
    server = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cookies.clear();
  });
  afterEach(async () => {
    realClock();
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  async function login(openid: string): Promise<string> {
    let cookie = cookies.get(openid);
    if (cookie) return cookie;
    const role = openid === 'o-boss' ? 'merchant' : openid.startsWith('o-clerk') ? 'staff' : 'consumer';
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    cookies.set(openid, cookie);
    return cookie;
  }
  /** `POST /api/fn/<fn>` as `openid` (signed session cookie): the envelope. */
  async function api(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<Result<Any>> {
    const res = await fetch(`${base}/api/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await login(openid) },
      body: JSON.stringify({ ...input, action }),
    });
    return (await res.json()) as Result<Any>;
  }
  async function ok(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<Any> {
    const r = await api(openid, fn, action, input);
    if (!r.ok) throw new Error(`${fn}.${action}: ${r.code} ${r.message}`);
    return r.data;
  }
  const register = async (openid: string): Promise<string> => (await ok(openid, 'member', 'join', { agree: true })).memberId;
  const codeOf = async (openid: string): Promise<string> => (await ok(openid, 'member', 'getMemberCode')).code;
  const identify = async (memberOpenid: string, clerk = 'o-clerk') => ok(clerk, 'member', 'identifyByCode', { code: await codeOf(memberOpenid) });
  const order = (
    receiptNo: string,
    member: Record<string, unknown>,
    amountFen: number,
    o: { paidAt?: string; sku?: string; category?: string; storeId?: string } = {},
  ) => ({
    storeId: o.storeId ?? 'store-a',
    receiptNo,
    items: [{ sku: o.sku ?? 'S1', category: o.category ?? 'coffee', priceFen: amountFen, quantity: 1 }],
    amountFen,
    paidAt: o.paidAt ?? new Date().toISOString(),
    member,
  });
  /** A signed POS request for `store` (its secret from the merchant's getPosSecret). */
  async function pos(store: string, route: '/orders' | '/refunds', payload: unknown): Promise<{ status: number; json: Result<Any> }> {
    const secret = (await ok('o-boss', 'points', 'getPosSecret', { storeId: store })).secret as string;
    const body = JSON.stringify(payload);
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = crypto.randomBytes(12).toString('hex');
    const res = await fetch(`${base}/api/pos${route}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-pos-store': store,
        'x-pos-timestamp': ts,
        'x-pos-nonce': nonce,
        'x-pos-signature': signPosRequest(secret, 'POST', route, ts, nonce, body),
      },
      body,
    });
    return { status: res.status, json: (await res.json()) as Result<Any> };
  }
  const memberDoc = (id: string) => cloud.store.get('members', id)!.doc as Any;

  it('1. backdating does not mint points: counted by the recording day, capped per recording day, late entries held for review', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const memberId = await register('o-m1');
    // 59 orders, each worth the daily cap (¥50,000 → 5,000 points), dated on 59 past days.
    const results: Any[] = [];
    for (let d = 1; d <= 59; d += 1) {
      const paidAt = new Date(Date.parse(shanghai('2026-11-23 11:00')) - d * 86400_000).toISOString();
      results.push(await ok('o-clerk', 'points', 'recordOrder', order(`BD${d}`, { memberId }, 5_000_000, { paidAt })));
    }
    // Nothing is available at once: every late entry is held for review, flagged.
    expect(results.every((r) => r.held && r.flags.includes('late_entry'))).toBe(true);
    // The cap holds per recording day too: all of them together earn at most one day's cap.
    expect(results.reduce((s, r) => s + r.points, 0)).toBeLessThanOrEqual(RULES.dailyCapPerMember!);
    expect(memberDoc(memberId).points.available).toBe(RULES.registrationBonus);
    // Velocity and repetition count by recording day and clerk: flagged from the 5th (clerk) / 9th (member) on.
    expect(results[4].flags).toContain('staff_repeat');
    expect(results[8].flags).toContain('member_velocity');
    // The same clerk cannot spend them.
    await identify('o-m1');
    expect(await api('o-clerk', 'points', 'redeemPoints', { memberId, amount: 5000, requestId: 'spend-bd-0001', reason: '抵现' })).toMatchObject({
      ok: false,
      code: 'INSUFFICIENT_POINTS',
    });
    // An order paid an hour ago is not late; the POS may batch-upload up to its own limit.
    const fresh = await ok(
      'o-clerk',
      'points',
      'recordOrder',
      order('BD-NOW', { memberId: await register('o-m1b') }, 10000, { paidAt: new Date(Date.now() - 3600_000).toISOString() }),
    );
    expect(fresh.flags).not.toContain('late_entry');
    const now = new Date(Date.parse(shanghai('2026-11-23 12:00')));
    expect(isLateEntry(new Date(now.getTime() - 30 * 3600_000), now, 'staff', RULES)).toBe(true);
    expect(isLateEntry(new Date(now.getTime() - 30 * 3600_000), now, 'pos', RULES)).toBe(false);
  });

  it('3. an idempotency key reused with other parameters is refused; staff and POS refund numbers are separate namespaces', async () => {
    const a = await register('o-m3a');
    const b = await register('o-m3b');
    await ok('o-boss', 'points', 'adjustPoints', { memberId: a, delta: 500, requestId: 'adj-m3a-0001', reason: '测试' });
    await ok('o-boss', 'points', 'adjustPoints', { memberId: b, delta: 300, requestId: 'adj-m3b-0001', reason: '测试' });
    expect(await ok('o-boss', 'points', 'redeemPoints', { memberId: a, amount: 100, requestId: 'redeem-shared-1', reason: '抵现' })).toMatchObject({
      duplicate: false,
      balanceAfter: 500,
    });
    const reused = await api('o-boss', 'points', 'redeemPoints', { memberId: b, amount: 50, requestId: 'redeem-shared-1', reason: '抵现' });
    expect(reused).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    // B is not answered with A's entry or balance, and nothing was charged to anyone.
    expect(JSON.stringify(reused)).not.toContain('500');
    expect(memberDoc(b).points.available).toBe(400);
    expect(memberDoc(a).points.available).toBe(500);
    // The same request again is a replay: the first answer.
    expect(await ok('o-boss', 'points', 'redeemPoints', { memberId: a, amount: 100, requestId: 'redeem-shared-1', reason: '抵现' })).toMatchObject({
      duplicate: true,
      balanceAfter: 500,
    });

    // Refund numbers: a POS refund RF1 of store-a and a clerk's refund id that spells the old POS key.
    const s1 = await pos('store-a', '/orders', { ...order('R-NS1', { memberId: a }, 20000), storeId: undefined });
    expect(s1.status).toBe(200);
    await ok('o-clerk', 'points', 'recordOrder', order('R-NS2', { memberId: a }, 20000));
    expect((await pos('store-a', '/refunds', { receiptNo: 'R-NS1', refundNo: 'RF1', amountFen: 5000 })).json).toMatchObject({
      ok: true,
      data: { duplicate: false },
    });
    const staff = await api('o-clerk', 'points', 'refundOrder', { orderId: 'pos:store-a:R-NS2', refundId: 'pos-store-a-RF1', amountFen: 5000 });
    expect(staff).toMatchObject({ ok: true, data: { duplicate: false, orderId: 'pos:store-a:R-NS2' } });
    // Store ids with hyphens no longer collide: store "a-b" refund "c" is not store "a" refund "b-c".
    await ok('o-boss', 'points', 'recordOrder', order('R-NS3', { memberId: b }, 20000, { storeId: 'store-a-b' }));
    expect((await pos('store-a-b', '/refunds', { receiptNo: 'R-NS3', refundNo: 'RF2', amountFen: 1000 })).json).toMatchObject({
      ok: true,
      data: { duplicate: false },
    });
    expect((await pos('store-a', '/refunds', { receiptNo: 'R-NS1', refundNo: 'b-RF2', amountFen: 1000 })).json).toMatchObject({
      ok: true,
      data: { duplicate: false },
    });
  });

  it('4. an erased member takes nothing on any path (MEMBER_NOT_FOUND), even by a code issued before the deletion; an expired code is not a forged one', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const memberId = await register('o-m4');
    const code = await codeOf('o-m4');
    await ok('o-m4', 'member', 'deleteAccount', { confirm: 'DELETE' });
    const before = JSON.stringify(memberDoc(memberId).points);
    expect((await pos('store-a', '/orders', order('E1', { memberId }, 10000))).json).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect((await pos('store-a', '/orders', order('E2', { memberCode: code }, 10000))).json).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect(await api('o-clerk', 'points', 'recordOrder', order('E3', { memberId }, 10000))).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect(await api('o-clerk', 'points', 'recordOrder', order('E4', { memberCode: code }, 10000))).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect(await api('o-boss', 'points', 'adjustPoints', { memberId, delta: 100, requestId: 'adj-erased-01', reason: '补偿' })).toMatchObject({
      ok: false,
      code: 'MEMBER_NOT_FOUND',
    });
    expect(await api('o-boss', 'points', 'redeemPoints', { memberId, amount: 1, requestId: 'red-erased-01', reason: '抵现' })).toMatchObject({
      ok: false,
      code: 'MEMBER_NOT_FOUND',
    });
    expect(await api('o-clerk', 'member', 'identifyByCode', { code })).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect(JSON.stringify(memberDoc(memberId).points)).toBe(before);
    expect(cloud.store.scan('orders')).toHaveLength(0);

    // A genuine code three minutes old is expired (the customer refreshes it); a forged one is invalid.
    const live = await register('o-m4b');
    const old = await codeOf('o-m4b');
    setClock(shanghai('2026-11-23 12:03'));
    expect(await api('o-clerk', 'points', 'recordOrder', order('E5', { memberCode: old }, 10000))).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' });
    expect((await pos('store-a', '/orders', order('E6', { memberCode: old }, 10000))).json).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' });
    expect(await api('o-clerk', 'points', 'recordOrder', order('E7', { memberCode: `m1.${live}.1.AAAAAAAAAAAAAAAAAAAAAA` }, 10000))).toMatchObject({
      ok: false,
      code: 'MEMBER_CODE_INVALID',
    });
  });

  it('5. prototype names are SKUs like any other; absurd numbers are refused, never INTERNAL; balances stay inside the safe integers', async () => {
    const memberId = await register('o-m5');
    for (const name of ['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty']) {
      const bySku = await api('o-clerk', 'points', 'recordOrder', order(`P-${name.replace(/_/g, 'u')}`, { memberId }, 10000, { sku: name }));
      expect(bySku).toMatchObject({ ok: true, data: { points: 10 } });
      const byCategory = await api('o-clerk', 'points', 'recordOrder', order(`C-${name.replace(/_/g, 'u')}`, { memberId }, 10000, { category: name }));
      expect(byCategory).toMatchObject({ ok: true, data: { points: 10 } });
    }
    for (const priceFen of [1e308, 1e16, 2 ** 53 + 2]) {
      const r = await api('o-clerk', 'points', 'recordOrder', {
        ...order('P-HUGE', { memberId }, 100),
        items: [{ sku: 'S1', category: 'coffee', priceFen, quantity: 1 }],
      });
      expect(r).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    }
    for (const delta of [1e15, 2 ** 53, -1e15, 1e308]) {
      expect(await api('o-boss', 'points', 'adjustPoints', { memberId, delta, requestId: `adj-huge-${String(delta).length}`, reason: '测试' })).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
      });
    }
    for (const amountFen of [1e308, 1e13]) {
      expect(await api('o-clerk', 'points', 'refundOrder', { orderId: 'pos:store-a:P-constructor', refundId: 'refund-huge-1', amountFen })).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
      });
    }
    // A balance close to the bound: the adjustment that would pass it is refused, nothing rounds away.
    const doc = memberDoc(memberId);
    const near = 10 ** 12 - 50;
    cloud.store.replace('members', {
      ...doc,
      points: {
        ...doc.points,
        available: near,
        lots: [{ id: 'seed-lot', remaining: near + doc.points.debt, earnedOn: '2026-01-01', expiresOn: '2099-01-01' }],
      },
    });
    expect(await api('o-boss', 'points', 'adjustPoints', { memberId, delta: 100, requestId: 'adj-bound-01', reason: '测试' })).toMatchObject({
      ok: false,
      code: 'POINTS_LIMIT_EXCEEDED',
    });
  });

  it('6. rule keys that look like EJSON types or prototype names are refused with a clear message; the saved rules never revert to defaults', async () => {
    const { version, rules } = await ok('o-boss', 'points', 'getRules');
    const saved = await ok('o-boss', 'points', 'updateRules', {
      expectedVersion: version,
      rules: { ...rules, skuMultipliers: { 'COF-LAT': 2 }, dailyCapPerMember: 4000 },
    });
    for (const key of ['$date', '$numberLong', '$oid', '$where', 'a.b', 'constructor']) {
      const r = await api('o-boss', 'points', 'updateRules', { expectedVersion: saved.version, rules: { ...rules, skuMultipliers: { [key]: 2 } } });
      expect(r).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      expect((r as Any).message).toMatch(/键/);
    }
    // __proto__ as a JSON key (JSON.parse makes it an own property) is refused too.
    const raw = `{"action":"updateRules","expectedVersion":${saved.version},"rules":${JSON.stringify(rules).replace('"skuMultipliers":{}', '"skuMultipliers":{"__proto__":2}')}}`;
    const res = await fetch(`${base}/api/fn/points`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await login('o-boss') },
      body: raw,
    });
    expect(await res.json()).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const after = await ok('o-boss', 'points', 'getRules');
    expect(after).toMatchObject({ version: saved.version, rules: { skuMultipliers: { 'COF-LAT': 2 }, dailyCapPerMember: 4000 } });
  });

  it('9. one phone, one member: a held number is PHONE_IN_USE; the verified number moves only by an explicit, logged transfer', async () => {
    const a = await register('o-m9a');
    const b = await register('o-m9b');
    expect(await ok('o-m9a', 'member', 'bindPhone', { code: 'same-phone' })).toMatchObject({ transferred: false });
    expect(await api('o-m9b', 'member', 'bindPhone', { code: 'same-phone' })).toMatchObject({ ok: false, code: 'PHONE_IN_USE' });
    expect(memberDoc(b).phone).toBeUndefined();
    const phone = (await ok('o-m9a', 'member', 'getProfile')).phone as string;
    expect((await ok('o-clerk', 'member', 'identifyByPhone', { phone })).memberId).toBe(a);
    expect(await ok('o-m9b', 'member', 'bindPhone', { code: 'same-phone', transfer: true })).toMatchObject({ transferred: true });
    expect(memberDoc(a).phone).toBeUndefined();
    expect(cloud.store.scan('phone_transfers').map((s) => s.doc)).toEqual([expect.objectContaining({ from: a, to: b })]);
    // An order by phone goes to the one holder.
    expect(await ok('o-clerk', 'points', 'recordOrder', order('PH1', { phone }, 10000))).toMatchObject({ memberId: b });
    // Deleting the account frees the number.
    await ok('o-m9b', 'member', 'deleteAccount', { confirm: 'DELETE' });
    expect(await ok('o-m9a', 'member', 'bindPhone', { code: 'same-phone' })).toMatchObject({ transferred: false });
  });

  it('10. a clerk reads no balance and learns no id without an identification that was logged', async () => {
    const memberId = await register('o-m10');
    await ok('o-boss', 'points', 'adjustPoints', { memberId, delta: 777, requestId: 'adj-m10-0001', reason: '测试' });
    const blind = await api('o-clerk', 'points', 'redeemPoints', { memberId, amount: 100000, requestId: 'probe-00001', reason: '探测' });
    expect(blind).toMatchObject({ ok: false, code: 'MEMBER_NOT_IDENTIFIED' });
    // The same answer for an id that does not exist: existence is not disclosed either.
    expect(await api('o-clerk', 'points', 'redeemPoints', { memberId: '899999999999', amount: 1, requestId: 'probe-00002', reason: '探测' })).toMatchObject({
      ok: false,
      code: 'MEMBER_NOT_IDENTIFIED',
    });
    await identify('o-m10');
    expect(cloud.store.scan('access_log').map((s) => s.doc)).toEqual([
      expect.objectContaining({ memberId, by: 'member_code', actor: expect.objectContaining({ openid: 'o-clerk' }) }),
    ]);
    const short = await api('o-clerk', 'points', 'redeemPoints', { memberId, amount: 100000, requestId: 'probe-00003', reason: '抵现' });
    expect(short).toMatchObject({ ok: false, code: 'INSUFFICIENT_POINTS' });
    expect(JSON.stringify(short)).not.toContain('877');
    expect(await ok('o-clerk', 'points', 'redeemPoints', { memberId, amount: 77, requestId: 'spend-m10-01', reason: '抵现' })).toMatchObject({
      balanceAfter: 800,
    });
  });

  it('12. a replayed held order answers exactly the first result (held and flags included)', async () => {
    const memberId = await register('o-m12');
    const first: Any[] = [];
    for (let i = 1; i <= 5; i += 1)
      first.push(await ok('o-clerk', 'points', 'recordOrder', order(`HR${i}`, { memberId }, 10000, { paidAt: new Date(Date.now() - 60_000).toISOString() })));
    expect(first[4]).toMatchObject({ held: true, flags: ['staff_repeat'], duplicate: false });
    const replay = await ok('o-clerk', 'points', 'recordOrder', order('HR5', { memberId }, 10000));
    expect(replay).toEqual({ ...first[4], duplicate: true });
    const posReplay = await pos('store-a', '/orders', order('HR5', { memberId }, 10000));
    expect(posReplay.json).toEqual({ ok: true, data: { ...first[4], duplicate: true } });
  });

  it("issue 10 item 6: a store's hourly limit follows its own trailing median (with a floor), so a busy shop is not one long alert", async () => {
    setClock(shanghai('2026-11-23 15:20'));
    const hourOf = (h: number) => `20261123${String(h).padStart(2, '0')}`;
    // A busy store: ~200 orders an hour all day; a quiet one: ~10.
    for (const [store, perHour] of [
      ['store-busy', 200],
      ['store-quiet', 10],
    ] as const) {
      cloud.store.insert('stores', { _id: store, name: store });
      for (let h = 8; h < 15; h += 1)
        cloud.store.insert('store_hours', { _id: `${store}:${hourOf(h)}`, storeId: store, hour: hourOf(h), orders: perHour + (h % 3) });
      // this hour so far: 150 orders
      cloud.store.insert('store_hours', { _id: `${store}:${hourOf(15)}`, storeId: store, hour: hourOf(15), orders: 150 });
    }
    const memberId = await register('o-m6');
    const busy = await ok('o-boss', 'points', 'recordOrder', order('V-BUSY', { memberId }, 10000, { storeId: 'store-busy' }));
    expect(busy.flags).not.toContain('store_velocity');
    // 151 orders in an hour where ~10 is normal: above the floor (120), flagged.
    const quiet = await ok('o-boss', 'points', 'recordOrder', order('V-QUIET', { memberId }, 10000, { storeId: 'store-quiet' }));
    expect(quiet.flags).toContain('store_velocity');
    // the committed order is counted in its store's hour
    expect(cloud.store.get('store_hours', `store-busy:${hourOf(15)}`)!.doc).toMatchObject({ orders: 151 });
  });
});

describe('6 (stored before the fix). rules already holding an EJSON-looking key', () => {
  it('keep the rest of the merchant rules instead of reverting to defaults', async () => {
    // the unreadable entries are logged, as expected here: captured (cloud.logs) and asserted, not printed
    const cloud = openTestCloud({ logs: 'capture' });
    try {
      cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
      // a category map saved as `{ "$date": … }` reads back as a date (EJSON), which no schema accepts
      const stored = { ...RULES, dailyCapPerMember: 4321, skuMultipliers: { 'COF-LAT': 2 }, categoryMultipliers: { $date: '2020-01-01T00:00:00Z' } };
      cloud.store.insert('settings', { _id: 'points-rules', version: 7, rules: stored, updatedAt: new Date(), updatedBy: 'o-boss' });
      const r = (await cloud.invoke('points', { action: 'getRules' }, { openid: 'o-boss' })) as Result<Any>;
      expect(r).toMatchObject({ ok: true, data: { version: 7, rules: { dailyCapPerMember: 4321, skuMultipliers: { 'COF-LAT': 2 } } } });
      expect((r as Any).data.rules.categoryMultipliers).toEqual({});
      expect(cloud.logs.map((l) => `${l.fn} ${l.level} ${l.message}`)).toEqual([
        'points error [points] stored rules held unreadable multiplier keys; those entries are ignored',
      ]);
    } finally {
      // legacy data the code must survive: malformed on purpose
      closeTestCloud(cloud, { unchecked: ['settings/points-rules'] });
    }
  });
});
