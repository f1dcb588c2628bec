import { realClock, setClock, shanghai } from '../support/clock';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { kit, seedStores } from '../support/coupon-faults';

jest.setTimeout(60_000);

/**
 * The till asks the order amount (issue 26 item 3): verify checks the coupon's threshold (满100: at
 * least 10000 fen) and its stores against it, server-side, and records the amount with the use.
 * `orderAmountFen` is optional in the contract (callers from before it keep working, unchecked).
 */
describe('coupon verification: the order amount against the threshold, and the store', () => {
  let cloud: TestCloud;
  const k = kit(() => cloud);
  beforeEach(() => {
    cloud = openTestCloud();
    seedStores(cloud);
    setClock(shanghai('2026-06-01 09:00'));
  });
  afterEach(() => {
    realClock();
    closeTestCloud(cloud);
  });

  const claimCode = async (templateId: string, n: number) => {
    const { couponId } = await k.ok({ action: 'claim', templateId, requestId: `claim-threshold-${n}` }, 'o-m4000');
    return { couponId: couponId as string, digits: (await k.ok({ action: 'getCode', couponId }, 'o-m4000')).digits as string };
  };

  it('refuses ¥80 for 满100 with the missing amount, writing nothing; ¥100 verifies and the amount is kept with the use and the day list', async () => {
    const { templateId } = await k.template({ perMemberLimit: 3 });
    k.members(1, 4000);
    const { couponId, digits } = await claimCode(templateId, 1);
    const inspected = await k.ok({ action: 'inspect', code: digits }, 'o-clerk');
    expect(inspected).toMatchObject({ thresholdFen: 10000, refusal: null });

    const before = k.snapshot();
    expect(await k.call({ action: 'verify', code: digits, orderAmountFen: 8000, requestId: 'till-scan-0001' }, 'o-clerk')).toMatchObject({
      ok: false,
      code: 'COUPON_THRESHOLD_NOT_MET',
      message: '该券满¥100.00可用，本单 ¥80.00，还差 ¥20.00',
    });
    expect(k.doc('coupons', couponId).status).toBe('unused');
    expect(JSON.parse(k.snapshot()).find(([c]: [string]) => c === 'coupon_audit')).toEqual(JSON.parse(before).find(([c]: [string]) => c === 'coupon_audit'));

    // The clerk corrects the amount: the same scan (request id) now verifies.
    const done = await k.ok({ action: 'verify', code: digits, orderAmountFen: 10000, requestId: 'till-scan-0001' }, 'o-clerk');
    expect(done).toMatchObject({ couponId, storeName: 'A店', orderAmountFen: 10000, discountFen: 2000 });
    expect(k.doc('coupons', couponId).used).toMatchObject({ storeId: 'store-a', orderAmountFen: 10000 });
    // A retry after a lost answer answers the same, amount included.
    expect(await k.ok({ action: 'verify', code: digits, orderAmountFen: 10000, requestId: 'till-scan-0001' }, 'o-clerk')).toEqual(done);
    expect((await k.ok({ action: 'myVerifications' }, 'o-clerk')).entries).toEqual([
      expect.objectContaining({ action: 'verify', couponId, orderAmountFen: 10000, active: true }),
    ]);
  });

  it('a caller that sends no amount still verifies (backward compatible; the amount recorded as unknown)', async () => {
    const { templateId } = await k.template({ perMemberLimit: 3 });
    k.members(1, 4000);
    const { couponId, digits } = await claimCode(templateId, 2);
    expect(await k.ok({ action: 'verify', code: digits }, 'o-clerk')).toMatchObject({ couponId, orderAmountFen: null, discountFen: null });
  });

  it('a coupon for store B only: refused at store A whatever the amount (COUPON_NOT_VALID_HERE), verified at B', async () => {
    const { templateId } = await k.template({ perMemberLimit: 3, storeIds: ['store-b'] });
    k.members(1, 4000);
    const { couponId, digits } = await claimCode(templateId, 3);
    expect(await k.call({ action: 'verify', code: digits, orderAmountFen: 50000 }, 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_NOT_VALID_HERE' });
    expect(await k.call({ action: 'verify', code: digits, orderAmountFen: 5000 }, 'o-clerk-b')).toMatchObject({ ok: false, code: 'COUPON_THRESHOLD_NOT_MET' });
    expect(await k.ok({ action: 'verify', code: digits, orderAmountFen: 12000 }, 'o-clerk-b')).toMatchObject({ couponId, storeName: 'B店' });
  });
});
