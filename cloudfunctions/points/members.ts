import { AppError } from '../../shared/errors';
import type { MemberDoc } from '../../shared/schemas/member';
import type { MemberRef } from '../../shared/schemas/points';
import { findOne as findOnce, getById as getOnce, withRetry } from '../_lib/db';

const getById = <T>(c: string, id: string) => withRetry(() => getOnce<T>(c, id));
const findOne = <T>(c: string, w: Record<string, unknown>) => withRetry(() => findOnce<T>(c, w));
import { phoneHash } from '../_lib/pii';
import { verifyMemberCode } from '../_lib/member-code';

/** The member a POS or a clerk names: by dynamic member code, by phone (keyed hash), or by id. */
export async function resolveMember(ref: MemberRef, now: Date): Promise<MemberDoc> {
  let member: MemberDoc | null;
  if ('memberCode' in ref) {
    const v = verifyMemberCode(ref.memberCode, now);
    if (!v) throw new AppError('MEMBER_CODE_INVALID');
    member = await getById<MemberDoc>('members', v.memberId);
  } else if ('phone' in ref) {
    member = await findOne<MemberDoc>('members', { 'phone.hash': phoneHash(ref.phone) });
  } else {
    member = await getById<MemberDoc>('members', ref.memberId);
  }
  if (!member) throw new AppError('MEMBER_NOT_FOUND');
  return member;
}

export async function memberByOpenid(openid: string): Promise<MemberDoc> {
  const member = await findOne<MemberDoc>('members', { openid });
  // The caller's own card: a person who has not joined (开卡) is told so, not "member not found".
  if (!member) throw new AppError('NOT_A_MEMBER');
  return member;
}
