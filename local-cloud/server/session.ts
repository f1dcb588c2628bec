import crypto from 'node:crypto';

export type Role = 'consumer' | 'staff' | 'merchant';
export interface Session {
  role: Role;
  openid: string;
}

/** Demo identities seeded on first run; a sign-in without an openid acts as these. */
export const DEMO_OPENIDS: Record<Role, string> = {
  consumer: 'demo-consumer',
  staff: 'demo-staff-jingan',
  merchant: 'demo-merchant-owner',
};

export const SESSION_COOKIE = 'hy_session';
const OPENID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidOpenid(openid: unknown): openid is string {
  return typeof openid === 'string' && OPENID_PATTERN.test(openid);
}

/** Verified sessions kept per cookie header: enough for every person signed in on one local machine. */
const MAX_CACHED_SESSIONS = 1000;
/** A header longer than this is verified every time rather than kept (a cookie jar of that size is not a browser's). */
const MAX_CACHED_HEADER = 4096;

/** Sessions are signed cookies (HMAC-SHA256), so they survive a restart and cannot be forged. */
export class SessionSigner {
  /**
   * Cookie header → the session it carries, for headers that verified. A valid token stays valid (a
   * session has no expiry and no server-side revocation: signing out clears the cookie), so a header
   * seen before needs no second parse and HMAC; that was ~5 % of a trivial call. Only verified
   * sessions are kept, least recently used dropped first, so forged headers cannot grow the map.
   */
  private readonly verified = new Map<string, Readonly<Session>>();

  constructor(private readonly secret: Buffer) {}

  /** The session of a request's `Cookie` header (`hy_session`), null without a valid one. */
  fromCookieHeader(header: string | undefined): Readonly<Session> | null {
    if (typeof header !== 'string' || header === '') return null;
    const hit = this.verified.get(header);
    if (hit) {
      // Most recently used last: a Map iterates in insertion order, so the first key is the oldest.
      this.verified.delete(header);
      this.verified.set(header, hit);
      return hit;
    }
    const session = this.verify(parseCookies(header)[SESSION_COOKIE]);
    if (session && header.length <= MAX_CACHED_HEADER) {
      if (this.verified.size >= MAX_CACHED_SESSIONS) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(header, Object.freeze(session));
    }
    return session;
  }

  sign(session: Session): string {
    const body = Buffer.from(JSON.stringify(session)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string | undefined): Session | null {
    if (!token) return null;
    const [body, mac] = token.split('.');
    if (!body || !mac) return null;
    // Compared as bytes: a MAC with multibyte characters has another byte length than its string length.
    const given = Buffer.from(mac);
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    try {
      const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Session;
      return isValidOpenid(s.openid) && ['consumer', 'staff', 'merchant'].includes(s.role) ? s : null;
    } catch {
      return null;
    }
  }

  private mac(body: string): string {
    return crypto.createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

/**
 * Cookies of a request. Never throws: a value with a bad `%`-escape is kept as sent (and then fails
 * verification like any other wrong value); the map has no prototype, so a cookie named `__proto__`
 * or `constructor` is just a cookie.
 */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of (typeof header === 'string' ? header : '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const raw = part.slice(i + 1).trim();
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // keep the raw text
    }
    out[part.slice(0, i).trim()] = value;
  }
  return out;
}
