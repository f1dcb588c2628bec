import crypto from 'node:crypto';
import type { MemberDoc } from '../../shared/schemas/member';
import { businessDate } from '../../shared/calendar';
import { earn, expiryDate } from '../../shared/rules/lots';
import { buildNewMember } from './new-member';
import { findOne, inTransaction, isDuplicateKey, withRetry } from '../_lib/db';
import { applyEntry } from '../_lib/ledger';
import { loadRules } from '../_lib/earning-rules';
import { issueNewMemberGifts } from '../_lib/coupons';

/** A 12-digit card number; the member's `_id` too, so OPENID never becomes a key elsewhere. */
function newCardNo(): string {
  return `8${crypto.randomInt(0, 10 ** 11).toString().padStart(11, '0')}`;
}

/**
 * The caller's member document, created on first open together with the registration bonus: the
 * member and the ledger entry `register:<memberId>` are written in ONE transaction, so there is no
 * member without the bonus and no bonus twice. Concurrent first calls are safe: the unique index on
 * `openid` lets one commit win and the others read it back.
 */
export async function findOrRegisterMember(openid: string, now: Date): Promise<{ member: MemberDoc; isNew: boolean }> {
  return withRetry(async () => {
    const existing = await findOne<MemberDoc>('members', { openid });
    if (existing) return { member: existing, isNew: false };
    const { rules } = await loadRules();
    const today = businessDate(now);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const cardNo = newCardNo();
      try {
        const member = await inTransaction(async (tx) => {
          const doc = buildNewMember(openid, cardNo, now);
          await tx.collection('members').add({ data: doc as unknown as Record<string, unknown> });
          // The new-member gift coupons, in the same commit: no member without them, none twice.
          await issueNewMemberGifts(tx, cardNo, now);
          if (rules.registrationBonus <= 0) return doc;
          const id = `register:${cardNo}`;
          const { entry } = await applyEntry(
            tx,
            doc,
            { id, kind: 'earn', reason: '注册礼', ref: { type: 'register', id: cardNo } },
            (p) => earn(p, { id, amount: rules.registrationBonus, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, rules.expiry), today }),
            now,
          );
          return { ...doc, points: { ...doc.points, available: entry.balanceAfter } };
        });
        const saved = await findOne<MemberDoc>('members', { openid });
        return { member: saved ?? member, isNew: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        // Either another first call registered this OPENID, or the card number was taken, or our own
        // commit went through and only its reply was lost.
        const winner = await findOne<MemberDoc>('members', { openid });
        if (winner) return { member: winner, isNew: winner.cardNo === cardNo };
      }
    }
    throw new Error('could not allocate a card number');
  });
}
