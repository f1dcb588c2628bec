import crypto from 'node:crypto';

/**
 * POS request signing (per store):
 *   secret    = the store's secret (points.getPosSecret; 64 hex characters, used as the key text)
 *   canonical = METHOD + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex(sha256(body))
 *   signature = hex(HMAC-SHA256(secret, canonical))
 * `path` is the path under the function (`/orders`), `timestamp` Unix seconds, `nonce` 16–64 of
 * [A-Za-z0-9_-], `body` the exact bytes sent.
 */
function canonicalString(method: string, path: string, timestamp: string, nonce: string, body: string | Buffer): string {
  const bodyHash = crypto.createHash('sha256').update(body).digest('hex');
  return [method.toUpperCase(), path, timestamp, nonce, bodyHash].join('\n');
}

export function signPosRequest(secret: string, method: string, path: string, timestamp: string, nonce: string, body: string | Buffer): string {
  return crypto
    .createHmac('sha256', secret)
    .update(canonicalString(method, path, timestamp, nonce, body))
    .digest('hex');
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given.toLowerCase(), 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
