import type { MemberDoc } from '../../shared/schemas/member';
import { DEFAULT_TIERS } from '../../shared/rules/tiers';
import { EMPTY_POINTS } from '../../shared/schemas/points';

/** The document of a member who has just opened the card: the minimum, nothing asked yet. */
export function buildNewMember(openid: string, cardNo: string, now: Date): MemberDoc {
  return {
    _id: cardNo,
    openid,
    cardNo,
    nickname: '微信用户',
    avatarUrl: '',
    tierId: DEFAULT_TIERS[0].id,
    growth: 0,
    points: { ...EMPTY_POINTS },
    registeredAt: now,
    updatedAt: now,
    source: 'miniprogram',
  };
}
