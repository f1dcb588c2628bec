/**
 * The clerk's till: how long a clerk may take back (撤销) an order they recorded, and above which
 * amount the till asks the clerk to confirm before recording. Pure.
 */

/** A clerk may revoke an order of their store within this many minutes of recording it; the merchant at any time. */
export const STAFF_REVOKE_WINDOW_MINUTES = 30;

/** The till asks for confirmation above this amount unless the merchant set another (`rules.tillConfirmAboveFen`). */
export const DEFAULT_TILL_CONFIRM_ABOVE_FEN = 50_000;

/** Until when `role` may revoke an order created at `createdAt`; null = no limit. */
export function revocableUntil(role: 'staff' | 'merchant', createdAt: Date): Date | null {
  return role === 'merchant' ? null : new Date(createdAt.getTime() + STAFF_REVOKE_WINDOW_MINUTES * 60_000);
}

export function mayRevoke(role: 'staff' | 'merchant', createdAt: Date, now: Date): boolean {
  const until = revocableUntil(role, createdAt);
  return until === null || now.getTime() <= until.getTime();
}
