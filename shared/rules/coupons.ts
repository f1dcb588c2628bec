/**
 * Coupons: pure rules (no I/O). When a coupon is valid, what it reads as now, what its terms say in
 * words, and the format of its rotating code.
 *
 * Invariants kept by the issuing path and verification (cloudfunctions/_lib/coupons/coupons.ts):
 *  C1 a template never issues more than its stock: `issued <= stock`, counted in the same transaction
 *     that writes the coupon;
 *  C2 a member never holds more of a template than its per-member limit (`coupon_holdings`);
 *  C3 one issuing key, one coupon (the coupon id is derived from the key);
 *  C4 a coupon goes unused → used once: the status changes in one transaction conditional on it.
 */
import { addBusinessDays, businessDate, startOfBusinessDate } from '../calendar';
import type { CouponChannel, CouponDoc, CouponStatus, CouponTemplateDoc, CouponTerms, Validity } from '../schemas/coupon';

/** Coupons ending within this many days are marked 即将过期. */
export const EXPIRING_SOON_DAYS = 3;

/** The instants a coupon issued at `issuedAt` under `validity` is valid between: [startsAt, endsAt). */
export function validityWindow(validity: Validity, issuedAt: Date): { startsAt: Date; endsAt: Date } {
  if (validity.type === 'fixed') {
    return { startsAt: startOfBusinessDate(validity.from), endsAt: startOfBusinessDate(addBusinessDays(validity.to, 1)) };
  }
  return { startsAt: issuedAt, endsAt: startOfBusinessDate(addBusinessDays(businessDate(issuedAt), validity.days)) };
}

/** A fixed-range template stops being issued once its range has ended. */
export function templateIssuable(validity: Validity, now: Date): boolean {
  return validity.type === 'relative' || now.getTime() < startOfBusinessDate(addBusinessDays(validity.to, 1)).getTime();
}

/** Why a template cannot issue on a channel: gone, paused, not allowed on the channel, its fixed range over. */
export type IssueProblem = 'missing' | 'paused' | 'channel' | 'ended';
export const ISSUE_PROBLEM_TEXT: Record<IssueProblem, string> = {
  missing: '优惠券不存在',
  paused: '优惠券已暂停发放',
  channel: '优惠券未开启该发放渠道',
  ended: '优惠券的有效期已结束',
};

/** What stops `template` issuing on `channel` at `now` (null: it can, stock and per-member limits aside). */
export function issueProblem(
  template: Pick<CouponTemplateDoc, 'status' | 'channels' | 'validity'> | null,
  channel: CouponChannel,
  now: Date,
): IssueProblem | null {
  if (!template) return 'missing';
  if (template.status !== 'active') return 'paused';
  if (!template.channels.includes(channel)) return 'channel';
  if (!templateIssuable(template.validity, now)) return 'ended';
  return null;
}

/** What a coupon is now: an unused one past its end is expired at once, whatever the nightly job has done. */
export function effectiveStatus(c: Pick<CouponDoc, 'status' | 'endsAt'>, now: Date): CouponStatus {
  if (c.status === 'unused' && new Date(c.endsAt).getTime() <= now.getTime()) return 'expired';
  return c.status;
}

export function expiringSoon(c: Pick<CouponDoc, 'status' | 'endsAt'>, now: Date, days = EXPIRING_SOON_DAYS): boolean {
  const left = new Date(c.endsAt).getTime() - now.getTime();
  return effectiveStatus(c, now) === 'unused' && left > 0 && left <= days * 86_400_000;
}

const yuan = (fen: number) => (fen % 100 === 0 ? String(fen / 100) : (fen / 100).toFixed(2));

/** The headline of a coupon: `¥20`, `8.8折`, `兑换券`. */
export function faceValue(t: Pick<CouponTerms, 'kind' | 'valueFen' | 'discountPercent'>): string {
  if (t.kind === 'cash') return `¥${yuan(t.valueFen)}`;
  if (t.kind === 'discount') return `${(t.discountPercent ?? 100) / 10}折`;
  return '兑换券';
}

/** Its conditions in words, for the wallet and the till. */
export function conditionsText(t: CouponTerms, storeNames?: (id: string) => string): string[] {
  const lines: string[] = [];
  if (t.kind === 'cash') lines.push(t.thresholdFen > 0 ? `满${yuan(t.thresholdFen)}元减${yuan(t.valueFen)}元` : `无门槛减${yuan(t.valueFen)}元`);
  if (t.kind === 'discount') {
    lines.push(`${t.thresholdFen > 0 ? `满${yuan(t.thresholdFen)}元` : ''}享${(t.discountPercent ?? 100) / 10}折`);
    if (t.maxDiscountFen !== null) lines.push(`最多优惠${yuan(t.maxDiscountFen)}元`);
  }
  if (t.kind === 'gift') lines.push(t.thresholdFen > 0 ? `满${yuan(t.thresholdFen)}元可兑换` : '到店兑换');
  lines.push(t.storeIds ? `限 ${t.storeIds.map((s) => (storeNames ? storeNames(s) : s)).join('、')} 使用` : '全部门店可用');
  lines.push(t.stackable ? '可与其他优惠券同享' : '不可与其他优惠券同享');
  return lines;
}

/** What the coupon takes off an order of `orderFen` (0 when the threshold is not met). */
export function discountFor(t: CouponTerms, orderFen: number): number {
  if (orderFen < t.thresholdFen) return 0;
  if (t.kind === 'cash') return Math.min(t.valueFen, orderFen);
  if (t.kind === 'discount') {
    const off = Math.floor((orderFen * (100 - (t.discountPercent ?? 100))) / 100);
    return t.maxDiscountFen === null ? off : Math.min(off, t.maxDiscountFen);
  }
  return 0;
}

// ------------------------------------------------------------------ the rotating code

/**
 * `c1.<couponId>.<window>.<mac>` (the QR) and 24 digits `<couponId 12><window mod 100><mac 10>` (the
 * Code 128 barcode and what the clerk types). 24 digits, not the member code's 26, so the till tells
 * them apart by length. The window length is the code period (60 s unless configured).
 */
export const COUPON_CODE_PERIOD_MS = 60_000;
export const COUPON_DIGITS = /^(\d{12})(\d{2})(\d{10})$/;
const TOKEN = /^c1\.(\d{12})\.(\d{1,13})\.([0-9A-Za-z_-]{22})$/;

export function couponCodeWindow(now: Date, periodMs = COUPON_CODE_PERIOD_MS): number {
  return Math.floor(now.getTime() / periodMs);
}

export function parseCouponToken(code: string): { couponId: string; window: number; mac: string } | null {
  if (typeof code !== 'string' || code.length > 200) return null;
  const m = TOKEN.exec(code.trim());
  return m ? { couponId: m[1], window: Number(m[2]), mac: m[3] } : null;
}

export function isCouponCode(text: string): boolean {
  return COUPON_DIGITS.test(text) || parseCouponToken(text) !== null;
}
