import crypto from 'node:crypto';
import { AppError } from '../../shared/errors';
import type { MemberDoc } from '../../shared/schemas/member';
import { addBusinessDays, businessDate } from '../../shared/calendar';
import { DEPARTURE_RETENTION_DAYS, MEMBERSHIP_TERMS_VERSION, PRIVACY_POLICY_VERSION } from '../../shared/rules/profile';
import { database } from '../_lib/platform/cloud';
import { findOne, getById, withRetry, type Tx } from '../_lib/platform/db';
import { acceptInvitation, checkInvite, loadInvitationRules, loadReferralRules, type AcceptOutcome, type InvitationDoc } from '../_lib/referral';
import type { InviteAnswer } from '../../shared/contracts/member';
import { secretKey } from '../_lib/platform/secrets';
import { protectPhone } from '../_lib/platform/pii';
import { roleOf } from '../_lib/platform/auth';
import { registerMember } from './register';
import { phoneNumberOf } from './profile';
import { bindPhoneTo, phoneHolderId } from '../_lib/members';
import type { DepartureDoc } from '../../shared/schemas/member';

/**
 * Joining (开卡) and leaving, as the privacy policy describes them:
 * - nothing about a person is stored before they agree (no member document, no points);
 * - a staff or merchant account never becomes a member by accident (`join` refuses it);
 * - after deletion only a keyed hash of the OPENID and the date are kept (`departures`, for
 *   DEPARTURE_RETENTION_DAYS), so that rejoining is possible but earns no second registration bonus.
 */

/** `departures/<hash>`: HMAC of the OPENID (never the OPENID itself) and when the member left. */
function departureId(openid: string): string {
  return crypto.createHmac('sha256', secretKey('HY_PII_HMAC_KEY')).update(`departed:${openid}`, 'utf8').digest('hex');
}

/** Called by account deletion: remembers that this OPENID left (hash and date only). Idempotent. */
export async function recordDeparture(openid: string, now: Date): Promise<void> {
  const departedOn = businessDate(now);
  const data: Omit<DepartureDoc, '_id'> = { departedOn, keepUntil: addBusinessDays(departedOn, DEPARTURE_RETENTION_DAYS) };
  await withRetry(() => database().collection('departures').doc(departureId(openid)).set({ data }) as Promise<unknown>);
}

/** The departure still kept for this OPENID, if any (a read; writes nothing). */
export async function departureOf(openid: string, now: Date): Promise<DepartureDoc | null> {
  const id = departureId(openid);
  const doc = await getById<DepartureDoc>('departures', id);
  return doc && doc.keepUntil >= businessDate(now) ? doc : null;
}

/** Refuses staff and merchant accounts: they have their own workbench and are never members. */
async function refuseStaffAccounts(openid: string): Promise<void> {
  const role = await roleOf(openid);
  if (role && (role.role === 'staff' || role.role === 'merchant')) throw new AppError('FORBIDDEN', '店员和商家账号不能开通会员卡，请前往工作台');
}

interface JoinInput {
  agree: true;
  phoneCode?: string;
  invite?: string;
}

const answerOf = (o: AcceptOutcome): InviteAnswer => {
  switch (o.status) {
    case 'rewarded':
      return { accepted: true, reason: null };
    case 'refused':
      return { accepted: false, reason: o.reason };
    case 'invalid':
    case 'expired':
      return { accepted: false, reason: o.status };
    case 'duplicate':
      return { accepted: false, reason: 'already_member' };
  }
};

/**
 * An invitation presented by someone who already holds a card: never credited (R2). A retried 开卡
 * whose first reply was lost finds its own invitation and answers what that one was.
 */
async function inviteOfMember(member: MemberDoc, token: string, now: Date): Promise<InviteAnswer> {
  const checked = checkInvite(token, now, (await loadReferralRules()).validDays);
  if ('refused' in checked) return { accepted: false, reason: checked.refused };
  if (checked.inviterId === member._id) return { accepted: false, reason: 'self' };
  const own = await getById<InvitationDoc>('invitations', member._id);
  if (own && own.inviterId === checked.inviterId) return { accepted: own.status !== 'ineligible', reason: own.reason };
  return { accepted: false, reason: 'already_member' };
}

/**
 * 开卡 after consent. Idempotent: a second call (or a retry) answers the same card. A person who
 * deleted a card before gets a new one without the registration bonus.
 *
 * With `invite`, the invitation is accepted in the registration's own transaction (the member, the
 * gifts, the invitation and the inviter's reward commit together or not at all). An invitation that
 * earns nothing (oneself, someone already registered — a rejoin after a farewell included —, a phone
 * seen before, a forged or stale token) never fails the 开卡: `invite` says why it was not credited.
 */
export async function joinMember(openid: string, input: JoinInput, now: Date): Promise<{ member: MemberDoc; isNew: boolean; invite?: InviteAnswer }> {
  await refuseStaffAccounts(openid);
  // A card already open is found by the member's add (the unique index on openid; registerMember
  // reads the card back): a first open pays no look-up. With a phone to bind (so that a second 开卡
  // answers the card instead of finding its own number in use) or an invitation to answer, it is
  // looked up first.
  if (input.phoneCode || input.invite) {
    const existing = await findOne<MemberDoc>('members', { openid });
    if (existing) return { member: existing, isNew: false, ...(input.invite ? { invite: await inviteOfMember(existing, input.invite, now) } : {}) };
  }
  // The phone is read before the card is created, so a failed authorisation creates nothing.
  const phone = input.phoneCode ? protectPhone(await phoneNumberOf(input.phoneCode)) : undefined;
  const departed = await departureOf(openid, now);
  const consent = { version: PRIVACY_POLICY_VERSION, acceptedAt: now };
  // One number, one member (cloudfunctions/_lib/members/phones.ts): a number another member holds refuses
  // the 开卡 before anything is written; the number is then claimed like any binding.
  if (phone) {
    const holder = await phoneHolderId(phone.hash);
    if (holder) throw new AppError('PHONE_IN_USE');
  }
  const { invite } = input;
  const rules = invite ? await loadInvitationRules() : undefined;
  // The outcome of the attempt that committed (each re-run of the transaction overwrites it).
  const accepted: { outcome: AcceptOutcome | null } = { outcome: null };
  const result = await registerMember(openid, now, {
    registrationBonus: !departed,
    knownAbsent: true,
    fields: { privacy: consent, terms: { version: MEMBERSHIP_TERMS_VERSION, acceptedAt: now } },
    ...(invite
      ? {
          enrol: async (tx: Tx, memberId: string) => {
            const outcome = await acceptInvitation(tx, { invite, inviteeId: memberId, inviteeIsNew: !departed, phoneHash: phone?.hash ?? null, now, rules });
            accepted.outcome = outcome;
            // the marker the order path reads for the first-purchase reward (no request for anyone else)
            return outcome.status === 'rewarded' ? { referralDue: outcome.inviterId } : {};
          },
        }
      : {}),
  });
  // A re-run after a commit whose reply was lost finds its own invitation (`duplicate`): the stored one answers.
  const settled = accepted.outcome;
  const answer = !invite
    ? {}
    : { invite: result.isNew && settled && settled.status !== 'duplicate' ? answerOf(settled) : await inviteOfMember(result.member, invite, now) };
  if (phone && result.isNew) {
    await bindPhoneTo(result.member._id, phone, { transfer: false, now });
    return { ...result, member: { ...result.member, phone }, ...answer };
  }
  return { ...result, ...answer };
}
