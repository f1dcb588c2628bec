import type { DocOf } from '../../shared/schemas/collections';

/**
 * Whole documents for tests that place history by hand (orders paid long ago, coupons of a template
 * never created): the fields a test cares about, the rest as the write path would leave them, so every
 * stored document still parses with its collection's schema (tests/support/local-cloud.ts).
 */
type OrderDoc = DocOf<'orders'>;
type CouponDoc = DocOf<'coupons'>;

export function orderFixture(fields: Pick<OrderDoc, '_id' | 'memberId' | 'storeId' | 'receiptNo' | 'amountFen' | 'paidAt'> & Partial<OrderDoc>): OrderDoc {
  return {
    items: [],
    channel: 'staff',
    staffOpenid: null,
    rulesVersion: 0,
    points: 0,
    growth: 0,
    lotId: `order:${fields._id}:earn`,
    flags: [],
    refundedFen: 0,
    pointsClawed: 0,
    growthClawed: 0,
    createdAt: fields.paidAt,
    ...fields,
  };
}

export function couponFixture(fields: Pick<CouponDoc, '_id' | 'memberId' | 'templateId' | 'status' | 'issuedAt'> & Partial<CouponDoc>): CouponDoc {
  return {
    templateVersion: 1,
    issueKey: `manual:${fields._id}`,
    channel: 'manual',
    terms: {
      title: '测试券',
      description: '',
      kind: 'cash',
      thresholdFen: 0,
      valueFen: 500,
      discountPercent: null,
      maxDiscountFen: null,
      storeIds: null,
      stackable: false,
    },
    startsAt: fields.issuedAt,
    endsAt: new Date(fields.issuedAt.getTime() + 30 * 86_400_000),
    used: null,
    ...fields,
  };
}
