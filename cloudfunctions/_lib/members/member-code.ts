import crypto from 'node:crypto';
import { secretKey } from '../platform/secrets';
import { MEMBER_CODE_PERIOD_MS, buildMemberCode, memberCodeWindow, parseMemberCode } from '../../../shared/rules/member-code';

/**
 * Dynamic member code: `m1.<memberId>.<windowIndex>.<hmac>` where windowIndex = floor(epoch ms / 60 s)
 * and hmac = first 16 bytes (base64url) of HMAC-SHA256(HY_MEMBER_CODE_KEY, "m1.<memberId>.<window>").
 * Valid during its own window and the next one (the current and previous window at scan time), so a
 * screenshot is useless about a minute later.
 */
export { MEMBER_CODE_PERIOD_MS };

/** Numeric form for the barcode and for typing at the till: <12-digit card no><window mod 10^4><10-digit mac>. */
const NUMERIC = /^(\d{12})(\d{4})(\d{10})$/;

function signNumeric(memberId: string, window: number): string {
  const mac = crypto.createHmac('sha256', secretKey('HY_MEMBER_CODE_KEY')).update(`n1.${memberId}.${window}`).digest();
  return (mac.readBigUInt64BE(0) % 10_000_000_000n).toString().padStart(10, '0');
}

function numericCode(memberId: string, window: number): string | null {
  if (!/^\d{12}$/.test(memberId)) return null;
  return `${memberId}${String(window % 10_000).padStart(4, '0')}${signNumeric(memberId, window)}`;
}

function sign(memberId: string, window: number): string {
  return crypto.createHmac('sha256', secretKey('HY_MEMBER_CODE_KEY')).update(`m1.${memberId}.${window}`).digest().subarray(0, 16).toString('base64url');
}

interface IssuedMemberCode {
  code: string;
  /** 26 digits (Code 128 C friendly); null when the member id is not a 12-digit card number */
  numeric: string | null;
  window: number;
  /** when the client should show a fresh code (end of this window) */
  refreshAt: Date;
  /** when a scan of this code stops being accepted */
  expiresAt: Date;
}

export function issueMemberCode(memberId: string, now: Date): IssuedMemberCode {
  const window = memberCodeWindow(now);
  return {
    code: buildMemberCode(memberId, window, sign(memberId, window)),
    numeric: numericCode(memberId, window),
    window,
    refreshAt: new Date((window + 1) * MEMBER_CODE_PERIOD_MS),
    expiresAt: new Date((window + 2) * MEMBER_CODE_PERIOD_MS),
  };
}

type MemberCodeCheck = { ok: true; memberId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** Like verifyMemberCode, but says why a code is refused (forged/garbled vs. too old). */
export function checkMemberCode(code: string, now: Date): MemberCodeCheck {
  const digits = typeof code === 'string' ? code.replace(/\s/g, '') : '';
  const numeric = NUMERIC.exec(digits);
  if (numeric) return checkNumeric(numeric[1], Number(numeric[2]), numeric[3], memberCodeWindow(now));
  const parsed = parseMemberCode(code);
  if (!parsed) return { ok: false, reason: 'invalid' };
  const expected = Buffer.from(sign(parsed.memberId, parsed.window));
  const given = Buffer.from(parsed.mac);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid' };
  const current = memberCodeWindow(now);
  // A code from the future (clock skew beyond a window) is not accepted either.
  if (parsed.window > current) return { ok: false, reason: 'invalid' };
  if (current - parsed.window > 1) return { ok: false, reason: 'expired' };
  return { ok: true, memberId: parsed.memberId };
}

/** The member a scanned code names, or null when it is forged, garbled or older than one window. */
export function verifyMemberCode(code: string, now: Date): { memberId: string } | null {
  const r = checkMemberCode(code, now);
  return r.ok ? { memberId: r.memberId } : null;
}

function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The numeric form carries only the window's last 4 digits: try the windows it can name. */
function checkNumeric(memberId: string, w4: number, mac: string, current: number): MemberCodeCheck {
  // Accepted: the current and previous window. Recognised as expired: up to an hour older.
  for (let back = 0; back <= 60; back += 1) {
    const window = current - back;
    if (window % 10_000 !== w4) continue;
    if (macEquals(signNumeric(memberId, window), mac)) return back <= 1 ? { ok: true, memberId } : { ok: false, reason: 'expired' };
  }
  return { ok: false, reason: 'invalid' };
}
