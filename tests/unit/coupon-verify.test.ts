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
const input = { coupon, seen: 'new' as const, key: 'r-abc', fingerprint: 'fp', staff, storeId: 's1', storeName: '一号店', orderId: 'o1', now };
const codeOf = (d: ReturnType<typeof decideVerification>) => (d.kind === 'refused' ? d.error.code : d.kind);

describe('decideVerification', () => {
  it('verifies an unused coupon: the use, the audit entry under verify:<key>, and the answer', () => {
    const d = decideVerification(input);
    // The decision is a value of its schema (the caller writes it as is).
    expect(verificationDecisionSchema.parse(d)).toEqual(d);
    expect(d).toEqual({
      kind: 'verify',
      use: { at: now, storeId: 's1', storeName: '一号店', staff, orderId: 'o1', verificationId: 'r-abc' },
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
        at: now,
        fingerprint: 'fp',
      },
      answer: { couponId: coupon._id, verifiedAt: now.toISOString(), storeName: '一号店', title: '满100减20' },
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
    const mine = { at: usedAtOf(), storeId: 's1', storeName: '一号店', staff, orderId: 'o1', verificationId: 'r-abc' };
    const d = decideVerification({ ...input, seen: 'replay', coupon: { ...coupon, status: 'used', used: mine }, now: new Date(now.getTime() + 60_000) });
    expect(d).toEqual({ kind: 'replay', answer: { couponId: coupon._id, verifiedAt: mine.at.toISOString(), storeName: '一号店', title: '满100减20' } });
    expect(codeOf(decideVerification({ ...input, seen: 'replay' }))).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

function usedAtOf() {
  return new Date(now.getTime() - 60_000);
}
