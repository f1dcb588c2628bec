import crypto from 'node:crypto';
import { AppError } from '../../../shared/errors';

/**
 * One idempotency policy for every keyed write (redemptions, adjustments, orders, refunds, and the
 * coupon and mall writes to come). A key names ONE request: the record written under it carries a
 * fingerprint of the parameters that define the request; a replay with the same parameters answers
 * the first result, a reuse with other parameters is refused with IDEMPOTENCY_KEY_REUSED (never
 * answered with another member's entry, never charged as if it were new).
 */
interface Fingerprinted {
  /** sha256 of the defining parameters (see `fingerprint`) */
  fingerprint?: string;
}

/** Stable JSON: keys sorted, so the same parameters always give the same fingerprint. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.keys(value as Record<string, unknown>)
      .sort()
      .map((k) => [k, stable((value as Record<string, unknown>)[k])]);
  }
  return value;
}

export function fingerprint(params: Record<string, unknown>): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(stable(params)))
    .digest('base64url');
}

/**
 * Decides what a keyed request meets: `'new'` when nothing is stored under the key, `'replay'` when
 * the stored record was written by the same request. Throws IDEMPOTENCY_KEY_REUSED otherwise.
 * Records written before fingerprints existed are compared with `legacySame`.
 */
export function replayOf<T extends Fingerprinted>(
  existing: T | null,
  params: Record<string, unknown>,
  options: { key: string; message?: string; legacySame?: (record: T) => boolean },
): 'new' | 'replay' {
  if (!existing) return 'new';
  const same = existing.fingerprint !== undefined ? existing.fingerprint === fingerprint(params) : (options.legacySame?.(existing) ?? false);
  if (same) return 'replay';
  // The details name the key only: never the other request's member, amount or balance.
  throw new AppError('IDEMPOTENCY_KEY_REUSED', options.message, { key: options.key });
}

/**
 * A keyed write found its key recorded (its add failed on the database's duplicate key, or a refusal
 * looked and found the record): the caller answers the recorded result. A named signal rather than a
 * made-up "duplicate key" error, so no code path depends on an error's text.
 */
export class KeyRecorded extends Error {
  constructor(readonly key: string) {
    super(`key recorded: ${key}`);
    this.name = 'KeyRecorded';
  }
}

/** True when a keyed write's key is already recorded: our signal, or the database's duplicate key on the key's add. */
export function isKeyRecorded(e: unknown, isDuplicateKey: (e: unknown) => boolean): boolean {
  return e instanceof KeyRecorded || isDuplicateKey(e);
}
