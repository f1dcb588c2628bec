import { AppError } from '../../../shared/errors';
import type { AccessLogDoc } from '../../../shared/schemas/member';
import type { RoleDoc } from './auth';
import { database } from './cloud';
import { queryDocs, withRetry } from './db';

/**
 * Who at the merchant saw whose data (PIPL): every identification that discloses a member is logged,
 * and a clerk's operations on a member id need such an identification in the same shift, so a
 * member id typed in (or guessed) discloses nothing without a trace.
 */
const IDENTIFICATION_VALID_MS = 12 * 3600_000;

export async function logAccess(role: RoleDoc, memberId: string, by: AccessLogDoc['by'], now: Date): Promise<void> {
  const entry: Omit<AccessLogDoc, '_id'> = {
    memberId,
    actor: { openid: role.openid, role: role.role, name: role.name, storeId: role.storeId ?? null },
    by,
    at: now,
  };
  // An add retried after a lost reply may log twice: a duplicate line in an audit log is harmless, a missing one is not.
  await withRetry(() => database().collection('access_log').add({ data: entry }) as Promise<unknown>, { retryConflicts: false });
}

/** MEMBER_NOT_IDENTIFIED unless this clerk identified the member (code or phone, logged) in this shift. */
export async function requireIdentified(role: RoleDoc, memberId: string, now: Date): Promise<void> {
  const _ = database().command;
  const seen = await queryDocs<AccessLogDoc>(
    database()
      .collection('access_log')
      .where({ memberId, 'actor.openid': role.openid, at: _.gte(new Date(now.getTime() - IDENTIFICATION_VALID_MS)) })
      .limit(1),
  );
  if (seen.length === 0) throw new AppError('MEMBER_NOT_IDENTIFIED');
}
