/** The dynamic member code's format, shared by the function (signing) and the client (display). */
export const MEMBER_CODE_PERIOD_MS = 60_000;
const MEMBER_CODE_PREFIX = 'm1';

export function memberCodeWindow(now: Date): number {
  return Math.floor(now.getTime() / MEMBER_CODE_PERIOD_MS);
}

export function buildMemberCode(memberId: string, window: number, mac: string): string {
  return `${MEMBER_CODE_PREFIX}.${memberId}.${window}.${mac}`;
}

export function parseMemberCode(code: string): { memberId: string; window: number; mac: string } | null {
  if (typeof code !== 'string' || code.length > 200) return null;
  const m = /^m1\.([0-9A-Za-z_-]{1,64})\.(\d{1,12})\.([0-9A-Za-z_-]{22})$/.exec(code.trim());
  if (!m) return null;
  return { memberId: m[1], window: Number(m[2]), mac: m[3] };
}

/** A short form people can read aloud or type at the till: card number tail + window digits. */
export function shortMemberCode(code: string): string {
  const p = parseMemberCode(code);
  if (!p) return '';
  return `${p.memberId.slice(-4)} ${String(p.window % 1_000_000).padStart(6, '0')}`;
}
