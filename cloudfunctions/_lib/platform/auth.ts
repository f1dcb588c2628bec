import type { RoleDoc } from '../../../shared/schemas/stores';
import { AppError } from '../../../shared/errors';
import { getById } from './db';

/** `roles/<OPENID>` (shared/schemas/stores.ts): rights come from here, never from the client. */
export type { RoleDoc };
type StaffRole = RoleDoc['role'];

/**
 * Role documents cached per function instance for a short while: every staff action needs the
 * role, and a warm instance serving a till's stream of orders should not pay a billed read for each.
 * Only roles found are cached (a new clerk is seen at once); a revoked or moved clerk is seen within
 * ROLE_CACHE_MS. The read itself retries transient faults (db.ts): callers never wrap it.
 */
export const ROLE_CACHE_MS = 30_000;
const roles = new Map<string, { doc: RoleDoc; at: number }>();

/**
 * The one role check: the caller's role document, if the caller holds one of `allowed`; FORBIDDEN
 * otherwise. Never wrapped in `withRetry` (the read retries itself).
 */
export async function requireRole(openid: string, allowed: readonly StaffRole[]): Promise<RoleDoc> {
  if (!openid) throw new AppError('UNAUTHENTICATED');
  const doc = await roleOf(openid);
  if (!doc || !allowed.includes(doc.role)) throw new AppError('FORBIDDEN');
  return doc;
}

/** The caller's role document or null, for the few answers that only differ by role (myRole, the template list, refusing 开卡 to staff). */
export async function roleOf(openid: string): Promise<RoleDoc | null> {
  if (!openid) return null;
  const hit = roles.get(openid);
  const fresh = hit && Math.abs(Date.now() - hit.at) < ROLE_CACHE_MS ? hit.doc : null;
  const doc = fresh ?? (await getById<RoleDoc>('roles', openid));
  if (doc && !fresh) roles.set(openid, { doc, at: Date.now() });
  return doc;
}

/** Who did it, as ledger entries and orders record it. */
export interface Actor {
  openid: string;
  role: string;
  name: string;
}
export const actorOf = (role: RoleDoc): Actor => ({ openid: role.openid, role: role.role, name: role.name });
