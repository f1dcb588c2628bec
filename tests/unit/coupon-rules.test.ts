import { classifyScannedCode } from '../../shared/rules/scan-code';
import { conditionsText, discountFor, effectiveStatus, expiringSoon, faceValue, validityWindow } from '../../shared/rules/coupons';
import type { CouponTerms } from '../../shared/schemas/coupon';

const cash: CouponTerms = {
  title: '满100减20',
  description: '',
  kind: 'cash',
  thresholdFen: 10000,
  valueFen: 2000,
  discountPercent: null,
  maxDiscountFen: null,
  storeIds: null,
  stackable: false,
};
const discount: CouponTerms = { ...cash, kind: 'discount', valueFen: 0, thresholdFen: 0, discountPercent: 88, maxDiscountFen: 3000 };

describe('coupon rules', () => {
  it('computes validity windows in Shanghai business days', () => {
    const issuedAt = new Date('2026-07-01T04:00:00Z'); // 12:00 in Shanghai
    expect(validityWindow({ type: 'relative', days: 2 }, issuedAt)).toEqual({ startsAt: issuedAt, endsAt: new Date('2026-07-02T16:00:00Z') });
    // issued at 23:30 Shanghai (15:30 UTC): day 1 is that evening
    expect(validityWindow({ type: 'relative', days: 1 }, new Date('2026-07-01T15:30:00Z')).endsAt).toEqual(new Date('2026-07-01T16:00:00Z'));
    expect(validityWindow({ type: 'fixed', from: '2026-05-01', to: '2026-05-03' }, issuedAt)).toEqual({
      startsAt: new Date('2026-04-30T16:00:00Z'),
      endsAt: new Date('2026-05-03T16:00:00Z'),
    });
  });

  it('reads an unused coupon past its end as expired at once, and marks 即将过期 within 3 days', () => {
    const endsAt = new Date('2026-07-10T16:00:00Z');
    expect(effectiveStatus({ status: 'unused', endsAt }, new Date('2026-07-10T15:59:59Z'))).toBe('unused');
    expect(effectiveStatus({ status: 'unused', endsAt }, endsAt)).toBe('expired');
    expect(effectiveStatus({ status: 'used', endsAt }, new Date('2026-08-01T00:00:00Z'))).toBe('used');
    expect(expiringSoon({ status: 'unused', endsAt }, new Date('2026-07-07T16:00:00Z'))).toBe(true);
    expect(expiringSoon({ status: 'unused', endsAt }, new Date('2026-07-07T15:59:59Z'))).toBe(false);
    expect(expiringSoon({ status: 'used', endsAt }, new Date('2026-07-09T00:00:00Z'))).toBe(false);
  });

  it('says what a coupon takes off and what its conditions are', () => {
    expect(discountFor(cash, 9999)).toBe(0);
    expect(discountFor(cash, 10000)).toBe(2000);
    expect(discountFor(discount, 10000)).toBe(1200);
    expect(discountFor(discount, 100000)).toBe(3000);
    expect(faceValue(cash)).toBe('¥20');
    expect(faceValue(discount)).toBe('8.8折');
    expect(conditionsText({ ...cash, storeIds: ['s1'] }, () => '静安寺店')).toEqual(['满100元减20元', '限 静安寺店 使用', '不可与其他优惠券同享']);
  });

  it('tells coupon codes from member codes and phone numbers at the till', () => {
    expect(classifyScannedCode('1234 5678 9012 3412 3456 7890')).toEqual({ kind: 'coupon_code', code: '123456789012341234567890' });
    expect(classifyScannedCode(`c1.123456789012.29612345.${'a'.repeat(22)}`).kind).toBe('coupon_code');
    expect(classifyScannedCode('8'.repeat(26)).kind).toBe('member_code');
    expect(classifyScannedCode('13912345678').kind).toBe('phone');
    expect(classifyScannedCode('12345').kind).toBe('unknown');
  });
});
