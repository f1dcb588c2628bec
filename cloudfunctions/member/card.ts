import type { MemberCard, MemberDoc } from '../../shared/schemas/member';
import type { TierChangeDoc } from '../../shared/schemas/tiers';
import { describeBenefits, graceEndsAt, nextTier, tierById, tierProgressText, type TierConfig } from '../../shared/rules/tiers';
import { PRIVACY_POLICY_VERSION, privacyChangesSince } from '../../shared/rules/profile';
import { businessDate } from '../../shared/calendar';
import { database } from '../_lib/platform/cloud';
import { queryDocs } from '../_lib/platform/db';
import { pointsSummary } from '../../shared/rules/lots';

/** The member's latest tier changes, newest first (shown on the card). */
export async function recentTierChanges(memberId: string, limit = 5): Promise<TierChangeDoc[]> {
  return queryDocs<TierChangeDoc>(database().collection('tier_changes').where({ memberId }).orderBy('at', 'desc').limit(limit));
}

export function toCard(member: MemberDoc, isNew: boolean, config: TierConfig, changes: TierChangeDoc[]): MemberCard {
  const tier = tierById(member.tierId, config.tiers);
  const next = nextTier(tier, member.growth, config.tiers);
  const graceEnd = graceEndsAt(member, config);
  const tierName = (id: string) => tierById(id, config.tiers).name;
  return {
    memberId: member._id,
    cardNo: member.cardNo,
    nickname: member.nickname,
    avatarUrl: member.avatarUrl ?? '',
    tier: { id: tier.id, name: tier.name, color: tier.color, benefits: describeBenefits(tier.benefits) },
    nextTier: next
      ? {
          id: next.tier.id,
          name: next.tier.name,
          growthNeeded: next.growthNeeded,
          spendNeededFen: Math.ceil(next.growthNeeded / config.growthPerYuan) * 100,
          benefits: describeBenefits(next.tier.benefits),
        }
      : null,
    progressText: tierProgressText(tier, member.growth, config),
    tierKeptUntil: graceEnd ? businessDate(graceEnd) : null,
    tierChanges: changes.map((c) => ({
      kind: c.kind,
      fromTier: tierName(c.fromTierId),
      toTier: tierName(c.toTierId),
      reason: c.reason,
      at: new Date(c.at).toISOString(),
    })),
    phoneMasked: member.phone?.masked ?? null,
    privacy: {
      currentVersion: PRIVACY_POLICY_VERSION,
      acceptedVersion: member.privacy?.version ?? null,
      accepted: member.privacy?.version === PRIVACY_POLICY_VERSION,
      changes: privacyChangesSince(member.privacy?.version),
    },
    growth: member.growth,
    points: pointsSummary(member.points, new Date()),
    registeredAt: new Date(member.registeredAt).toISOString(),
    isNew,
  };
}
