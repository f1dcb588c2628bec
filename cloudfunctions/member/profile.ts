import { AppError } from '../../shared/errors';
import type { Birthday, MemberDoc, ProfileView } from '../../shared/schemas/member';
import { PRIVACY_POLICY_VERSION, privacyChangesSince, birthdayChangeableAt, birthdayMonthDay, sameBirthday } from '../../shared/rules/profile';
import { cloud, database } from '../_lib/platform/cloud';
import { inTransaction, txGet, withRetry } from '../_lib/platform/db';
import { decryptPhone, protectPhone } from '../_lib/platform/pii';
import { bindPhoneTo } from '../_lib/members';

export function toProfile(member: MemberDoc, now: Date): ProfileView {
  const changeable = birthdayChangeableAt(member.birthdayChangedAt, now);
  return {
    memberId: member._id,
    nickname: member.nickname,
    avatarUrl: member.avatarUrl ?? '',
    gender: member.gender ?? null,
    birthday: member.birthday ?? null,
    birthdayChangeableAt: changeable ? changeable.toISOString() : null,
    phone: member.phone ? decryptPhone(member.phone.cipher) : null,
    phoneMasked: member.phone?.masked ?? null,
    privacy: {
      currentVersion: PRIVACY_POLICY_VERSION,
      acceptedVersion: member.privacy?.version ?? null,
      acceptedAt: member.privacy ? new Date(member.privacy.acceptedAt).toISOString() : null,
      accepted: member.privacy?.version === PRIVACY_POLICY_VERSION,
      changes: privacyChangesSince(member.privacy?.version),
    },
  };
}

/** Sets fields: idempotent, so retried on a transient fault like a read. */
export async function updateMember(memberId: string, data: Record<string, unknown>): Promise<void> {
  await withRetry(() => database().collection('members').doc(memberId).update({ data }) as Promise<unknown>, { retryConflicts: false });
}

/** Month-day required, year optional; a change is allowed once in 365 days (the first setting counts). */
export async function setBirthday(memberId: string, birthday: Birthday, now: Date): Promise<MemberDoc> {
  return inTransaction(async (tx) => {
    const member = await txGet<MemberDoc>(tx, 'members', memberId);
    if (!member) throw new AppError('MEMBER_NOT_FOUND');
    if (sameBirthday(member.birthday, birthday)) return member;
    const until = birthdayChangeableAt(member.birthdayChangedAt, now);
    if (until)
      throw new AppError('BIRTHDAY_CHANGE_TOO_SOON', `生日一年内只能修改一次，${until.toISOString().slice(0, 10)} 后可再次修改`, {
        changeableAt: until.toISOString(),
      });
    const clean: Birthday =
      birthday.year === undefined ? { month: birthday.month, day: birthday.day } : { month: birthday.month, day: birthday.day, year: birthday.year };
    const fields = { birthday: clean, birthdayMD: birthdayMonthDay(clean), birthdayChangedAt: now, updatedAt: now };
    await tx.collection('members').doc(memberId).update({ data: fields });
    return { ...member, ...fields };
  });
}

interface PhoneNumberAnswer {
  phoneInfo?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string };
}

/** The phone button's one-time code → WeChat's number (PHONE_CODE_INVALID for a used or stale code). */
export async function phoneNumberOf(code: string): Promise<string> {
  let answer: PhoneNumberAnswer;
  try {
    answer = (await cloud.openapi.phonenumber.getPhoneNumber({ code })) as PhoneNumberAnswer;
  } catch (e) {
    const err = e as { errCode?: number };
    if (err.errCode === 40029 || err.errCode === 40163 || err.errCode === 40001) throw new AppError('PHONE_CODE_INVALID');
    throw e;
  }
  const number = answer.phoneInfo?.purePhoneNumber ?? answer.phoneInfo?.phoneNumber;
  if (!number) throw new AppError('PHONE_CODE_INVALID');
  return number;
}

/**
 * The phone button's one-time code → WeChat's number → stored encrypted, hashed and masked. One
 * number, one member: a number another member holds is PHONE_IN_USE unless `transfer` (the verified
 * number moves to the caller, logged in `phone_transfers`).
 */
export async function bindPhone(memberId: string, code: string, transfer: boolean, now: Date): Promise<{ phoneMasked: string; transferred: boolean }> {
  const phone = protectPhone(await phoneNumberOf(code));
  const { transferredFrom } = await bindPhoneTo(memberId, phone, { transfer, now });
  return { phoneMasked: phone.masked, transferred: transferredFrom !== null };
}

export async function acceptPrivacy(memberId: string, version: string, now: Date): Promise<{ version: string; acceptedAt: string }> {
  if (version !== PRIVACY_POLICY_VERSION) throw new AppError('PRIVACY_VERSION_OUTDATED', undefined, { currentVersion: PRIVACY_POLICY_VERSION });
  await updateMember(memberId, { privacy: { version, acceptedAt: now }, updatedAt: now });
  return { version, acceptedAt: now.toISOString() };
}
