/**
 * Coupon verification decided by one pure function (read, decide, write): the coupon's use and the
 * audit entry to write, with the answer, or a refusal. The caller reads the coupon and the key's
 * record in its transaction and writes the value (`cloudfunctions/coupon/verify.ts`).
 */
import { z } from 'zod';
import { BUSINESS_TZ, dayjs } from '../calendar';
import { AppError } from '../errors';
import { couponAuditDocSchema, couponUseSchema, type CouponDoc, type CouponUse } from '../schemas/coupon';
import { discountFor, effectiveStatus } from './coupons';

const shanghaiTime = (d: Date | string) => dayjs(d).tz(BUSINESS_TZ).format('YYYY-MM-DD HH:mm');

/** Why this coupon cannot be verified at `storeId` now; null when it can. */
export function refusalOf(c: CouponDoc, storeId: string | null, now: Date): AppError | null {
  const status = effectiveStatus(c, now);
  if (status === 'used' && c.used)
    return new AppError('COUPON_ALREADY_USED', `已于 ${shanghaiTime(c.used.at)} 在 ${c.used.storeName} 核销`, {
      usedAt: new Date(c.used.at).toISOString(),
      storeName: c.used.storeName,
    });
  if (status === 'expired') return new AppError('COUPON_EXPIRED', `该券已于 ${shanghaiTime(c.endsAt)} 过期`);
  if (status === 'void') return new AppError('COUPON_EXPIRED', '该券已作废');
  if (new Date(c.startsAt).getTime() > now.getTime()) return new AppError('COUPON_NOT_STARTED', `该券 ${shanghaiTime(c.startsAt)} 起可用`);
  // A clerk always has a store; the merchant verifying from the console without one is not store-bound.
  if (c.terms.storeIds && storeId !== null && !c.terms.storeIds.includes(storeId)) return new AppError('COUPON_NOT_VALID_HERE');
  if (c.terms.storeIds && storeId === null) return new AppError('COUPON_NOT_VALID_HERE', '该券限指定门店使用，请选择门店');
  return null;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * The coupon's minimum order (满100: 10000 fen) against the amount the clerk entered. No amount (a
 * caller from before the till asked for it) is not checked: the field is optional in the contract so
 * such callers keep working; the till always sends it.
 */
export function thresholdRefusal(c: Pick<CouponDoc, 'terms'>, orderAmountFen: number | null): AppError | null {
  if (orderAmountFen === null || orderAmountFen >= c.terms.thresholdFen) return null;
  const missingFen = c.terms.thresholdFen - orderAmountFen;
  return new AppError('COUPON_THRESHOLD_NOT_MET', `该券满${yuan(c.terms.thresholdFen)}可用，本单 ${yuan(orderAmountFen)}，还差 ${yuan(missingFen)}`, {
    thresholdFen: c.terms.thresholdFen,
    orderAmountFen,
    missingFen,
  });
}

const answerSchema = z
  .object({
    couponId: z.string(),
    verifiedAt: z.string(),
    storeName: z.string(),
    title: z.string(),
    /** the amount the threshold was checked against (null: not given) */
    orderAmountFen: z.number().int().nullable(),
    /** what the coupon takes off that amount (null: no amount given) */
    discountFen: z.number().int().nullable(),
  })
  .strict();
type VerificationAnswer = z.infer<typeof answerSchema>;

const answerOf = (c: CouponDoc, use: Pick<CouponUse, 'at' | 'storeName' | 'orderAmountFen'>): VerificationAnswer => {
  const amount = use.orderAmountFen ?? null;
  return {
    couponId: c._id,
    verifiedAt: new Date(use.at).toISOString(),
    storeName: use.storeName,
    title: c.terms.title,
    orderAmountFen: amount,
    discountFen: amount === null ? null : discountFor(c.terms, amount),
  };
};

export const verificationDecisionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('refused'), error: z.instanceof(AppError) }).strict(),
  /** the key's verification is already recorded: answer it again, write nothing */
  z.object({ kind: z.literal('replay'), answer: answerSchema }).strict(),
  z.object({ kind: z.literal('verify'), use: couponUseSchema, audit: couponAuditDocSchema, answer: answerSchema }).strict(),
]);
type VerificationDecision = z.infer<typeof verificationDecisionSchema>;

interface VerificationInput {
  /** the coupon as read in the transaction */
  coupon: CouponDoc;
  /** what the key's record says (platform/idempotency.ts): the request seen before, or a new one */
  seen: 'new' | 'replay';
  /** the idempotency key: the use's `verificationId` and the audit entry's `verify:<key>` */
  key: string;
  fingerprint: string;
  staff: CouponUse['staff'];
  storeId: string | null;
  storeName: string;
  orderId: string | null;
  /** the order's amount entered at the till (null: the caller sent none) */
  orderAmountFen: number | null;
  now: Date;
}

/** unused → used once (C4), or the first answer again for the same key, or a refusal (nothing written). */
export function decideVerification(input: VerificationInput): VerificationDecision {
  const { coupon: c, key, storeId, storeName, orderId, orderAmountFen, now } = input;
  if (input.seen === 'replay') {
    if (c.status === 'used' && c.used?.verificationId === key) return { kind: 'replay', answer: answerOf(c, c.used) };
    // The verification this key recorded was undone since: the key is spent, a new scan is a new request.
    return { kind: 'refused', error: new AppError('IDEMPOTENCY_KEY_REUSED', '该核销已被撤销，请重新扫码核销', { key }) };
  }
  const refusal = refusalOf(c, storeId, now) ?? thresholdRefusal(c, orderAmountFen);
  if (refusal) return { kind: 'refused', error: refusal };
  const use: CouponUse = { at: now, storeId, storeName, staff: input.staff, orderId, orderAmountFen, verificationId: key };
  return {
    kind: 'verify',
    use,
    audit: {
      _id: `verify:${key}`,
      action: 'verify',
      couponId: c._id,
      memberId: c.memberId,
      title: c.terms.title,
      actor: { ...input.staff, storeId },
      storeId,
      storeName,
      orderId,
      orderAmountFen,
      at: now,
      fingerprint: input.fingerprint,
    },
    answer: answerOf(c, use),
  };
}
