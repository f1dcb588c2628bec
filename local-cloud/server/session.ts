import crypto from 'node:crypto';
import { realNow } from '../database';

export type Role = 'consumer' | 'staff' | 'merchant';
interface Session {
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
/** A session lasts this long after sign-in (real time: moving the local clock does not age it). */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/** What a token carries besides the session: its id (for revocation) and its end (ms since the epoch). */
interface TokenBody extends Session {
  sid: string;
  exp: number;
}

/**
 * Sessions are signed cookies (HMAC-SHA256), so they survive a restart and cannot be forged. Each
 * carries an id and an expiry: a token past its expiry, or one signed out (`revoke`), is no session.
 * Revocations are kept in memory until the token would have expired anyway (a restart forgets them;
 * the expiry still bounds such a token).
 */
export class SessionSigner {
  /**
   * Cookie header → the token it carries, for headers that verified: a header seen before needs no
   * second parse and HMAC (that was ~5 % of a trivial call); its expiry and revocation are still
   * checked on every use. Only verified tokens are kept, least recently used dropped first, so forged
   * headers cannot grow the map.
   */
  private readonly verified = new Map<string, { body: TokenBody; session: Readonly<Session> }>();
  /** sid → its token's expiry: signed out before then */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = realNow,
  ) {}

  /** The session of a request's `Cookie` header (`hy_session`), null without a valid one. */
  fromCookieHeader(header: string | undefined): Readonly<Session> | null {
    if (typeof header !== 'string' || header === '') return null;
    const hit = this.verified.get(header);
    if (hit) {
      if (!this.live(hit.body)) {
        this.verified.delete(header);
        return null;
      }
      // Most recently used last: a Map iterates in insertion order, so the first key is the oldest.
      this.verified.delete(header);
      this.verified.set(header, hit);
      return hit.session;
    }
    const body = this.verifyBody(parseCookies(header)[SESSION_COOKIE]);
    if (!body) return null;
    // Frozen: the object handed out is the one the next request gets, so no caller may change it.
    const session = Object.freeze({ role: body.role, openid: body.openid });
    if (header.length <= MAX_CACHED_HEADER) {
      if (this.verified.size >= MAX_CACHED_SESSIONS) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(header, { body, session });
    }
    return session;
  }

  sign(session: Session): string {
    const token: TokenBody = {
      role: session.role,
      openid: session.openid,
      sid: crypto.randomBytes(12).toString('base64url'),
      exp: this.now() + SESSION_TTL_MS,
    };
    const body = Buffer.from(JSON.stringify(token)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string | undefined): Session | null {
    const body = this.verifyBody(token);
    return body ? { role: body.role, openid: body.openid } : null;
  }

  /** Signs a token out: it is no session from now on, wherever it is presented. */
  revoke(token: string | undefined): void {
    const body = this.verifyBody(token);
    if (!body) return;
    const now = this.now();
    // Drop what has expired anyway, so the list holds only tokens that could still be presented.
    if (this.revoked.size >= MAX_CACHED_SESSIONS) for (const [sid, exp] of this.revoked) if (exp <= now) this.revoked.delete(sid);
    this.revoked.set(body.sid, body.exp);
  }

  private live(body: TokenBody): boolean {
    return body.exp > this.now() && !this.revoked.has(body.sid);
  }

  private verifyBody(token: string | undefined): TokenBody | null {
    if (!token) return null;
    const [body, mac] = token.split('.');
    if (!body || !mac) return null;
    // Compared as bytes: a MAC with multibyte characters has another byte length than its string length.
    const given = Buffer.from(mac);
    const expected = Buffer.from(this.mac(body));
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    try {
      const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenBody;
      const valid = isValidOpenid(s.openid) && ['consumer', 'staff', 'merchant'].includes(s.role) && typeof s.sid === 'string' && typeof s.exp === 'number';
      return valid && this.live(s) ? s : null;
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
