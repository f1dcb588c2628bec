import { parseMemberCode } from './member-code';
import { isCouponCode } from './coupons';

/**
 * What a clerk scanned or typed at the till. One classifier for every code the workbench accepts,
 * so the workbench routes an entry to the right action without guessing per page. New code kinds
 * (coupon codes, ...) add a branch here.
 */
type ScannedCode =
  | { kind: 'member_code'; code: string }
  | { kind: 'phone'; phone: string }
  /** a coupon's rotating code: the QR token `c1.…` or the 24 digits under its barcode */
  | { kind: 'coupon_code'; code: string }
  | { kind: 'unknown'; text: string };

/** The numeric member code under the barcode: 26 digits. */
const NUMERIC_MEMBER_CODE = /^\d{26}$/;
/** A mainland mobile number, optionally with +86 / 0086 / 86. */
const MOBILE = /^(?:\+86|0086|86)?1\d{10}$/;

export function classifyScannedCode(raw: string): ScannedCode {
  const text = raw.replace(/[\s-]+/g, '');
  if (MOBILE.test(text)) return { kind: 'phone', phone: text };
  if (NUMERIC_MEMBER_CODE.test(text) || parseMemberCode(text)) return { kind: 'member_code', code: text };
  if (isCouponCode(text)) return { kind: 'coupon_code', code: text };
  return { kind: 'unknown', text };
}
