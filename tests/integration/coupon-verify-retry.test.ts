/**
 * A till's retry of a verification whose answer was lost (the clerk taps 确认核销 again, or the client
 * re-sends after CONFLICT or a timeout): with the scan's `requestId` the second call answers the first
 * verification instead of COUPON_ALREADY_USED, and nothing is written twice. Another clerk, or the
 * same clerk with another scan, is still refused.
 */
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';
import { claimCouponsToVerify } from '../support/coupon-kit';

jest.setTimeout(60_000);

describe('coupon.verify: a retried scan', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    cloud.store.insert('roles', { _id: 'o-clerk-2', openid: 'o-clerk-2', role: 'staff', name: '店员二', storeId: 'store-a' });
  });
  afterEach(() => closeTestCloud(cloud));
  const kit = pointsKit(() => cloud);
  const verify = (code: string, openid: string, requestId?: string) =>
    cloud.invoke('coupon', { action: 'verify', code, ...(requestId ? { requestId } : {}) }, { openid }) as Promise<Any>;
  const audits = () => cloud.store.scan('coupon_audit').filter((s) => (s.doc as Any).action === 'verify');

  it('answers the same verification again to the same scan, refuses any other', async () => {
    await kit.ok('member', { action: 'join', agree: true }, 'o-vr-1');
    const { codes } = await claimCouponsToVerify(kit.ok, 'o-boss', 'o-vr-1', ['vr-claim-1', 'vr-claim-2']);

    const first = await verify(codes[0], 'o-clerk', 'scan-0001-abc');
    expect(first).toMatchObject({ ok: true, data: { storeName: 'A店' } });
    const again = await verify(codes[0], 'o-clerk', 'scan-0001-abc');
    expect(again).toEqual(first);
    expect(audits()).toHaveLength(1);

    // another scan of the same coupon, by the same clerk or another one (same request id): used
    expect(await verify(codes[0], 'o-clerk', 'scan-0002-abc')).toMatchObject({ ok: false, code: 'COUPON_ALREADY_USED' });
    expect(await verify(codes[0], 'o-clerk-2', 'scan-0001-abc')).toMatchObject({ ok: false, code: 'COUPON_ALREADY_USED' });
    expect(await verify(codes[0], 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_ALREADY_USED' });
    expect(audits()).toHaveLength(1);

    // without a request id the request's natural key (this clerk, coupon, store and order) keys it:
    // verified once, and the same scan again answers that verification rather than a second redemption
    const plain = await verify(codes[1], 'o-clerk');
    expect(plain).toMatchObject({ ok: true });
    expect(await verify(codes[1], 'o-clerk')).toEqual(plain);
    expect(await verify(codes[1], 'o-clerk-2')).toMatchObject({ ok: false, code: 'COUPON_ALREADY_USED' });
    expect(await cloud.invoke('coupon', { action: 'verify', code: codes[1], orderId: 'other-order' }, { openid: 'o-clerk' })).toMatchObject({
      ok: false,
      code: 'COUPON_ALREADY_USED',
    });
    expect(audits()).toHaveLength(2);
  });

  // issue 25, defect 5: these answered INTERNAL (the audit entry's duplicate key) and must not.
  it('a request id reused for another coupon, or after the verification was undone, is IDEMPOTENCY_KEY_REUSED; nothing is written', async () => {
    await kit.ok('member', { action: 'join', agree: true }, 'o-vr-3');
    const { codes } = await claimCouponsToVerify(kit.ok, 'o-boss', 'o-vr-3', ['vr-claim-4', 'vr-claim-5', 'vr-claim-6']);
    const first = (await verify(codes[0], 'o-clerk', 'scan-reuse-0001')) as Any;
    expect(first).toMatchObject({ ok: true });

    // the same request id, another coupon
    expect(await verify(codes[1], 'o-clerk', 'scan-reuse-0001')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    const second = cloud.store.scan('coupons').find((s) => (s.doc as Any).status === 'unused');
    expect(second).toBeDefined();
    expect(audits()).toHaveLength(1);

    // verified, undone by the merchant, then the same request id again: the key is spent
    const undoneOne = (await verify(codes[2], 'o-clerk', 'scan-undo-0001')) as Any;
    expect(undoneOne).toMatchObject({ ok: true });
    expect(await cloud.invoke('coupon', { action: 'undoVerify', couponId: undoneOne.data.couponId }, { openid: 'o-boss' })).toMatchObject({ ok: true });
    expect(await verify(codes[2], 'o-clerk', 'scan-undo-0001')).toMatchObject({ ok: false, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((cloud.store.get('coupons', undoneOne.data.couponId)!.doc as Any).status).toBe('unused');
    expect(audits()).toHaveLength(2);

    // a new scan (a new request id, or none) verifies it again
    expect(await verify(codes[2], 'o-clerk', 'scan-undo-0002')).toMatchObject({ ok: true });
    expect(audits()).toHaveLength(3);
  });

  it('refuses a malformed request id', async () => {
    await kit.ok('member', { action: 'join', agree: true }, 'o-vr-2');
    const { codes } = await claimCouponsToVerify(kit.ok, 'o-boss', 'o-vr-2', ['vr-claim-3']);
    for (const requestId of ['short', 'has space in it', 'x'.repeat(65), '$where-123'])
      expect(await verify(codes[0], 'o-clerk', requestId)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(audits()).toHaveLength(0);
  });
});
