import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { getById } from './db';

/** `roles` collection: `_id` is the OPENID; rights come from here, never from the client. */
export const roleDocSchema = z.object({
  _id: z.string(),
  openid: z.string(),
  role: z.enum(['staff', 'merchant']),
  name: z.string(),
  storeId: z.string().optional(),
  merchantId: z.string().optional(),
});
export type RoleDoc = z.infer<typeof roleDocSchema>;
export type StaffRole = RoleDoc['role'];

/**
 * The caller's role document, if the caller holds one of `allowed`; FORBIDDEN otherwise. The read
 * retries transient faults itself (db.ts): callers never wrap it.
 */
export async function requireRole(openid: string, allowed: readonly StaffRole[]): Promise<RoleDoc> {
  if (!openid) throw new AppError('UNAUTHENTICATED');
  const doc = await getById<RoleDoc>('roles', openid);
  if (!doc || !allowed.includes(doc.role)) throw new AppError('FORBIDDEN');
  return doc;
}

/** Who did it, as ledger entries and orders record it. */
export interface Actor {
  openid: string;
  role: string;
  name: string;
}
export const actorOf = (role: RoleDoc): Actor => ({ openid: role.openid, role: role.role, name: role.name });
