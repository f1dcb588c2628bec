import crypto from 'node:crypto';
import type { MemberDoc } from '../../shared/schemas/member';
import { buildNewMember } from './new-member';
import { findOne, insertDoc, isDuplicateKey, withRetry } from '../_lib/db';

/** A 12-digit card number; the member's `_id` too, so OPENID never becomes a key elsewhere. */
function newCardNo(): string {
  return `8${crypto.randomInt(0, 10 ** 11).toString().padStart(11, '0')}`;
}

/**
 * The caller's member document, created on first open. Concurrent first calls are safe: the unique
 * index on `openid` lets one insert win and the others read it back.
 */
export async function findOrRegisterMember(openid: string, now: Date): Promise<{ member: MemberDoc; isNew: boolean }> {
  return withRetry(async () => {
    const existing = await findOne<MemberDoc>('members', { openid });
    if (existing) return { member: existing, isNew: false };
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const cardNo = newCardNo();
      const doc = buildNewMember(openid, cardNo, now);
      try {
        await insertDoc('members', doc);
        return { member: doc, isNew: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        // Either another first call registered this OPENID, or the card number was taken.
        const winner = await findOne<MemberDoc>('members', { openid });
        if (winner) return { member: winner, isNew: false };
      }
    }
    throw new Error('could not allocate a card number');
  });
}
