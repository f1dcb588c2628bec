import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer } from '../../local-cloud/server';
import { signPosRequest } from '../../cloudfunctions/pos/signature';
import { isMemberDay } from '../../shared/rules/earning';
import { businessDate } from '../../shared/calendar';
import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { closeTestCloud, openTestCloud } from '../support/local-cloud';
import { realClock, setClock, shanghai } from '../support/clock';

/** The tests run on a Monday (Shanghai), not on the member day (Wednesday): every order earns ×1. */
const MONDAY_NOON = shanghai('2026-11-23 12:00');

import type { Result } from '../../shared/envelope';

describe('POS endpoint over the local HTTP route', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  let server: http.Server;
  let base: string;
  let secret: string;
  let memberId: string;

  beforeAll(async () => {
    setClock(MONDAY_NOON);
    expect(isMemberDay(businessDate(new Date()), DEFAULT_EARNING_RULES)).toBe(false);
    cloud = openTestCloud();
    server = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cloud.store.insert('stores', { _id: 'store-1', name: '一号店' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    const card = (await cloud.invoke('member', { action: 'join', agree: true }, { openid: 'o-pos-member' })) as { ok: true; data: { memberId: string } };
    memberId = card.data.memberId;
    const s = (await cloud.invoke('points', { action: 'getPosSecret', storeId: 'store-1' }, { openid: 'o-boss' })) as { ok: true; data: { secret: string } };
    secret = s.data.secret;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
    realClock();
  });

  const order = (receiptNo: string, amountFen = 25600) => ({
    receiptNo,
    items:
      amountFen === 25600
        ? [{ sku: 'COF-LAT', category: 'coffee', priceFen: 3200, quantity: 8 }]
        : [{ sku: 'BEAN-YR', category: 'beans', priceFen: amountFen, quantity: 1 }],
    amountFen,
    paidAt: new Date().toISOString(),
    member: { memberId },
  });

  interface SendOptions {
    body?: string;
    secret?: string;
    timestamp?: number;
    nonce?: string;
    path?: string;
    tamper?: (h: Record<string, string>) => void;
  }
  async function pos(payload: unknown, o: SendOptions = {}) {
    const body = o.body ?? JSON.stringify(payload);
    const path = o.path ?? '/orders';
    const ts = String(o.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = o.nonce ?? crypto.randomBytes(12).toString('hex');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-pos-store': 'store-1',
      'x-pos-timestamp': ts,
      'x-pos-nonce': nonce,
      'x-pos-signature': signPosRequest(o.secret ?? secret, 'POST', path, ts, nonce, body),
    };
    o.tamper?.(headers);
    const res = await fetch(`${base}/api/pos${path}`, { method: 'POST', headers, body });
    return { status: res.status, json: (await res.json()) as Result<Record<string, unknown>>, nonce };
  }

  const snapshot = () => ({
    orders: cloud.store.scan('orders').length,
    ledger: cloud.store.scan('ledger').length,
    nonces: cloud.store.scan('pos_nonces').length,
    member: JSON.stringify(cloud.store.get('members', memberId)?.doc),
  });

  it('answers GET /health unsigned, with the version every function reports', async () => {
    const res = await fetch(`${base}/api/pos/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, version: 'local' });
  });

  it('credits a signed order once, however often the receipt is replayed', async () => {
    const first = await pos(order('R-1001'));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ ok: true, data: { orderId: 'pos:store-1:R-1001', points: 20, duplicate: false } });
    const again = await pos(order('R-1001'));
    const third = await pos(order('R-1001'));
    expect(again.json).toMatchObject({ ok: true, data: { duplicate: true, points: 20 } });
    expect(third.json).toMatchObject({ ok: true, data: { duplicate: true } });
    expect(cloud.store.scan('ledger').filter((s) => s.doc._id === 'order:pos:store-1:R-1001:earn')).toHaveLength(1);
    const points = (cloud.store.get('members', memberId)!.doc as unknown as { points: { available: number; pending: number } }).points;
    // 100 registration bonus (available) + 20 pending from the order (T+1, normal tier ×1, not a member day)
    expect(points).toMatchObject({ available: 100, pending: 20 });
  });

  it('refuses a bad signature, a stale timestamp, a reused nonce and a malformed body, changing nothing', async () => {
    await pos(order('R-2000'));
    const before = snapshot();

    const forged = await pos(order('R-2001'), { secret: 'f'.repeat(64) });
    expect(forged).toMatchObject({ status: 401, json: { ok: false, code: 'POS_BAD_SIGNATURE' } });
    const tampered = await pos(order('R-2002'), { tamper: (h) => (h['x-pos-store'] = 'store-2') });
    expect(tampered.json).toMatchObject({ ok: false, code: 'POS_BAD_SIGNATURE' });
    const noHeaders = await pos(order('R-2003'), { tamper: (h) => delete h['x-pos-signature'] });
    expect(noHeaders.json).toMatchObject({ ok: false, code: 'POS_BAD_SIGNATURE' });

    const stale = await pos(order('R-2004'), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(stale).toMatchObject({ status: 401, json: { ok: false, code: 'POS_STALE_TIMESTAMP' } });
    const future = await pos(order('R-2005'), { timestamp: Math.floor(Date.now() / 1000) + 600 });
    expect(future.json).toMatchObject({ ok: false, code: 'POS_STALE_TIMESTAMP' });

    const notJson = await pos(null, { body: '{"receiptNo": ' });
    expect(notJson).toMatchObject({ status: 400, json: { ok: false, code: 'POS_MALFORMED' } });
    const badOrder = await pos({ ...order('R-2006'), amountFen: -5 });
    expect(badOrder).toMatchObject({ status: 400, json: { ok: false, code: 'POS_MALFORMED' } });
    // the refusal names the field as the till does (shared/validation.ts, the order's labels)
    expect((badOrder.json as { message: string }).message).toBe('POS 请求格式不正确：金额不能为负数');
    const extra = await pos({ ...order('R-2007'), points: 99999 });
    expect(extra.json).toMatchObject({ ok: false, code: 'POS_MALFORMED' });
    const overpaid = await pos({ ...order('R-2010'), amountFen: 25601 });
    expect(overpaid).toMatchObject({ status: 422, json: { ok: false, code: 'ORDER_AMOUNT_EXCEEDS_ITEMS' } });
    // a recorded receipt number re-sent with another amount is another sale, not a replay
    const reusedReceipt = await pos({ ...order('R-2000'), amountFen: 20000 });
    expect(reusedReceipt).toMatchObject({ status: 409, json: { ok: false, code: 'IDEMPOTENCY_KEY_REUSED' } });

    expect(snapshot()).toEqual(before);

    const used = await pos(order('R-2008'));
    expect(used.json.ok).toBe(true);
    const afterUsed = snapshot();
    // the exact same request again (same nonce, same signature): refused, nothing changes
    const replay = await pos(order('R-2008'), { nonce: used.nonce });
    expect(replay).toMatchObject({ status: 409, json: { ok: false, code: 'POS_NONCE_REUSED' } });
    // the same nonce on another receipt: refused too
    const reuse = await pos(order('R-2009'), { nonce: used.nonce });
    expect(reuse.json).toMatchObject({ ok: false, code: 'POS_NONCE_REUSED' });
    expect(snapshot()).toEqual(afterUsed);
  });

  it('finds members by phone hash and by dynamic member code, and refunds with claw-back', async () => {
    const unknown = await pos({ ...order('R-3001'), member: { phone: '13800000000' } });
    expect(unknown).toMatchObject({ status: 404, json: { code: 'MEMBER_NOT_FOUND' } });
    const badCode = await pos({ ...order('R-3002'), member: { memberCode: 'm1.nobody.1.xxxx' } });
    expect(badCode).toMatchObject({ status: 422, json: { code: 'MEMBER_CODE_INVALID' } });

    const credited = await pos(order('R-3003', 30000));
    expect(credited.json).toMatchObject({ ok: true, data: { points: 30 } });
    const refund = await pos({ receiptNo: 'R-3003', refundNo: 'RF-1', amountFen: 10000 }, { path: '/refunds' });
    expect(refund.json).toMatchObject({ ok: true, data: { pointsClawed: 10, growthClawed: 100, duplicate: false } });
    const again = await pos({ receiptNo: 'R-3003', refundNo: 'RF-1', amountFen: 10000 }, { path: '/refunds' });
    expect(again.json).toMatchObject({ ok: true, data: { duplicate: true } });
    const over = await pos({ receiptNo: 'R-3003', refundNo: 'RF-2', amountFen: 25000 }, { path: '/refunds' });
    expect(over.json).toMatchObject({ ok: false, code: 'REFUND_EXCEEDS_ORDER' });
  });

  it("keeps a POS receipt's paidAt within the rules: a small clock skew ahead or a back-fill inside the window is kept as sent; later or older is refused", async () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();
    const storedPaidAt = (receiptNo: string) =>
      new Date((cloud.store.get('orders', `pos:store-1:${receiptNo}`)?.doc as unknown as { paidAt: Date }).paidAt).toISOString();

    // The POS clock 5 minutes ahead of ours (within the 10-minute skew): accepted, its paidAt kept.
    const ahead = await pos({ ...order('R-4001'), paidAt: minutes(5) });
    expect(ahead).toMatchObject({ status: 200, json: { ok: true } });
    expect(storedPaidAt('R-4001')).toBe(minutes(5));
    // A batch upload of a sale paid 3 days ago: inside the back-fill window, kept as paid then.
    const threeDaysAgo = minutes(-3 * 24 * 60);
    const late = await pos({ ...order('R-4002'), paidAt: threeDaysAgo });
    expect(late).toMatchObject({ status: 200, json: { ok: true } });
    expect(storedPaidAt('R-4002')).toBe(threeDaysAgo);

    const before = snapshot();
    // Paid half an hour in the future: beyond the skew, refused.
    const future = await pos({ ...order('R-4003'), paidAt: minutes(30) });
    expect(future).toMatchObject({ status: 400, json: { ok: false, code: 'VALIDATION_FAILED' } });
    // Older than the back-fill window (60 days): refused.
    const tooOld = await pos({ ...order('R-4004'), paidAt: minutes(-61 * 24 * 60) });
    expect(tooOld).toMatchObject({ status: 422, json: { ok: false, code: 'ORDER_TOO_OLD' } });
    // Nothing written for either refusal (the nonce of a refused request is not spent either).
    expect({ ...snapshot(), nonces: before.nonces }).toEqual(before);
  });
});
