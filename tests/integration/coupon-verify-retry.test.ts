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

    // without a request id a call is still verified once
    expect(await verify(codes[1], 'o-clerk')).toMatchObject({ ok: true });
    expect(await verify(codes[1], 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_ALREADY_USED' });
    expect(audits()).toHaveLength(2);
  });

  it('refuses a malformed request id', async () => {
    await kit.ok('member', { action: 'join', agree: true }, 'o-vr-2');
    const { codes } = await claimCouponsToVerify(kit.ok, 'o-boss', 'o-vr-2', ['vr-claim-3']);
    for (const requestId of ['short', 'has space in it', 'x'.repeat(65), '$where-123'])
      expect(await verify(codes[0], 'o-clerk', requestId)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(audits()).toHaveLength(0);
  });
});
