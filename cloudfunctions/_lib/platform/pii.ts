import crypto from 'node:crypto';
import { secretKey } from './secrets';

/**
 * Personal data under PIPL: phone numbers are stored encrypted (AES-256-GCM, random 96-bit IV,
 * versioned format `v1:<iv b64url>:<tag b64url>:<cipher b64url>`), found by a keyed hash
 * (HMAC-SHA256 of the normalised number), and shown masked (138****1234) to everyone but the member.
 */
export interface StoredPhone {
  cipher: string;
  hash: string;
  masked: string;
}

const FORMAT = 'v1';

/** Mainland numbers: drop spaces, dashes and a +86 / 0086 / 86 prefix. */
export function normalisePhone(phone: string): string {
  let p = phone.replace(/[\s\-()]/g, '');
  if (p.startsWith('+86')) p = p.slice(3);
  else if (p.startsWith('0086')) p = p.slice(4);
  else if (p.length === 13 && p.startsWith('86')) p = p.slice(2);
  return p;
}

export function encryptPhone(phone: string): string {
  const key = secretKey('HY_PII_KEY');
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(normalisePhone(phone), 'utf8'), c.final()]);
  return [FORMAT, iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}

export function decryptPhone(cipher: string): string {
  const [format, iv, tag, body] = cipher.split(':');
  if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error(`unknown phone cipher format ${format}`);
  const d = crypto.createDecipheriv('aes-256-gcm', secretKey('HY_PII_KEY'), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
}

/** Keyed lookup hash (hex). Same number in any spelling (+86, spaces) → same hash. */
export function phoneHash(phone: string): string {
  return crypto.createHmac('sha256', secretKey('HY_PII_HMAC_KEY')).update(normalisePhone(phone), 'utf8').digest('hex');
}

export function maskPhone(phone: string): string {
  const p = normalisePhone(phone);
  if (p.length < 7) return '*'.repeat(p.length);
  return `${p.slice(0, 3)}****${p.slice(-4)}`;
}

/** The `phone` field of a member document. */
export function protectPhone(phone: string): StoredPhone {
  return { cipher: encryptPhone(phone), hash: phoneHash(phone), masked: maskPhone(phone) };
}

/**
 * Any other personal text (a shipping address as JSON): AES-256-GCM under `HY_PII_KEY`, the same
 * `v1:` format as phone numbers, without the phone normalisation. `decryptPhone` reads it back.
 */
export function encryptText(text: string): string {
  const key = secretKey('HY_PII_KEY');
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return [FORMAT, iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
}

export const decryptText = decryptPhone;
