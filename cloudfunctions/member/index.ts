import { memberContract } from '../../shared/contracts/member';
import type { AccessLogDoc, IdentifiedMember, MemberDoc, MyRole } from '../../shared/schemas/member';
import { clerkNotes, describeBenefits, tierById, tierForGrowth, tierRank, type TierConfig } from '../../shared/rules/tiers';
import { isMemberDay } from '../../shared/rules/earning';
import { loadRules } from '../_lib/points';
import { createMain, requireOpenid, type ActionContext } from '../_lib/platform/router';
import { requireRole, roleOf, type RoleDoc } from '../_lib/platform/auth';
import { database } from '../_lib/platform/cloud';
import { getById, queryDocs } from '../_lib/platform/db';
import { issueMemberCode, MEMBER_CODE_PERIOD_MS, liveMember, memberByOpenid, resolveMember } from '../_lib/members';
import { logAccess, requireIdentified } from '../_lib/platform/access-log';
import { loadTierConfig } from '../_lib/tiers';
import { departureOf, joinMember } from './join';
import { recentTierChanges, toCard } from './card';
import { acceptPrivacy, bindPhone, setBirthday, toProfile, updateMember } from './profile';
import { getTierConfigWithHistory, updateTierConfig, upgradeAfterLadderChange, upgradeIfQualifying } from './tier-admin';
import { deleteAccount, exportMyData } from './mydata';
import { recordSubscriptions } from '../_lib/messages';
import { memberDayView } from '../../shared/rules/member-day';
import { birthdayToday } from '../../shared/rules/engagement';
import { loadEngagementSettings } from '../_lib/engagement';
import { describeInvitation, listInvitations, loadInvitationRules, loadReferralRules, offerOf, signInvite } from '../_lib/referral';
import { invitePath, maskNickname } from '../../shared/rules/referral';
import { businessDate } from '../../shared/calendar';

/** The caller's card; a person without one gets NOT_A_MEMBER and nothing is written (开卡 is `join`). */
async function me(ctx: ActionContext): Promise<MemberDoc> {
  return memberByOpenid(requireOpenid(ctx));
}

/** The card of a member; a member registered just now has no tier changes yet (no query for them). */
async function cardOf(member: MemberDoc, isNew: boolean, loaded?: TierConfig) {
  const [config, changes] = await Promise.all([loaded ?? loadTierConfig(), isNew ? Promise.resolve([]) : recentTierChanges(member._id)]);
  return toCard(member, isNew, config, changes);
}

/**
 * What staff see of an identified member: a masked summary, no full phone number, no birthday.
 * Each disclosure is logged (who, how, when) for the merchant and the member's own export; a lookup
 * that finds no one discloses nothing and writes nothing.
 */
async function disclose(role: RoleDoc, by: AccessLogDoc['by'] | 'refresh', found: MemberDoc | null, now: Date): Promise<IdentifiedMember> {
  const member = liveMember(found);
  const [config, { rules }] = await Promise.all([loadTierConfig(), loadRules()]);
  const tier = tierById(member.tierId, config.tiers);
  // A refresh of a member already identified at this till (after an order) discloses nothing new.
  if (by !== 'refresh') await logAccess(role, member._id, by, now);
  return {
    memberId: member._id,
    cardNo: member.cardNo,
    nickname: member.nickname,
    tier: { id: tier.id, name: tier.name, color: tier.color },
    clerkNotes: clerkNotes(tier.benefits, isMemberDay(businessDate(now), rules)),
    phoneMasked: member.phone?.masked ?? null,
    pointsAvailable: member.points.available,
    growth: member.growth,
  };
}

export const main = createMain(memberContract, {
  getCard: async (_input, ctx) => {
    let member = await me(ctx);
    // The card never shows "再消费 ¥0" for a tier not held: a member the ladder already qualifies
    // (a threshold lowered, the ladder job not yet at them) is upgraded by the tier engine first.
    const config = await loadTierConfig();
    if (
      tierRank(tierForGrowth(member.growth, config.tiers).id, config.tiers) > tierRank(member.tierId, config.tiers) &&
      (await upgradeIfQualifying(member._id, ctx.now, config))
    )
      member = await me(ctx);
    const [card, { rules }, { settings }] = await Promise.all([cardOf(member, false, config), loadRules(), loadEngagementSettings()]);
    const today = businessDate(ctx.now);
    return { ...card, memberDay: memberDayView(rules, today), birthday: birthdayToday(member.birthdayMD, today, settings.birthday) };
  },

  /** 开卡 with consent (see join.ts); answers the card, the same one on a second call. */
  join: async (input, ctx) => {
    const { member, isNew, invite } = await joinMember(requireOpenid(ctx), input, ctx.now);
    const card = await cardOf(member, isNew);
    return invite ? { ...card, invite } : card;
  },

  /** Before 开卡: did this person leave before (the app says farewell instead of a blank 开卡)? Writes nothing. */
  joinStatus: async (_input, ctx) => {
    const departed = await departureOf(requireOpenid(ctx), ctx.now);
    const [{ rules }, config] = await Promise.all([loadRules(), loadTierConfig()]);
    return {
      departedOn: departed?.departedOn ?? null,
      // what 开卡 gives this person: no second registration bonus after a deletion
      registrationBonus: departed ? 0 : rules.registrationBonus,
      tiers: config.tiers.map((t) => ({ name: t.name, color: t.color, threshold: t.threshold, benefits: describeBenefits(t.benefits) })),
    };
  },

  /** Staff or merchant (from `roles`), else `role: null`. Never registers the caller as a member. */
  myRole: async (_input, ctx): Promise<MyRole> => {
    const doc = await roleOf(requireOpenid(ctx));
    if (!doc || (doc.role !== 'staff' && doc.role !== 'merchant')) return { role: null };
    const where = doc.role === 'staff' ? { _id: doc.storeId ?? '' } : {};
    const stores = await queryDocs<{ _id: string; name?: string }>(database().collection('stores').where(where).limit(100));
    return {
      role: doc.role,
      name: doc.name,
      ...(doc.storeId ? { storeId: doc.storeId } : {}),
      stores: stores.map((s) => ({ id: s._id, name: s.name ?? s._id })),
    };
  },

  // ---- profile and privacy (the member's own data)
  getProfile: async (_input, ctx) => toProfile(await me(ctx), ctx.now),
  updateProfile: async (input, ctx) => {
    const member = await me(ctx);
    const fields: Record<string, unknown> = { updatedAt: ctx.now };
    if (input.nickname !== undefined) fields.nickname = input.nickname;
    if (input.avatarUrl !== undefined) fields.avatarUrl = input.avatarUrl;
    if (input.gender !== undefined) fields.gender = input.gender;
    await updateMember(member._id, fields);
    return toProfile({ ...member, ...fields } as MemberDoc, ctx.now);
  },
  setBirthday: async (input, ctx) => toProfile(await setBirthday((await me(ctx))._id, input, ctx.now), ctx.now),
  bindPhone: async (input, ctx) => bindPhone((await me(ctx))._id, input.code, input.transfer === true, ctx.now),
  acceptPrivacy: async (input, ctx) => acceptPrivacy((await me(ctx))._id, input.version, ctx.now),

  // ---- dynamic member code
  getMemberCode: async (_input, ctx) => {
    const issued = issueMemberCode((await me(ctx))._id, ctx.now);
    return {
      code: issued.code,
      numeric: issued.numeric,
      refreshAt: issued.refreshAt.toISOString(),
      expiresAt: issued.expiresAt.toISOString(),
      periodMs: MEMBER_CODE_PERIOD_MS,
    };
  },
  identifyByCode: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    return disclose(role, 'member_code', await resolveMember({ memberCode: input.code }, ctx.now), ctx.now);
  },
  identifyByPhone: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    // Found by the keyed hash: the number itself is never stored or compared in clear.
    return disclose(role, 'phone', await resolveMember({ phone: input.phone }, ctx.now), ctx.now);
  },
  /**
   * The till after recording: the same member's summary again, by id. Only for a member this clerk
   * identified in this shift (by code or phone, logged then: requireIdentified), so an id alone
   * discloses nothing new.
   */
  refreshIdentified: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    await requireIdentified(role, input.memberId, ctx.now);
    return disclose(role, 'refresh', await getById<MemberDoc>('members', input.memberId), ctx.now);
  },
  listAccessLog: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    const _ = database().command;
    const where: Record<string, unknown> = {};
    if (input.memberId) where.memberId = input.memberId;
    if (input.before) where.at = _.lt(new Date(input.before));
    const entries = await queryDocs<AccessLogDoc>(database().collection('access_log').where(where).orderBy('at', 'desc').limit(input.limit));
    return { entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })) };
  },

  // ---- my data (PIPL)
  exportMyData: async (_input, ctx) => {
    return exportMyData(await memberByOpenid(requireOpenid(ctx)), ctx.now);
  },
  deleteAccount: async (_input, ctx) => deleteAccount(requireOpenid(ctx), ctx.now),

  // ---- tiers (merchant)
  getTierConfig: async (_input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return getTierConfigWithHistory();
  },
  updateTierConfig: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    const saved = await updateTierConfig(input.settings, input.expectedVersion, { openid: role.openid, name: role.name }, ctx.now);
    // Members who qualify under the new ladder are upgraded now (what does not fit the time continues nightly).
    await upgradeAfterLadderChange(ctx.now, { budgetMs: 15_000 });
    return saved;
  },
  // ---- referral: the member's signed invitation and what it earned
  getInvite: async (_input, ctx) => {
    const member = await me(ctx);
    const rules = await loadInvitationRules();
    const token = signInvite(member._id, ctx.now);
    const offer = offerOf(member, rules, businessDate(ctx.now));
    return { token, path: invitePath(token), expiresOn: offer.expiresOn, offer };
  },
  // Public on purpose: the friend opening the link is not a member (nor signed in, on a first visit).
  inviteOffer: async (input, ctx) => describeInvitation(input.invite, ctx.now),
  myInvitations: async (_input, ctx) => {
    const member = await me(ctx);
    const [{ invitations, stats }, rules] = await Promise.all([listInvitations(member._id), loadReferralRules()]);
    const [friends, templates] = await Promise.all([
      Promise.all(invitations.map((i) => getById<MemberDoc>('members', i.inviteeId))),
      Promise.all(rules.milestones.map((m) => getById<{ title: string }>('coupon_templates', m.couponTemplateId))),
    ]);
    return {
      ...stats,
      milestones: rules.milestones.map((m, n) => ({
        count: m.count,
        couponTitle: templates[n]?.title ?? '优惠券',
        earned: Math.floor(stats.successful / m.count),
        toNext: m.count - (stats.successful % m.count),
      })),
      invitations: invitations.map((i, n) => ({
        friend: maskNickname(friends[n]?.nickname || '好友'),
        status: i.status,
        reason: i.reason,
        at: new Date(i.at).toISOString(),
        points: i.points,
      })),
    };
  },

  // ---- subscribe messages: one credit per accepted one-time subscription
  recordSubscriptions: async (input, ctx) => recordSubscriptions((await me(ctx))._id, input.accepted, ctx.now),
});
