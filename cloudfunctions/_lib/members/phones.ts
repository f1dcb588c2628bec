import { AppError } from '../../../shared/errors';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { findOne, getById, inTransaction, txGet, type Tx } from '../platform/db';
import type { StoredPhone } from '../platform/pii';

/**
 * One phone, one member. `phone_claims/<keyed hash>` names the member holding a number: its `_id`
 * is the hash, so two members can never hold one number (a unique key on both the cloud and the
 * local store, without relying on a unique index over a field most members lack). Binding a number
 * another member holds is PHONE_IN_USE; the WeChat-verified number moves from a stale holder only
 * through an explicit transfer, logged in `phone_transfers`.
 */
interface PhoneClaim {
  _id: string;
  memberId: string;
  at: Date;
}

/** The member holding this number (by its claim; members bound before claims existed by their indexed hash). */
export async function phoneHolderId(hash: string): Promise<string | null> {
  const claim = await getById<PhoneClaim>('phone_claims', hash);
  if (claim) return claim.memberId;
  const legacy = await findOne<MemberDoc>('members', { 'phone.hash': hash });
  return legacy && !legacy.deletedAt ? legacy._id : null;
}

/** Releases a member's claim inside the caller's transaction (account deletion, a new number). */
export async function releasePhoneClaim(tx: Tx, memberId: string, hash: string | undefined): Promise<void> {
  if (!hash) return;
  const claim = await txGet<PhoneClaim>(tx, 'phone_claims', hash);
  if (claim && claim.memberId === memberId) await tx.collection('phone_claims').doc(hash).remove();
}

/** Binds `phone` to the member; PHONE_IN_USE if another member holds it, unless `transfer` (logged). */
export async function bindPhoneTo(
  memberId: string,
  phone: StoredPhone,
  options: { transfer: boolean; now: Date },
): Promise<{ transferredFrom: string | null }> {
  const { now } = options;
  // Before the transaction (a query cannot run in one): a holder bound before claims existed.
  const legacyHolder = await phoneHolderId(phone.hash);
  return inTransaction(async (tx) => {
    const member = await txGet<MemberDoc>(tx, 'members', memberId);
    if (!member || member.deletedAt) throw new AppError('MEMBER_NOT_FOUND');
    const claim = await txGet<PhoneClaim>(tx, 'phone_claims', phone.hash);
    const holder = claim?.memberId ?? (legacyHolder !== memberId ? legacyHolder : null);
    let transferredFrom: string | null = null;
    if (holder && holder !== memberId) {
      if (!options.transfer) throw new AppError('PHONE_IN_USE', undefined, { transferable: true });
      const stale = await txGet<MemberDoc>(tx, 'members', holder);
      if (stale?.phone?.hash === phone.hash)
        await tx
          .collection('members')
          .doc(holder)
          .update({ data: { phone: database().command.remove(), updatedAt: now } });
      await tx.collection('phone_transfers').add({ data: { hash: phone.hash, from: holder, to: memberId, at: now } });
      transferredFrom = holder;
    }
    if (member.phone?.hash && member.phone.hash !== phone.hash) await releasePhoneClaim(tx, memberId, member.phone.hash);
    await tx
      .collection('phone_claims')
      .doc(phone.hash)
      .set({ data: { memberId, at: now } });
    await tx
      .collection('members')
      .doc(memberId)
      .update({ data: { phone, updatedAt: now } });
    return { transferredFrom };
  });
}
