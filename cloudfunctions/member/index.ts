import { memberRequests, type MemberCard, type MemberDoc } from '../../shared/schemas/member';
import { nextTier, tierById } from '../../shared/rules/tiers';
import { action, createMain, requireOpenid } from '../_lib/router';
import { findOrRegisterMember } from './register';

function toCard(member: MemberDoc, isNew: boolean): MemberCard {
  const tier = tierById(member.tierId);
  const next = nextTier(tier, member.growth);
  return {
    memberId: member._id,
    cardNo: member.cardNo,
    nickname: member.nickname,
    avatarUrl: member.avatarUrl ?? '',
    tier: { id: tier.id, name: tier.name, color: tier.color },
    nextTier: next ? { id: next.tier.id, name: next.tier.name, growthNeeded: next.growthNeeded } : null,
    growth: member.growth,
    points: { available: member.points.available, pending: member.points.pending, expiringSoon: 0 },
    registeredAt: new Date(member.registeredAt).toISOString(),
    isNew,
  };
}

export const main = createMain({
  getCard: action(memberRequests.getCard, async (_input, ctx) => {
    const { member, isNew } = await findOrRegisterMember(requireOpenid(ctx), ctx.now);
    return toCard(member, isNew);
  }),
});
