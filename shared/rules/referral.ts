import { z } from 'zod';

/**
 * Referral (裂变), pure rules. The invitation itself is a token signed by the functions
 * (`cloudfunctions/_lib/referral/referral.ts`); here: its shape, its age, who may be rewarded, and what.
 *
 * Invariants:
 * R1 an invitation rewards at most once per invitee (`invitations/<inviteeId>`), whatever the retries;
 * R2 nothing is earned for inviting oneself, for an invitee who was already a member, or for a phone
 *    number seen before on another invitation (one person, several WeChat accounts);
 * R3 the inviter earns on the invitee's registration and again at their first purchase, as configured;
 *    every `milestone.count`-th successful invitation adds its reward once.
 */
export const referralRulesSchema = z
  .object({
    enabled: z.boolean(),
    /** days an invitation link stays valid */
    validDays: z.number().int().min(1).max(365),
    onRegister: z.object({ points: z.number().int().min(0).max(100_000) }).strict(),
    onFirstPurchase: z.object({ points: z.number().int().min(0).max(100_000) }).strict(),
    /** e.g. a coupon after three successful invitations */
    milestones: z.array(z.object({ count: z.number().int().min(1).max(1000), couponTemplateId: z.string().min(1).max(64) }).strict()).max(5),
  })
  .strict();
export type ReferralRules = z.infer<typeof referralRulesSchema>;

export const DEFAULT_REFERRAL_RULES: ReferralRules = {
  enabled: true,
  validDays: 30,
  onRegister: { points: 50 },
  onFirstPurchase: { points: 100 },
  milestones: [],
};

/** `<inviterId>.<yyyymmdd>.<mac>`: who invites, on which business day the link was made, the signature. */
interface InviteToken {
  inviterId: string;
  issuedOn: string;
  mac: string;
}

export function parseInviteToken(token: string): InviteToken | null {
  const m = /^([A-Za-z0-9_-]{1,64})\.(\d{8})\.([A-Za-z0-9_-]{16,64})$/.exec(token);
  if (!m) return null;
  return { inviterId: m[1], issuedOn: `${m[2].slice(0, 4)}-${m[2].slice(4, 6)}-${m[2].slice(6)}`, mac: m[3] };
}

export function formatInviteToken(inviterId: string, issuedOn: string, mac: string): string {
  return `${inviterId}.${issuedOn.replace(/-/g, '')}.${mac}`;
}

/** Whether an invitation made on `issuedOn` is still good on `today` (both business days). */
export function inviteFresh(issuedOn: string, today: string, validDays: number): boolean {
  const age = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${issuedOn}T00:00:00Z`)) / 86_400_000;
  return age >= 0 && age < validDays;
}

export type InvitationRefusal = 'disabled' | 'self' | 'already_member' | 'phone_seen' | 'inviter_gone' | 'daily_cap';

/**
 * Invitations one inviter is rewarded for per business day: past it, an invitation is recorded and
 * earns nothing (ten fresh identities in an afternoon are a farm, not ten friends).
 */
export const REWARDED_INVITATIONS_PER_DAY = 5;

/** Why `member.join { invite }` credited nothing: an R2 refusal, or a token forged or malformed (`invalid`) or too old (`expired`). */
export type InviteJoinRefusal = InvitationRefusal | 'invalid' | 'expired';

/** R2: why this invitation earns nothing, or null when it counts. */
export function invitationRefusal(c: {
  rules: ReferralRules;
  inviterId: string;
  inviteeId: string;
  inviteeIsNew: boolean;
  phoneSeenBefore: boolean;
  inviterActive: boolean;
  /** invitations the inviter was rewarded for earlier this business day */
  rewardedToday?: number;
}): InvitationRefusal | null {
  if (!c.rules.enabled) return 'disabled';
  if (c.inviterId === c.inviteeId) return 'self';
  if (!c.inviterActive) return 'inviter_gone';
  if (!c.inviteeIsNew) return 'already_member';
  if (c.phoneSeenBefore) return 'phone_seen';
  if ((c.rewardedToday ?? 0) >= REWARDED_INVITATIONS_PER_DAY) return 'daily_cap';
  return null;
}

/** R3: the milestone rewards reached by the `successful`-th successful invitation. */
export function milestonesReached(successful: number, rules: ReferralRules): { count: number; couponTemplateId: string }[] {
  return rules.milestones.filter((m) => successful > 0 && successful % m.count === 0);
}

/** The page an invitation opens (the card, with the token for `member.join`). */
export const invitePath = (token: string) => `pages/index/index?invite=${encodeURIComponent(token)}`;

/** A member as another person sees them on an invitation: the nickname's first character and two stars, nothing else. */
export function maskNickname(nickname: string | null | undefined): string {
  const first = [...(nickname ?? '').trim()][0];
  return `${first ?? '好'}**`;
}

/**
 * What an invitation offers, as both friends see it: the invited friend's 开卡 gift, the inviter's
 * rewards (none while the programme is switched off), and the last business day the link works.
 */
export interface InviteOffer {
  /** the inviter, masked (`maskNickname`) */
  inviter: string;
  friendPoints: number;
  inviterOnRegister: number;
  inviterOnFirstPurchase: number;
  expiresOn: string;
}
