import { AppError } from '../../../shared/errors';
import type { MemberDoc } from '../../../shared/schemas/member';
import type { MemberRef } from '../../../shared/schemas/points';
import { findOne, getById } from '../platform/db';
import { phoneHash } from '../platform/pii';
import { checkMemberCode } from './member-code';
import { phoneHolderId } from './phones';

/**
 * One way every function names a member (member, points, pos, and the coupon and mall functions to
 * come): by dynamic member code, by phone (keyed hash) or by id. An erased account (`deletedAt`,
 * PIPL) is MEMBER_NOT_FOUND on every path, however it is named — even by a code issued before the
 * deletion. A code that was genuine but is too old is MEMBER_CODE_EXPIRED (the customer refreshes
 * it); a forged or garbled one is MEMBER_CODE_INVALID.
 */
export async function resolveMember(ref: MemberRef, now: Date): Promise<MemberDoc> {
  let member: MemberDoc | null;
  if ('memberCode' in ref) {
    const check = checkMemberCode(ref.memberCode, now);
    if (!check.ok) throw new AppError(check.reason === 'expired' ? 'MEMBER_CODE_EXPIRED' : 'MEMBER_CODE_INVALID');
    member = await getById<MemberDoc>('members', check.memberId);
  } else if ('phone' in ref) {
    // One phone, one member (phones.ts): the claim names the holder.
    const holder = await phoneHolderId(phoneHash(ref.phone));
    member = holder ? await getById<MemberDoc>('members', holder) : null;
  } else {
    member = await getById<MemberDoc>('members', ref.memberId);
  }
  return liveMember(member);
}

/** The member if it exists and is not erased; MEMBER_NOT_FOUND otherwise (the same answer for both). */
export function liveMember<T extends Pick<MemberDoc, 'deletedAt'>>(member: T | null | undefined): T {
  if (!member || member.deletedAt) throw new AppError('MEMBER_NOT_FOUND');
  return member;
}

/**
 * The caller's own member document. A person who has not joined (开卡) is told so (NOT_A_MEMBER),
 * not "member not found"; an erased account's OPENID is a pseudonym, so it has not joined either.
 */
export async function memberByOpenid(openid: string): Promise<MemberDoc> {
  const member = await findOne<MemberDoc>('members', { openid });
  if (!member || member.deletedAt) throw new AppError('NOT_A_MEMBER');
  return member;
}

/**
 * The member id a reference names, reading only when it must (a phone number needs its keyed-hash
 * look-up; a code carries the id; an id is an id). The write path then reads the member in its
 * transaction with `txMember(…, { live: true })`, which refuses an erased account the same way.
 */
export async function resolveMemberId(ref: MemberRef, now: Date): Promise<string> {
  if ('memberCode' in ref) {
    const check = checkMemberCode(ref.memberCode, now);
    if (!check.ok) throw new AppError(check.reason === 'expired' ? 'MEMBER_CODE_EXPIRED' : 'MEMBER_CODE_INVALID');
    return check.memberId;
  }
  if ('phone' in ref) return (await resolveMember(ref, now))._id;
  return ref.memberId;
}
