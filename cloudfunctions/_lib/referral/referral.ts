/**
 * Referral: the signed invitation and the one way an invitation is accepted.
 *
 * The token (`shared/rules/referral.ts` for its shape) is `<inviterId>.<yyyymmdd>.<mac>`, the mac an
 * HMAC-SHA256 under the member-code key with its own domain (`invite.v1.`), so no new secret is needed
 * and a member code can never pass for an invitation. It is valid `validDays` business days.
 *
 * `acceptInvitation(tx, …)` is for `member.join` (or any registration path) to call inside its own
 * transaction; `rewardFirstPurchase(tx, …)` for the order path at an invitee's first paid order. Both
 * write only documents by id (`invitations/<inviteeId>`, `invite_phones/<phoneHash>`,
 * `referral_stats/<inviterId>`, the inviter's points through the ledger with the keys
 * `referral:<inviteeId>:register` / `referral:<inviteeId>:purchase`), so they are re-runnable.
 */
import crypto from 'node:crypto';
import { addBusinessDays, businessDate } from '../../../shared/calendar';
import {
  DEFAULT_REFERRAL_RULES,
  formatInviteToken,
  inviteFresh,
  invitationRefusal,
  maskNickname,
  milestonesReached,
  parseInviteToken,
  referralRulesSchema,
  type InvitationRefusal,
  type InviteOffer,
  type ReferralRules,
} from '../../../shared/rules/referral';
import { earn, expiryDate } from '../../../shared/rules/lots';
import type { EarningRules } from '../../../shared/schemas/points';
import type { MemberDoc } from '../../../shared/schemas/member';
import { AppError } from '../../../shared/errors';
import { database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet, type Tx } from '../platform/db';
import { loadVersioned, saveVersioned, type Editor, type VersionedSettings } from '../platform/settings';
import { applyEntry, txMember, loadRules } from '../points';
import { issueCoupon, isIssueRefusal } from '../coupons';
import { secretKey } from '../platform/secrets';
import { SETTINGS_IDS } from '../platform/settings-read';
import type { InvitationDoc, ReferralStatsDoc } from '../../../shared/schemas/engagement';

const REFERRAL_RULES_ID = SETTINGS_IDS.referralRules;

const REFERRAL_SETTINGS: VersionedSettings<ReferralRules, 'settings'> = {
  collection: 'settings',
  currentId: REFERRAL_RULES_ID,
  historyId: (v) => `${REFERRAL_RULES_ID}@${v}`,
  conflictCode: 'RULES_VERSION_CONFLICT',
  // a document saved before the rules were versioned carries no version: it counts as version 0
  defaultVersion: 0,
  toDoc: (rules, meta) => ({ ...meta, rules }),
};

/** The rules with their version, for the merchant's editor (`marketing.getReferralRules`). */
export async function loadVersionedReferralRules(): Promise<{ version: number; rules: ReferralRules }> {
  return loadVersioned(REFERRAL_RULES_ID, 'rules', referralRulesSchema, DEFAULT_REFERRAL_RULES);
}

export async function loadReferralRules(): Promise<ReferralRules> {
  return (await loadVersionedReferralRules()).rules;
}

/**
 * The merchant saves the referral rules (`marketing.updateReferralRules`), optimistic like every
 * versioned setting: RULES_VERSION_CONFLICT if someone saved since `expectedVersion`. A milestone's
 * coupon template must exist: an unknown one would be skipped silently at every milestone (a refusal
 * never fails a 开卡).
 */
export async function saveReferralRules(expectedVersion: number, rules: ReferralRules, by: Editor, now: Date): Promise<{ version: number }> {
  for (const m of rules.milestones) {
    if (!(await getById<{ _id: string }>('coupon_templates', m.couponTemplateId)))
      throw new AppError('VALIDATION_FAILED', `里程碑奖励的优惠券不存在：${m.couponTemplateId}`);
  }
  return inTransaction(async (tx) => ({ version: await saveVersioned(tx, REFERRAL_SETTINGS, rules, expectedVersion, by, now) }));
}

const macOf = (inviterId: string, issuedOn: string) =>
  crypto.createHmac('sha256', secretKey('HY_MEMBER_CODE_KEY')).update(`invite.v1.${inviterId}.${issuedOn}`).digest().subarray(0, 18).toString('base64url');

export function signInvite(inviterId: string, now: Date): string {
  const issuedOn = businessDate(now);
  return formatInviteToken(inviterId, issuedOn, macOf(inviterId, issuedOn));
}

/** The inviter of a genuine, fresh token; null for a forged, altered or stale one. */
export function verifyInvite(token: string, now: Date, validDays: number): { inviterId: string } | null {
  const checked = checkInvite(token, now, validDays);
  return 'inviterId' in checked ? checked : null;
}

/** As `verifyInvite`, saying why a token is refused: `invalid` (forged, altered, malformed) or `expired` (genuine, too old). */
export function checkInvite(token: string, now: Date, validDays: number): { inviterId: string } | { refused: 'invalid' | 'expired' } {
  const t = parseInviteToken(token);
  if (!t) return { refused: 'invalid' };
  const expected = Buffer.from(macOf(t.inviterId, t.issuedOn));
  const given = Buffer.from(t.mac);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { refused: 'invalid' };
  return inviteFresh(t.issuedOn, businessDate(now), validDays) ? { inviterId: t.inviterId } : { refused: 'expired' };
}

/** What an invitation made today by `inviterId` offers (the inviter's own page shows it before sharing). */
export function offerOf(inviter: Pick<MemberDoc, 'nickname'>, rules: { referral: ReferralRules; earning: EarningRules }, issuedOn: string): InviteOffer {
  const on = rules.referral.enabled;
  return {
    inviter: maskNickname(inviter.nickname),
    friendPoints: rules.earning.registrationBonus,
    inviterOnRegister: on ? rules.referral.onRegister.points : 0,
    inviterOnFirstPurchase: on ? rules.referral.onFirstPurchase.points : 0,
    expiresOn: addBusinessDays(issuedOn, rules.referral.validDays - 1),
  };
}

/**
 * The friend's side of an invitation before 开卡 (public: the visitor is not a member yet). Reveals the
 * inviter's masked nickname and the gifts, never an id, openid or phone. A forged, altered or stale
 * token, or one whose inviter is gone, is INVITE_INVALID: the link promises nothing.
 */
export async function describeInvitation(token: string, now: Date): Promise<InviteOffer> {
  const rules = await loadInvitationRules();
  const checked = checkInvite(token, now, rules.referral.validDays);
  if ('refused' in checked) throw new AppError('INVITE_INVALID', checked.refused === 'expired' ? '邀请链接已过期，请让好友重新分享' : '邀请链接无效');
  const inviter = await getById<MemberDoc>('members', checked.inviterId);
  if (!inviter || inviter.deletedAt || inviter.erasureBegunAt) throw new AppError('INVITE_INVALID', '邀请人已不是会员，邀请链接失效');
  const issuedOn = parseInviteToken(token)?.issuedOn ?? businessDate(now);
  return offerOf(inviter, rules, issuedOn);
}

export type { InvitationDoc };

type StatsDoc = Omit<ReferralStatsDoc, '_id' | 'updatedAt'>;

export type AcceptOutcome =
  | { status: 'rewarded'; inviterId: string; points: number }
  | { status: 'refused'; inviterId: string; reason: InvitationRefusal }
  | { status: 'invalid' }
  | { status: 'expired' }
  | { status: 'duplicate'; inviterId: string };

interface AcceptRequest {
  invite: string;
  /** the member joining (written in the same transaction by the caller) */
  inviteeId: string;
  /** false when the caller found an existing member: an invitation never rewards an old member */
  inviteeIsNew: boolean;
  /** the invitee's phone keyed hash, when known (a phone seen before on an invitation earns nothing) */
  phoneHash?: string | null;
  now: Date;
  /** the rules, when the caller loaded them before its transaction (saves two reads per attempt) */
  rules?: { referral: ReferralRules; earning: EarningRules };
}

/** Accepts an invitation inside the caller's transaction (R1–R3 of `shared/rules/referral.ts`). */
export async function acceptInvitation(tx: Tx, req: AcceptRequest): Promise<AcceptOutcome> {
  const { referral: rules, earning } = req.rules ?? (await loadInvitationRules());
  const verified = checkInvite(req.invite, req.now, rules.validDays);
  if ('refused' in verified) return { status: verified.refused };
  const { inviterId } = verified;
  const existing = await txGet<InvitationDoc>(tx, 'invitations', req.inviteeId);
  if (existing) return { status: 'duplicate', inviterId: existing.inviterId };
  const inviter = inviterId === req.inviteeId ? null : await txGet<MemberDoc>(tx, 'members', inviterId);
  const phoneSeen = req.phoneHash ? await txGet<{ inviteeId: string }>(tx, 'invite_phones', req.phoneHash) : null;
  // A number another member holds (or held, its claim kept) is a person already known to the brand.
  const claim = req.phoneHash ? await txGet<{ memberId: string }>(tx, 'phone_claims', req.phoneHash) : null;
  const today = businessDate(req.now);
  const stats = (await txGet<StatsDoc>(tx, 'referral_stats', inviterId)) ?? { invited: 0, successful: 0, points: 0 };
  const reason = invitationRefusal({
    rules,
    inviterId,
    inviteeId: req.inviteeId,
    inviteeIsNew: req.inviteeIsNew,
    phoneSeenBefore: (phoneSeen !== null && phoneSeen.inviteeId !== req.inviteeId) || (claim !== null && claim.memberId !== req.inviteeId),
    inviterActive: inviterId === req.inviteeId || (inviter !== null && !inviter.deletedAt && !inviter.erasureBegunAt),
    rewardedToday: stats.day === today ? (stats.rewardedOnDay ?? 0) : 0,
  });
  if (req.phoneHash && !phoneSeen)
    await tx
      .collection('invite_phones')
      .doc(req.phoneHash)
      .set({ data: { inviteeId: req.inviteeId, at: req.now } });
  const points = reason ? 0 : rules.onRegister.points;
  const doc: Omit<InvitationDoc, '_id'> = {
    inviterId,
    inviteeId: req.inviteeId,
    status: reason ? 'ineligible' : 'registered',
    reason,
    at: req.now,
    firstPurchaseAt: null,
    points,
  };
  await tx.collection('invitations').doc(req.inviteeId).set({ data: doc });
  if (reason) return { status: 'refused', inviterId, reason };

  if (points > 0) {
    const member = await txMember(tx, inviterId);
    const id = `referral:${req.inviteeId}:register`;
    await applyEntry(
      tx,
      member,
      { id, kind: 'earn', reason: '邀请好友注册奖励', ref: { type: 'referral', id: req.inviteeId } },
      (p) => earn(p, { id, amount: points, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, earning.expiry), today }),
      req.now,
      {},
      // the entry is written only with `invitations/<inviteeId>`, which did not exist: no read for it
      { knownAbsent: true },
    );
  }
  const next = {
    invited: stats.invited + 1,
    successful: stats.successful + 1,
    points: stats.points + points,
    day: today,
    rewardedOnDay: (stats.day === today ? (stats.rewardedOnDay ?? 0) : 0) + 1,
  };
  await tx
    .collection('referral_stats')
    .doc(inviterId)
    .set({ data: { ...next, updatedAt: req.now } });
  for (const m of milestonesReached(next.successful, rules)) {
    try {
      await issueCoupon(
        { templateId: m.couponTemplateId, memberId: inviterId, key: `referral-milestone:${inviterId}:${next.successful}`, channel: 'campaign', now: req.now },
        tx,
      );
    } catch (e) {
      if (!isIssueRefusal(e)) throw e;
    }
  }
  return { status: 'rewarded', inviterId, points };
}

/** Both rule sets an invitation needs, for a caller to load once before its transaction. */
export async function loadInvitationRules(): Promise<{ referral: ReferralRules; earning: EarningRules }> {
  const [referral, { rules: earning }] = await Promise.all([loadReferralRules(), loadRules()]);
  return { referral, earning };
}

/**
 * The invitee's first paid order rewards the inviter once (`referral:<inviteeId>:purchase`), inside the order's transaction.
 * The order path calls it only for a member carrying `referralDue` (set at a rewarded registration, removed by
 * the first order), so members who were not invited or have bought before cost no request here.
 */
export async function rewardFirstPurchase(tx: Tx, inviteeId: string, now: Date, loaded?: { earning: EarningRules }): Promise<number> {
  const invitation = await txGet<InvitationDoc>(tx, 'invitations', inviteeId);
  if (!invitation || invitation.status !== 'registered') return 0;
  const [rules, earning] = await Promise.all([loadReferralRules(), loaded ? loaded.earning : loadRules().then((r) => r.rules)]);
  const points = rules.onFirstPurchase.points;
  const today = businessDate(now);
  if (points > 0) {
    const inviter = await txGet<MemberDoc>(tx, 'members', invitation.inviterId);
    if (!inviter || inviter.deletedAt || inviter.erasureBegunAt) return 0;
    const id = `referral:${inviteeId}:purchase`;
    await applyEntry(
      tx,
      { ...inviter, _id: invitation.inviterId },
      { id, kind: 'earn', reason: '好友首单奖励', ref: { type: 'referral', id: inviteeId } },
      (p) => earn(p, { id, amount: points, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, earning.expiry), today }),
      now,
      {},
      // the entry is written only with the invitation's move to `purchased`, and it is still `registered`
      { knownAbsent: true },
    );
  }
  await tx
    .collection('invitations')
    .doc(inviteeId)
    .update({ data: { status: 'purchased', firstPurchaseAt: now, points: invitation.points + points } });
  const stats = await txGet<StatsDoc>(tx, 'referral_stats', invitation.inviterId);
  if (stats)
    await tx
      .collection('referral_stats')
      .doc(invitation.inviterId)
      .set({ data: { invited: stats.invited, successful: stats.successful, points: stats.points + points, updatedAt: now } });
  return points;
}

/** The inviter's invitations, newest first (index `inviterId` + `at`). */
export async function listInvitations(inviterId: string): Promise<{ invitations: InvitationDoc[]; stats: StatsDoc }> {
  const [invitations, stats] = await Promise.all([
    queryDocs<InvitationDoc>(database().collection('invitations').where({ inviterId }).orderBy('at', 'desc').limit(100)),
    getById<StatsDoc>('referral_stats', inviterId),
  ]);
  return { invitations, stats: { invited: stats?.invited ?? 0, successful: stats?.successful ?? 0, points: stats?.points ?? 0 } };
}
