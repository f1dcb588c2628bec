import { z } from 'zod';
import { businessDate, isRealDate, monthDay, points, instant } from './common';
import { memberPointsSchema } from './points';
import { memberCrmSchema } from './crm';
import { SUBSCRIBE_TEMPLATES_PER_REQUEST } from '../rules/engagement';
import { labelFields, labelRequests } from '../validation';

const tierIdSchema = z.string().min(1).max(32);

const genderSchema = z.enum(['male', 'female', 'unknown']);
/** Month-day required, year optional (a member may keep their age to themselves). */
export const birthdaySchema = z
  .object({
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    year: z.number().int().min(1900).max(2100).optional(),
  })
  .strict()
  .refine((b) => isValidMonthDay(b.month, b.day, b.year), { message: '日期不存在' });
export type Birthday = z.infer<typeof birthdaySchema>;

/** Without a year, 02-29 is a day (a leap year stands in). */
const isValidMonthDay = (month: number, day: number, year?: number): boolean => isRealDate(year ?? 2000, month, day);

/** `members` collection. `_id` is the member id (card number); OPENID is unique but never the key. */
export const memberDocSchema = z.object({
  _id: z.string(),
  openid: z.string().min(1),
  cardNo: z.string(),
  nickname: z.string().max(32),
  avatarUrl: z.string().max(512).default(''),
  tierId: tierIdSchema,
  growth: points.nonnegative(),
  points: memberPointsSchema,
  registeredAt: instant,
  updatedAt: instant,
  source: z.enum(['miniprogram', 'pos', 'import']).default('miniprogram'),
  // ---- profile (all optional: nothing beyond the minimum is asked at sign-up)
  gender: genderSchema.optional(),
  birthday: birthdaySchema.optional(),
  /** 'MM-DD', indexed: the birthday-coupon job finds the day's members by it */
  birthdayMD: monthDay.optional(),
  birthdayChangedAt: instant.optional(),
  /** encrypted (AES-256-GCM), keyed hash for lookup (indexed), masked for display */
  phone: z.object({ cipher: z.string(), hash: z.string(), masked: z.string() }).optional(),
  /** consent to the privacy policy: the version accepted and when */
  privacy: z.object({ version: z.string(), acceptedAt: instant }).optional(),
  /** consent to the membership terms at 开卡: the version accepted and when */
  terms: z.object({ version: z.string(), acceptedAt: instant }).optional(),
  // ---- tier engine state (shared/rules/tiers.ts)
  tierSince: instant.optional(),
  graceStartedAt: instant.nullable().optional(),
  lastReviewPeriod: z.string().nullable().optional(),
  /** 'YYYY-MM-DD', indexed: the tier review job finds the members due by `<= today`; null = nothing to review */
  tierReviewDueOn: businessDate.nullable().optional(),
  /**
   * Set first when the member asks for deletion, before anything is erased: from then on nothing is
   * issued to them (the issuing transactions read it and write this document, so one that read it
   * unset cannot commit after it is set).
   */
  erasureBegunAt: instant.optional(),
  /** set when the member deleted their account: the document keeps only the card number and books */
  deletedAt: instant.optional(),
  /**
   * Order counters of the latest recording day (fraud velocity, staff repetition, split receipts,
   * the per-recording-day cap): written in each order's transaction, so the limits are exact under
   * concurrency. See shared/rules/fraud.ts `OrderDayCounters`.
   */
  orderDay: z
    .object({
      on: businessDate,
      orders: z.number().int().nonnegative(),
      justUnder: z.number().int().nonnegative(),
      earned: z.number().int().nonnegative(),
      byStaff: z.array(z.object({ openid: z.string(), orders: z.number().int().nonnegative() })),
    })
    .optional(),
  /**
   * Purchase statistics (recency, frequency, monetary), written in each order's transaction and
   * lowered by refunds (shared/rules/lifecycle.ts): dormancy now, segments and RFM later.
   * `purchases.lastAt` is indexed (the dormancy job's windows).
   */
  purchases: z.object({ count: z.number().int().nonnegative(), amountFen: z.number().int().nonnegative(), firstAt: instant, lastAt: instant }).optional(),
  /**
   * Referral: the inviter's id while their first-purchase reward is due (set at a rewarded registration,
   * removed by the member's first order, which rewards it): the order path reads nothing more for anyone else.
   */
  referralDue: z.string().optional(),
  /**
   * The nightly reconciliation's verified checkpoint (`_lib/points/nightly.ts`): the sums of the
   * member's ledger entries created up to `through`, written only when they and the later entries
   * matched the balance. In the member document so the night reads it with the member and moves it
   * in the same conditional write that clears `points.reconcileDue`.
   */
  ledgerCheckpoint: z
    .object({ through: instant, seq: z.number().int(), verifiedAt: instant, delta: z.number(), pending: z.number(), entries: z.number().int() })
    .optional(),
  /** 兴趣偏好 the member picked (at joining or in the profile): the segment filter's `interests` (multikey index) */
  interests: z.array(z.string().max(20)).max(20).optional(),
  /** the merchant's precomputed view: tags, RFM, stores (shared/schemas/crm.ts) */
  crm: memberCrmSchema.optional(),
});
export type MemberDoc = z.infer<typeof memberDocSchema>;

/** `member` function requests. */
export const memberRequests = {
  getCard: z.object({}).strict(),
  /**
   * 开卡: the person agrees to the privacy policy and the membership terms (PIPL: nothing is stored
   * before this), optionally authorising their phone number (the getPhoneNumber button's code), and
   * may arrive with an invitation token (referral).
   */
  join: z
    .object({
      agree: z.literal(true, { errorMap: () => ({ message: '请阅读并同意《隐私政策》和《会员服务协议》' }) }),
      phoneCode: z.string().min(1).max(256).optional(),
      invite: z.string().min(1).max(128).optional(),
    })
    .strict(),
  /** Whether the caller left before (a farewell on the next open): answers without writing. */
  joinStatus: z.object({}).strict(),
  getProfile: z.object({}).strict(),
  updateProfile: z
    .object({
      nickname: z.string().trim().min(1, '昵称不能为空').max(32).optional(),
      avatarUrl: z
        .string()
        .max(512)
        .regex(/^(https:\/\/|cloud:\/\/|wxfile:\/\/|http:\/\/tmp\/|data:image\/)/, '头像地址不正确')
        .or(z.literal(''))
        .optional(),
      gender: genderSchema.optional(),
    })
    .strict(),
  setBirthday: birthdaySchema,
  /** `transfer`: the verified number is held by another (stale) member: move it to the caller, logged */
  bindPhone: z.object({ code: z.string().min(1).max(256), transfer: z.literal(true).optional() }).strict(),
  acceptPrivacy: z.object({ version: z.string().min(1).max(32) }).strict(),
  getMemberCode: z.object({}).strict(),
  identifyByCode: z.object({ code: z.string().min(1).max(200) }).strict(),
  /** At the counter, a member without the card at hand says their number (mainland mobile, +86 allowed). */
  /** The till after recording: the summary of a member this clerk identified today, refreshed. */
  refreshIdentified: z.object({ memberId: z.string().min(1).max(64) }).strict(),
  identifyByPhone: z.object({ phone: z.string().regex(/^(?:\+86|0086|86)?[\s-]*1\d{2}[\s-]?\d{4}[\s-]?\d{4}$/, '请输入 11 位手机号') }).strict(),
  exportMyData: z.object({}).strict(),
  deleteAccount: z.object({ confirm: z.literal('DELETE') }).strict(),
  /** Merchant: who looked up which member, newest first (staff identifications disclose a member's summary). */
  listAccessLog: z
    .object({ limit: z.number().int().min(1).max(100).default(50), before: z.string().datetime().optional(), memberId: z.string().min(1).max(64).optional() })
    .strict(),
  /** Who the caller is to the merchant (from the `roles` collection, never from the client). */
  myRole: z.object({}).strict(),
  /** The template ids the member accepted in `wx.requestSubscribeMessage` (one-time: one credit each). */
  recordSubscriptions: z
    .object({
      accepted: z
        .array(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/))
        .min(1)
        .max(SUBSCRIBE_TEMPLATES_PER_REQUEST),
    })
    .strict(),
  /** The member's invitation link (a signed inviter token; `member.join { invite }` accepts it). */
  getInvite: z.object({}).strict(),
  /** Public (a visitor before 开卡): what an invitation offers — the inviter's masked nickname and the gifts. */
  inviteOffer: z.object({ invite: z.string().min(1).max(200) }).strict(),
  /** The member's invitations and what they earned. */
  myInvitations: z.object({}).strict(),
} as const;

// The fields as the profile, join and staff pages name them (shared/validation.ts: fieldLabel).
labelRequests(memberRequests, {
  nickname: '昵称',
  avatarUrl: '头像',
  gender: '性别',
  year: '出生年份',
  month: '生日月份',
  day: '生日日期',
  code: '会员码',
  phone: '手机号',
  phoneCode: '微信手机号授权',
  invite: '邀请链接',
  agree: '同意《隐私政策》',
  version: '隐私政策版本',
  confirm: '注销确认',
  memberId: '会员',
  limit: '条数',
  before: '查询时间',
  transfer: '换绑确认',
  accepted: '订阅消息',
});
labelFields(memberRequests.bindPhone, { code: '微信手机号授权' });

/**
 * `myRole`'s answer: `role: null` for a consumer. Staff carry their store; the merchant the stores
 * they own (the console's POS secrets are per store).
 */
export const myRoleSchema = z.object({
  role: z.enum(['staff', 'merchant']).nullable(),
  name: z.string().optional(),
  storeId: z.string().optional(),
  stores: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
});
export type MyRole = z.infer<typeof myRoleSchema>;

/** What the member card page shows. */
export const memberCardSchema = z.object({
  memberId: z.string(),
  cardNo: z.string(),
  nickname: z.string(),
  avatarUrl: z.string(),
  tier: z.object({ id: z.string(), name: z.string(), color: z.string(), benefits: z.array(z.string()) }),
  nextTier: z.object({ id: z.string(), name: z.string(), growthNeeded: points, spendNeededFen: points, benefits: z.array(z.string()) }).nullable(),
  /** "再消费 ¥200 / 再得 200 成长值 升级金卡会员" */
  progressText: z.string(),
  /** set while the member is below their tier's threshold, kept until this date (YYYY-MM-DD) */
  tierKeptUntil: businessDate.nullable(),
  tierChanges: z.array(z.object({ kind: z.string(), fromTier: z.string(), toTier: z.string(), reason: z.string(), at: z.string() })),
  phoneMasked: z.string().nullable(),
  privacy: z.object({
    currentVersion: z.string(),
    acceptedVersion: z.string().nullable(),
    accepted: z.boolean(),
    /** a returning member who accepted an earlier version: what changed since (empty otherwise) */
    changes: z.array(z.string()),
  }),
  growth: points,
  points: z.object({ available: points, pending: points, expiringSoon: points }),
  /** the member day (会员日) and its points multiplier; null when the merchant has none */
  memberDay: z.object({ label: z.string(), multiplier: z.number(), today: z.boolean(), next: z.string() }).nullable().optional(),
  /** on the member's birthday (Asia/Shanghai): the greeting, and the points multiplier of the day's orders; null on other days */
  birthday: z.object({ multiplier: z.number() }).nullable().optional(),
  registeredAt: z.string(),
  isNew: z.boolean(),
});
export type MemberCard = z.infer<typeof memberCardSchema>;

/** What the profile page shows: the member's own data, phone number in full (only to the member). */
export interface ProfileView {
  memberId: string;
  nickname: string;
  avatarUrl: string;
  gender: 'male' | 'female' | 'unknown' | null;
  birthday: Birthday | null;
  /** ISO instant when the birthday may next be changed; null = now */
  birthdayChangeableAt: string | null;
  phone: string | null;
  phoneMasked: string | null;
  privacy: { currentVersion: string; acceptedVersion: string | null; acceptedAt: string | null; accepted: boolean; changes: string[] };
}

/** The dynamic member code (QR holds `code`, the barcode `numeric` when there is one). */
export interface MemberCodeView {
  code: string;
  numeric: string | null;
  refreshAt: string;
  expiresAt: string;
  periodMs: number;
}

/** What staff see after scanning a member code: a masked summary. */
/** `access_log`: one staff identification that disclosed a member's summary (PIPL: who saw whose data, when, how). */
export const accessLogDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    actor: z.object({ openid: z.string(), role: z.string(), name: z.string(), storeId: z.string().nullable() }).strict(),
    /** how the member was found; `console`: the merchant opened the member's page (crm.memberDetail);
     *  `coupon`: a coupon's code inspected at the till, which shows its holder */
    by: z.enum(['member_code', 'phone', 'console', 'coupon']),
    at: instant,
  })
  .strict();
export type AccessLogDoc = z.infer<typeof accessLogDocSchema>;

export interface IdentifiedMember {
  memberId: string;
  cardNo: string;
  nickname: string;
  tier: { id: string; name: string; color: string };
  /** the tier's entitlements as the clerk applies them today (member-day discount, free items) */
  clerkNotes: string[];
  phoneMasked: string | null;
  pointsAvailable: number;
  growth: number;
}

/** `departures/<HMAC of the OPENID>`: a member who left (hash and dates only), so rejoining earns no second bonus. */
export const departureDocSchema = z
  .object({
    _id: z.string(),
    departedOn: businessDate,
    /** the record is disregarded (and may be purged) after this business date */
    keepUntil: businessDate,
  })
  .strict();
export type DepartureDoc = z.infer<typeof departureDocSchema>;

/** `phone_claims/<phone hash>`: which member holds a phone number (one member per number). */
export const phoneClaimDocSchema = z.object({ _id: z.string(), memberId: z.string(), at: instant }).strict();

/** `phone_transfers`: a verified number moved from a stale member to the one who proved it. */
export const phoneTransferDocSchema = z.object({ _id: z.string(), hash: z.string(), from: z.string(), to: z.string(), at: instant }).strict();
