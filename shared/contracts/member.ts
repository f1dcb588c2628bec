import { act } from '../contract';
import { memberRequests, type IdentifiedMember, type MemberCard, type MemberCodeView, type MyRole, type ProfileView } from '../schemas/member';
import { tierRequests } from '../schemas/tiers';
import type { TierConfig } from '../rules/tiers';
import type { InviteJoinRefusal, InviteOffer } from '../rules/referral';
/** The member's own data (PIPL right of access): stored documents as JSON, instants as ISO strings (shared/rules/data-export.ts). */
import type { MyDataExport } from '../rules/data-export';

export interface AccessLogEntry {
  _id: string;
  memberId: string;
  actor: { openid: string; role: string; name: string; storeId: string | null };
  by: 'member_code' | 'phone' | 'console' | 'coupon';
  at: string;
}

/** Before 开卡: what joining gives this person, and whether they left before (a farewell, no second bonus). */
interface JoinStatus {
  departedOn: string | null;
  registrationBonus: number;
  tiers: { name: string; color: string; threshold: number; benefits: string[] }[];
}

interface TierConfigWithHistory {
  config: TierConfig;
  history: { version: number; updatedAt: string; updatedBy: string }[];
}

export interface ReviewRun {
  /** `tier-review:<yyyymmdd>`: the review runs daily and reviews each due member once per period */
  runId: string;
  period: string;
  /** counts of this invocation (a second run of a finished day answers zeros) */
  reviewed: number;
  upgraded: number;
  downgraded: number;
  graceStarted: number;
  /** the day's run is through (a later trigger of the day does nothing) */
  done: boolean;
  /** members whose review failed this day (still due: the next day's run retries them) */
  failures?: { memberId: string; error: string }[];
}

export const memberContract = {
  getCard: act(memberRequests.getCard).returns<MemberCard>(),
  /** `invite` answers only when an invitation was presented: credited to the inviter, or why not (开卡 succeeds either way) */
  join: act(memberRequests.join).returns<MemberCard & { invite?: InviteAnswer }>(),
  joinStatus: act(memberRequests.joinStatus).returns<JoinStatus>(),
  myRole: act(memberRequests.myRole).returns<MyRole>(),
  getProfile: act(memberRequests.getProfile).returns<ProfileView>(),
  updateProfile: act(memberRequests.updateProfile).returns<ProfileView>(),
  setBirthday: act(memberRequests.setBirthday).returns<ProfileView>(),
  bindPhone: act(memberRequests.bindPhone).returns<{ phoneMasked: string; transferred: boolean }>(),
  acceptPrivacy: act(memberRequests.acceptPrivacy).returns<{ version: string; acceptedAt: string }>(),
  getMemberCode: act(memberRequests.getMemberCode).returns<MemberCodeView>(),
  identifyByCode: act(memberRequests.identifyByCode).returns<IdentifiedMember>(),
  identifyByPhone: act(memberRequests.identifyByPhone).returns<IdentifiedMember>(),
  refreshIdentified: act(memberRequests.refreshIdentified).returns<IdentifiedMember>(),
  listAccessLog: act(memberRequests.listAccessLog).returns<{ entries: AccessLogEntry[] }>(),
  exportMyData: act(memberRequests.exportMyData).returns<MyDataExport>(),
  deleteAccount: act(memberRequests.deleteAccount).returns<{ memberId: string; couponsVoided: number; pointsForfeited: number }>(),
  getTierConfig: act(tierRequests.getTierConfig).returns<TierConfigWithHistory>(),
  updateTierConfig: act(tierRequests.updateTierConfig).returns<TierConfig>(),
  /** one credit per accepted one-time subscription (template ids from `marketing.listTemplates`) */
  recordSubscriptions: act(memberRequests.recordSubscriptions).returns<{ recorded: { templateId: string; credits: number }[]; ignored: string[] }>(),
  /** the member's signed invitation, and what it offers both friends */
  getInvite: act(memberRequests.getInvite).returns<{ token: string; path: string; expiresOn: string; offer: InviteOffer }>(),
  /** public: an invitation as the invited friend sees it before 开卡 (INVITE_INVALID for a bad, stale or orphaned one) */
  inviteOffer: act(memberRequests.inviteOffer).returns<InviteOffer>(),
  myInvitations: act(memberRequests.myInvitations).returns<{
    invitations: InvitationView[];
    invited: number;
    successful: number;
    points: number;
    /** the merchant's milestone coupons: every `count` successful invitations, one coupon (`earned` so far, `toNext` to go) */
    milestones: { count: number; couponTitle: string; earned: number; toNext: number }[];
  }>(),
};

/** `join { invite }`: whether the invitation was credited to the inviter, and why not (`self`, `already_member`, `phone_seen`, `invalid`, `expired` ...). */
export interface InviteAnswer {
  accepted: boolean;
  reason: InviteJoinRefusal | null;
}

interface InvitationView {
  /** the friend, masked (their nickname's first character) */
  friend: string;
  status: 'registered' | 'purchased' | 'ineligible';
  reason: string | null;
  at: string;
  points: number;
}
