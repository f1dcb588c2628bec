import { decideVerification, verificationDecisionSchema } from '../../shared/rules/coupon-verify';
import type { CouponDoc } from '../../shared/schemas/coupon';

const now = new Date('2026-07-01T04:00:00Z'); // 12:00 in Shanghai
const coupon: CouponDoc = {
  _id: '100000000001',
  templateId: 't1',
  templateVersion: 1,
  memberId: 'm1',
  issueKey: 'claim:r1',
  channel: 'claim_center',
  status: 'unused',
  terms: {
    title: '满100减20',
    description: '',
    kind: 'cash',
    thresholdFen: 10000,
    valueFen: 2000,
    discountPercent: null,
    maxDiscountFen: null,
    storeIds: null,
    stackable: false,
  },
  issuedAt: new Date('2026-06-30T04:00:00Z'),
  startsAt: new Date('2026-06-30T04:00:00Z'),
  endsAt: new Date('2026-07-10T16:00:00Z'),
  used: null,
};
const staff = { openid: 'o-clerk', name: '小王', role: 'staff' };
const input = {
  coupon,
  seen: 'new' as const,
  key: 'r-abc',
  fingerprint: 'fp',
  staff,
  storeId: 's1',
  storeName: '一号店',
  orderId: 'o1',
  orderAmountFen: 12000,
  now,
};
const codeOf = (d: ReturnType<typeof decideVerification>) => (d.kind === 'refused' ? d.error.code : d.kind);

describe('decideVerification', () => {
  it('verifies an unused coupon: the use, the audit entry under verify:<key>, and the answer', () => {
    const d = decideVerification(input);
    // The decision is a value of its schema (the caller writes it as is).
    expect(verificationDecisionSchema.parse(d)).toEqual(d);
    expect(d).toEqual({
      kind: 'verify',
      use: { at: now, storeId: 's1', storeName: '一号店', staff, orderId: 'o1', orderAmountFen: 12000, verificationId: 'r-abc' },
      audit: {
        _id: 'verify:r-abc',
        action: 'verify',
        couponId: coupon._id,
        memberId: 'm1',
        title: '满100减20',
        actor: { ...staff, storeId: 's1' },
        storeId: 's1',
        storeName: '一号店',
        orderId: 'o1',
        orderAmountFen: 12000,
        at: now,
        fingerprint: 'fp',
      },
      answer: { couponId: coupon._id, verifiedAt: now.toISOString(), storeName: '一号店', title: '满100减20', orderAmountFen: 12000, discountFen: 2000 },
    });
  });

  it('refuses a used, expired, void, not yet started or wrong-store coupon', () => {
    const usedAt = new Date('2026-07-01T02:00:00Z');
    const used = {
      ...coupon,
      status: 'used' as const,
      used: { at: usedAt, storeId: 's2', storeName: '二号店', staff, orderId: null, verificationId: 'other' },
    };
    const d = decideVerification({ ...input, coupon: used });
    expect(codeOf(d)).toBe('COUPON_ALREADY_USED');
    expect(d.kind === 'refused' && d.error.message).toBe('已于 2026-07-01 10:00 在 二号店 核销');
    expect(codeOf(decideVerification({ ...input, coupon: { ...coupon, endsAt: new Date('2026-07-01T00:00:00Z') } }))).toBe('COUPON_EXPIRED');
    expect(codeOf(decideVerification({ ...input, coupon: { ...coupon, status: 'void' } }))).toBe('COUPON_EXPIRED');
    expect(codeOf(decideVerification({ ...input, coupon: { ...coupon, startsAt: new Date('2026-07-02T00:00:00Z') } }))).toBe('COUPON_NOT_STARTED');
    const onlyS2 = { ...coupon, terms: { ...coupon.terms, storeIds: ['s2'] } };
    expect(codeOf(decideVerification({ ...input, coupon: onlyS2 }))).toBe('COUPON_NOT_VALID_HERE');
    expect(codeOf(decideVerification({ ...input, coupon: onlyS2, storeId: null }))).toBe('COUPON_NOT_VALID_HERE');
    expect(codeOf(decideVerification({ ...input, coupon: onlyS2, storeId: 's2' }))).toBe('verify');
  });

  it('answers a replay of its own verification again, and refuses one undone since', () => {
    const mine = { at: usedAtOf(), storeId: 's1', storeName: '一号店', staff, orderId: 'o1', orderAmountFen: 12000, verificationId: 'r-abc' };
    const d = decideVerification({ ...input, seen: 'replay', coupon: { ...coupon, status: 'used', used: mine }, now: new Date(now.getTime() + 60_000) });
    expect(d).toEqual({
      kind: 'replay',
      answer: { couponId: coupon._id, verifiedAt: mine.at.toISOString(), storeName: '一号店', title: '满100减20', orderAmountFen: 12000, discountFen: 2000 },
    });
    // A use written before the till sent amounts answers null for them.
    const legacy = { at: usedAtOf(), storeId: 's1', storeName: '一号店', staff, orderId: 'o1', verificationId: 'r-abc' };
    const old = decideVerification({ ...input, seen: 'replay', coupon: { ...coupon, status: 'used', used: legacy } });
    expect(old.kind === 'replay' && old.answer).toMatchObject({ orderAmountFen: null, discountFen: null });
    expect(codeOf(decideVerification({ ...input, seen: 'replay' }))).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('decideVerification: the threshold (满100) and the store', () => {
  it('refuses an order below the threshold with the missing amount, writing nothing', () => {
    const d = decideVerification({ ...input, orderAmountFen: 8000 });
    expect(d.kind).toBe('refused');
    if (d.kind !== 'refused') return;
    expect(d.error.code).toBe('COUPON_THRESHOLD_NOT_MET');
    expect(d.error.message).toBe('该券满¥100.00可用，本单 ¥80.00，还差 ¥20.00');
    expect(d.error.details).toEqual({ thresholdFen: 10000, orderAmountFen: 8000, missingFen: 2000 });
  });

  it('accepts exactly the threshold (满100: 10000 fen is enough) and anything above', () => {
    expect(codeOf(decideVerification({ ...input, orderAmountFen: 10000 }))).toBe('verify');
    expect(codeOf(decideVerification({ ...input, orderAmountFen: 9999 }))).toBe('COUPON_THRESHOLD_NOT_MET');
    const d = decideVerification({ ...input, orderAmountFen: 25000 });
    expect(d.kind === 'verify' && d.answer).toMatchObject({ orderAmountFen: 25000, discountFen: 2000 });
  });

  it('a coupon without a threshold takes any amount, even 0', () => {
    const free = { ...coupon, terms: { ...coupon.terms, thresholdFen: 0, valueFen: 500 } };
    expect(codeOf(decideVerification({ ...input, coupon: free, orderAmountFen: 0 }))).toBe('verify');
  });

  it('no amount sent (a caller from before the till asked for it): the threshold is not checked, the use records null', () => {
    const d = decideVerification({ ...input, orderAmountFen: null });
    expect(d.kind).toBe('verify');
    if (d.kind !== 'verify') return;
    expect(d.use.orderAmountFen).toBeNull();
    expect(d.answer).toMatchObject({ orderAmountFen: null, discountFen: null });
  });

  it('a discount coupon answers what it takes off the entered amount', () => {
    const eightyEight = { ...coupon, terms: { ...coupon.terms, kind: 'discount' as const, valueFen: 0, discountPercent: 88, maxDiscountFen: 3000 } };
    const d = decideVerification({ ...input, coupon: eightyEight, orderAmountFen: 15000 });
    expect(d.kind === 'verify' && d.answer.discountFen).toBe(1800);
  });

  it('the store restriction comes before the threshold: a wrong store is COUPON_NOT_VALID_HERE whatever the amount', () => {
    const onlyS2 = { ...coupon, terms: { ...coupon.terms, storeIds: ['s2'] } };
    expect(codeOf(decideVerification({ ...input, coupon: onlyS2, orderAmountFen: 100 }))).toBe('COUPON_NOT_VALID_HERE');
    expect(codeOf(decideVerification({ ...input, coupon: onlyS2, storeId: 's2', orderAmountFen: 100 }))).toBe('COUPON_THRESHOLD_NOT_MET');
    expect(codeOf(decideVerification({ ...input, coupon: onlyS2, storeId: 's2', orderAmountFen: 10000 }))).toBe('verify');
  });

  it('a replay of a recorded verification is answered, not re-checked against the threshold', () => {
    const mine = { at: usedAtOf(), storeId: 's1', storeName: '一号店', staff, orderId: 'o1', orderAmountFen: 12000, verificationId: 'r-abc' };
    expect(codeOf(decideVerification({ ...input, seen: 'replay', orderAmountFen: 10, coupon: { ...coupon, status: 'used', used: mine } }))).toBe('replay');
  });
});

function usedAtOf() {
  return new Date(now.getTime() - 60_000);
}
