import { DORMANCY_STAGES } from '../rules/lifecycle';
import { z } from 'zod';
import { businessDate, businessMonth, instant, points } from './common';
import { MESSAGE_PURPOSES } from '../contracts/marketing';
import type { InvitationRefusal } from '../rules/referral';

/**
 * Engagement features keep their state in their own documents keyed by member (check-ins, message
 * credits, invitations), never as more fields on `members`.
 */

const count = z.number().int().nonnegative();

/** `checkin_state/<memberId>`: the streak and the reminder opt-in (shared/rules/checkin.ts `CheckinState`). */
export const checkinStateDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    /** the last business day checked in; null before the first */
    lastDay: businessDate.nullable(),
    streak: count,
    longest: count,
    total: count,
    /** opted in to the daily reminder (indexed with `lastDay` for the reminder job) */
    remind: z.boolean(),
    updatedAt: instant,
  })
  .strict();
export type CheckinStateDoc = z.infer<typeof checkinStateDocSchema>;

/** `checkin_months/<memberId>:<yyyymm>`: the month's checked days, one read for the calendar page. */
export const checkinMonthDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    /** `YYYY-MM` */
    month: businessMonth,
    /** day of month `DD` → what it earned */
    days: z.record(z.string().regex(/^\d{2}$/), z.object({ points: points.nonnegative(), streak: count, makeUp: z.boolean().optional() }).strict()),
    makeUps: count,
  })
  .strict();
export type CheckinMonthDoc = z.infer<typeof checkinMonthDocSchema>;

const messagePurpose = z.enum(MESSAGE_PURPOSES);

/** `message_templates/<templateId>`: a subscribe-message template the merchant registered. */
export const messageTemplateDocSchema = z
  .object({
    _id: z.string(),
    templateId: z.string(),
    title: z.string(),
    purpose: messagePurpose,
    fields: z.array(z.object({ key: z.string(), label: z.string() }).strict()),
    page: z.string().nullable(),
    active: z.boolean(),
    updatedAt: instant,
    updatedBy: z.string(),
  })
  .strict();
export type MessageTemplateDoc = z.infer<typeof messageTemplateDocSchema>;

/** `subscribe_credits/<memberId>:<templateId>`: one-time subscriptions accepted and not yet used. */
export const subscribeCreditDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    templateId: z.string(),
    /** sends still allowed */
    credits: count,
    accepted: count,
    consumed: count,
    updatedAt: instant,
  })
  .strict();
export type SubscribeCreditDoc = z.infer<typeof subscribeCreditDocSchema>;

export const SEND_STATUSES = ['sending', 'sent', 'failed', 'no_credit', 'invalid', 'no_template'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** `message_log/<send key>`: every send attempt (the key makes a job's resend a duplicate). */
export const messageLogDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    templateId: z.string().nullable(),
    purpose: messagePurpose,
    status: z.enum(SEND_STATUSES),
    errCode: z.number().optional(),
    errMsg: z.string().optional(),
    /** the platform's id of a sent message (null when it answered none) */
    msgid: z.union([z.string(), z.number()]).nullable().optional(),
    issues: z.array(z.object({ key: z.string(), problem: z.string() }).strict()).optional(),
    createdAt: instant,
    updatedAt: instant,
  })
  .strict();
export type MessageLogDoc = z.infer<typeof messageLogDocSchema>;

/** `stats_daily/<YYYYMMDD>`: the day's figures for the merchant's dashboard (shared/schemas/stats.ts). */
export { statsDailyDocSchema } from './stats';

const INVITATION_REFUSALS = ['disabled', 'self', 'already_member', 'phone_seen', 'inviter_gone', 'daily_cap'] as const satisfies readonly InvitationRefusal[];

/** `invitations/<inviteeId>`: who invited whom, and what it earned the inviter. */
export const invitationDocSchema = z
  .object({
    _id: z.string(),
    inviterId: z.string(),
    inviteeId: z.string(),
    status: z.enum(['registered', 'purchased', 'ineligible']),
    reason: z.enum(INVITATION_REFUSALS).nullable(),
    at: instant,
    firstPurchaseAt: instant.nullable(),
    points: points.nonnegative(),
  })
  .strict();
export type InvitationDoc = z.infer<typeof invitationDocSchema>;

/** `invite_phones/<phone hash>`: a phone number that already came through an invitation. */
export const invitePhoneDocSchema = z.object({ _id: z.string(), inviteeId: z.string(), at: instant }).strict();

/** `referral_stats/<inviterId>`: an inviter's totals (the milestones count `successful`). */
export const referralStatsDocSchema = z
  .object({
    _id: z.string(),
    invited: count,
    successful: count,
    points: points.nonnegative(),
    /** the business day `rewardedOnDay` counts (the per-inviter daily cap) */
    day: businessDate.optional(),
    rewardedOnDay: count.optional(),
    updatedAt: instant,
  })
  .strict();
export type ReferralStatsDoc = z.infer<typeof referralStatsDocSchema>;

// ------------------------------------------------------------------ lifecycle (cloudfunctions/_lib/lifecycle/dormancy.ts, repurchase.ts)

/** `member_lifecycle/<memberId>`: the dormancy stage recorded for the member's current (or last) episode. */
export const memberLifecycleDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    stage: z.enum(DORMANCY_STAGES),
    /** when the member entered the stage */
    since: z.date(),
    /** the instant the episode counts from (`purchases.lastAt`, or `registeredAt`) */
    episodeLastAt: z.date(),
    /** coupons given in this episode */
    couponIds: z.array(z.string()),
    updatedAt: z.date(),
  })
  .strict();
export type MemberLifecycleDoc = z.infer<typeof memberLifecycleDocSchema>;

export const categoryCycleSchema = z
  .object({
    category: z.string(),
    /** purchase days, ascending, distinct, the latest 12 */
    days: z.array(businessDate),
    /** the member's own interval while counted in the category histogram */
    ownIntervalDays: z.number().nullable(),
    intervalDays: z.number().nullable(),
    source: z.enum(['own', 'category']).nullable(),
    expectedOn: businessDate.nullable(),
    remindOn: businessDate.nullable(),
    /** the last purchase day a reminder was handled for (sent or passed over): once per occurrence */
    remindedFor: businessDate.nullable(),
  })
  .strict();
export type CategoryCycle = z.infer<typeof categoryCycleSchema>;

/** `purchase_cycles/<memberId>` */
export const purchaseCyclesDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    categories: z.array(categoryCycleSchema),
    /** the earliest reminder day of the categories not yet reminded; indexed; null: none */
    remindOn: businessDate.nullable(),
    updatedAt: z.date(),
  })
  .strict();
export type PurchaseCyclesDoc = z.infer<typeof purchaseCyclesDocSchema>;

/** `job_state/<job>`: what a job carries from one finished run to the next. */
export const jobStateDocSchema = z.union([
  /** `dormancy`: the instants each stage's windows have been walked to, by finished runs */
  z.object({ _id: z.literal('dormancy'), through: z.record(z.enum(DORMANCY_STAGES), z.string()), at: z.date() }).strict(),
  /** `repurchase`: the orders read in up to this instant */
  z.object({ _id: z.literal('repurchase'), through: z.string(), at: z.date() }).strict(),
  /** `repurchase-stats`: per category, the members' own intervals (the median stands in for those with too few) */
  z
    .object({
      _id: z.literal('repurchase-stats'),
      categories: z.array(z.object({ category: z.string(), histogram: z.record(z.string(), z.number()), median: z.number().nullable() }).strict()),
      updatedAt: z.date(),
    })
    .strict(),
]);
