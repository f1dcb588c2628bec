import { AppError } from '../../shared/errors';
import { memberContract } from '../../shared/contracts/member';
import { memberRequests, type AccessLogDoc, type IdentifiedMember, type MemberDoc, type MyRole } from '../../shared/schemas/member';
import { phoneHash } from '../_lib/pii';
import { tierRequests } from '../../shared/schemas/tiers';
import { tierById } from '../../shared/rules/tiers';
import { createMain, requireOpenid, type ActionContext } from '../_lib/router';
import { requireRole, type RoleDoc } from '../_lib/auth';
import { database } from '../_lib/cloud';
import { findOne, getById, queryDocs, withRetry } from '../_lib/db';
import { checkMemberCode, issueMemberCode, MEMBER_CODE_PERIOD_MS } from '../_lib/member-code';
import { loadTierConfig } from '../_lib/tiers';
import { findOrRegisterMember } from './register';
import { recentTierChanges, toCard } from './card';
import { acceptPrivacy, bindPhone, setBirthday, toProfile, updateMember } from './profile';
import { getTierConfigWithHistory, runTierReview, updateTierConfig } from './tier-admin';
import { deleteAccount, exportMyData } from './mydata';
import { recordSubscriptions } from '../_lib/messages';
import { loadRules } from '../_lib/earning-rules';
import { memberDayView } from '../../shared/rules/member-day';
import { listInvitations, loadReferralRules, signInvite } from '../_lib/referral';
import { invitePath } from '../../shared/rules/referral';
import { addBusinessDays, businessDate } from '../../shared/calendar';

async function me(ctx: ActionContext): Promise<MemberDoc> {
  return (await findOrRegisterMember(requireOpenid(ctx), ctx.now)).member;
}

/**
 * What staff see of an identified member: a masked summary, no full phone number, no birthday.
 * Each disclosure is logged (who, how, when) for the merchant and the member's own export; a lookup
 * that finds no one discloses nothing and writes nothing.
 */
async function disclose(role: RoleDoc, by: AccessLogDoc['by'], member: MemberDoc | null, now: Date): Promise<IdentifiedMember> {
  if (!member || member.deletedAt) throw new AppError('MEMBER_NOT_FOUND');
  const tier = tierById(member.tierId, (await loadTierConfig()).tiers);
  const entry: Omit<AccessLogDoc, '_id'> = { memberId: member._id, actor: { openid: role.openid, role: role.role, name: role.name, storeId: role.storeId ?? null }, by, at: now };
  await withRetry(() => database().collection('access_log').add({ data: entry }) as Promise<unknown>);
  return {
    memberId: member._id,
    cardNo: member.cardNo,
    nickname: member.nickname,
    tier: { id: tier.id, name: tier.name },
    phoneMasked: member.phone?.masked ?? null,
    pointsAvailable: member.points.available,
    growth: member.growth,
  };
}

export const main = createMain(
  memberContract,
  {
    getCard: async (_input, ctx) => {
      const { member, isNew } = await findOrRegisterMember(requireOpenid(ctx), ctx.now);
      const [config, changes, { rules }] = await Promise.all([loadTierConfig(), recentTierChanges(member._id), loadRules()]);
      return { ...toCard(member, isNew, config, changes), memberDay: memberDayView(rules, businessDate(ctx.now)) };
    },

    /** Staff or merchant (from `roles`), else `role: null`. Never registers the caller as a member. */
    myRole: async (_input, ctx): Promise<MyRole> => {
      const doc = await getById<RoleDoc>('roles', requireOpenid(ctx));
      if (!doc || (doc.role !== 'staff' && doc.role !== 'merchant')) return { role: null };
      const where = doc.role === 'staff' ? { _id: doc.storeId ?? '' } : doc.merchantId ? { merchantId: doc.merchantId } : {};
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
    bindPhone: async (input, ctx) => bindPhone((await me(ctx))._id, input.code, ctx.now),
    acceptPrivacy: async (input, ctx) => acceptPrivacy((await me(ctx))._id, input.version, ctx.now),

    // ---- dynamic member code
    getMemberCode: async (_input, ctx) => {
      const issued = issueMemberCode((await me(ctx))._id, ctx.now);
      return { code: issued.code, numeric: issued.numeric, refreshAt: issued.refreshAt.toISOString(), expiresAt: issued.expiresAt.toISOString(), periodMs: MEMBER_CODE_PERIOD_MS };
    },
    identifyByCode: async (input, ctx) => {
      const role = await requireRole(ctx.openid, ['staff', 'merchant']);
      const check = checkMemberCode(input.code, ctx.now);
      if (!check.ok) throw new AppError(check.reason === 'expired' ? 'MEMBER_CODE_EXPIRED' : 'MEMBER_CODE_INVALID');
      return disclose(role, 'member_code', await getById<MemberDoc>('members', check.memberId), ctx.now);
    },
    identifyByPhone: async (input, ctx) => {
      const role = await requireRole(ctx.openid, ['staff', 'merchant']);
      // Found by the keyed hash (index phone_hash): the number itself is never stored or compared in clear.
      return disclose(role, 'phone', await findOne<MemberDoc>('members', { 'phone.hash': phoneHash(input.phone) }), ctx.now);
    },
    listAccessLog: async (input, ctx) => {
      await requireRole(ctx.openid, ['merchant']);
      const _ = database().command;
      const where: Record<string, unknown> = {};
      if (input.memberId) where.memberId = input.memberId;
      if (input.before) where.at = _.lt(new Date(input.before));
      const entries = await queryDocs<AccessLogDoc>(database().collection('access_log').where(where).orderBy('at', 'desc').limit(input.limit));
      return { entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })) };
    },

    // ---- my data (PIPL)
    exportMyData: async (_input, ctx) => {
      const member = await findOne<MemberDoc>('members', { openid: requireOpenid(ctx) });
      if (!member) throw new AppError('MEMBER_NOT_FOUND');
      return exportMyData(member, ctx.now);
    },
    deleteAccount: async (_input, ctx) => deleteAccount(requireOpenid(ctx), ctx.now),

    // ---- tiers (merchant)
    getTierConfig: async (_input, ctx) => {
      await requireRole(ctx.openid, ['merchant']);
      return getTierConfigWithHistory();
    },
    updateTierConfig: async (input, ctx) => {
      const role = await requireRole(ctx.openid, ['merchant']);
      return updateTierConfig(input.settings, input.expectedVersion, role.name, ctx.now);
    },
    // ---- referral: the member's signed invitation and what it earned
    getInvite: async (_input, ctx) => {
      const member = await me(ctx);
      const rules = await loadReferralRules();
      const token = signInvite(member._id, ctx.now);
      return { token, path: invitePath(token), expiresOn: addBusinessDays(businessDate(ctx.now), rules.validDays - 1) };
    },
    myInvitations: async (_input, ctx) => {
      const member = await me(ctx);
      const { invitations, stats } = await listInvitations(member._id);
      const friends = await Promise.all(invitations.map((i) => withRetry(() => getById<MemberDoc>('members', i.inviteeId))));
      return {
        ...stats,
        invitations: invitations.map((i, n) => ({ friend: `${[...(friends[n]?.nickname || '好友')][0]}**`, status: i.status, reason: i.reason, at: new Date(i.at).toISOString(), points: i.points })),
      };
    },

    // ---- subscribe messages: one credit per accepted one-time subscription
    recordSubscriptions: async (input, ctx) => recordSubscriptions((await me(ctx))._id, input.accepted, ctx.now),

    /** The periodic tier review, run by hand by the merchant (the scheduler runs it daily as `tier-review`). */
    tierReview: async (_input, ctx) => {
      await requireRole(requireOpenid(ctx), ['merchant']);
      return runTierReview(ctx.now);
    },
  },
);
