import crypto from 'node:crypto';
import type { MemberDoc } from '../../shared/schemas/member';
import { businessDate } from '../../shared/calendar';
import { earn, expiryDate } from '../../shared/rules/lots';
import { buildNewMember } from './new-member';
import { findOne, inTransaction, isDuplicateKey, withRetry, type Tx } from '../_lib/platform/db';
import { memberPoints, pointsChange, loadRules } from '../_lib/points';
import { issueNewMemberGifts } from '../_lib/coupons';

/** A 12-digit card number; the member's `_id` too, so OPENID never becomes a key elsewhere. */
function newCardNo(): string {
  return `8${crypto
    .randomInt(0, 10 ** 11)
    .toString()
    .padStart(11, '0')}`;
}

interface RegistrationOptions {
  /** false for a person who deleted a card before: rejoining earns no second registration bonus */
  registrationBonus: boolean;
  /** the caller has just looked the OPENID up and found no member: skip the first look-up */
  knownAbsent?: boolean;
  /** fields set at enrolment (consent, a phone authorised at 开卡); written with the member */
  fields?: Partial<Pick<MemberDoc, 'privacy' | 'terms' | 'phone'>>;
  /**
   * More of the registration, inside its transaction before the member is added (an invitation
   * accepted: `member/join.ts`): re-runnable like the rest, its writes commit with the member or not
   * at all; what it answers is written on the member document.
   */
  enrol?: (tx: Tx, memberId: string) => Promise<Partial<Pick<MemberDoc, 'referralDue'>>>;
}

/**
 * The one registration path (called by `join` after consent; nothing else creates a member). The
 * member and the ledger entry `register:<memberId>` are written in ONE transaction, so there is no
 * member without the bonus and no bonus twice. Concurrent calls are safe: the unique index on
 * `openid` lets one commit win and the others read it back, so it answers the same card (`isNew`
 * only for the call whose commit created it). The new-member gift coupons are issued in the same
 * transaction, keyed by the member id, so a retried call does not issue twice.
 */
export async function registerMember(openid: string, now: Date, options: RegistrationOptions): Promise<{ member: MemberDoc; isNew: boolean }> {
  let lookUp = !options.knownAbsent;
  return withRetry(async () => {
    // A retry (a conflict, a concurrent 开卡 that won the unique index) always looks again.
    const existing = lookUp ? await findOne<MemberDoc>('members', { openid }) : null;
    lookUp = true;
    if (existing) return { member: existing, isNew: false };
    const { rules } = await loadRules();
    const today = businessDate(now);
    const bonus = options.registrationBonus ? rules.registrationBonus : 0;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const cardNo = newCardNo();
      try {
        const member = await inTransaction(async (tx) => {
          const extra = options.enrol ? await options.enrol(tx, cardNo) : {};
          const fresh: MemberDoc = { ...buildNewMember(openid, cardNo, now), ...(options.fields ?? {}), ...extra };
          // The bonus is in the member as added (one write, not an add and an update), with its entry.
          const id = `register:${cardNo}`;
          const earned =
            bonus > 0
              ? earn(memberPoints(fresh), { id, amount: bonus, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, rules.expiry), today })
              : null;
          const change = earned
            ? pointsChange(
                fresh,
                earned.points,
                [{ id, kind: 'earn', movement: earned.movement, reason: '注册礼', ref: { type: 'register', id: cardNo } }],
                now,
              )
            : null;
          const doc: MemberDoc = change ? { ...fresh, points: change.points } : fresh;
          await tx.collection('members').add({ data: doc });
          // The new-member gift coupons, in the same commit: no member without them, none twice; a
          // rejoining person (no second registration bonus) gets no second gift either.
          if (options.registrationBonus) await issueNewMemberGifts(tx, cardNo, now);
          for (const entry of change?.entries ?? []) await tx.collection('ledger').add({ data: entry });
          return doc;
        });
        // What was committed is what we built: no read back (a request saved on every first open).
        return { member, isNew: true };
      } catch (e) {
        if (!isDuplicateKey(e)) throw e;
        // Either another call registered this OPENID, or the card number was taken, or our own
        // commit went through and only its reply was lost.
        const winner = await findOne<MemberDoc>('members', { openid });
        if (winner) return { member: winner, isNew: winner.cardNo === cardNo };
      }
    }
    throw new Error('could not allocate a card number');
  });
}
