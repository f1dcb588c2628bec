import { z } from 'zod';
import { businessDate, fen } from './common';

/**
 * Coupon templates (the merchant's terms, versioned) and coupons (one member's copy of the terms at
 * the version it was issued under). Status on disk is `unused | used | expired | void`; a coupon
 * whose end has passed reads as expired at once (`effectiveStatus`), the nightly job only catches
 * the stored status up.
 */
export const COUPON_KINDS = ['cash', 'discount', 'gift'] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];

/** The channels that may issue a template's coupons (the issuing path checks the caller's). */
export const COUPON_CHANNELS = ['claim_center', 'new_member', 'birthday', 'campaign', 'points_mall', 'manual'] as const;
export type CouponChannel = (typeof COUPON_CHANNELS)[number];

export const validitySchema = z.discriminatedUnion('type', [
  /** business days, both inclusive (Asia/Shanghai) */
  z.object({ type: z.literal('fixed'), from: businessDate, to: businessDate }).strict(),
  /** valid from issue through the end of the `days`-th business day (the issue day is day 1) */
  z.object({ type: z.literal('relative'), days: z.number().int().min(1).max(3650) }).strict(),
]);
export type Validity = z.infer<typeof validitySchema>;

const storeId = z.string().min(1).max(64);

/** What the merchant sets; validated for the kind (a cash coupon needs a value, a discount a percent). */
export const templateTermsShape = {
  title: z.string().trim().min(1).max(40),
  description: z.string().max(200).default(''),
  kind: z.enum(COUPON_KINDS),
  /** minimum order amount (0: none) */
  thresholdFen: fen.max(10 ** 8).default(0),
  /** cash: the amount off; gift: the value of the gift (for reports) */
  valueFen: fen.max(10 ** 8).default(0),
  /** discount: pay this percent (88 = 八八折) */
  discountPercent: z.number().int().min(1).max(99).nullable().default(null),
  /** discount: the most it takes off (null: no cap) */
  maxDiscountFen: fen
    .max(10 ** 8)
    .nullable()
    .default(null),
  validity: validitySchema,
  /** total coupons that may ever be issued */
  stock: z
    .number()
    .int()
    .min(0)
    .max(10 ** 7),
  perMemberLimit: z.number().int().min(1).max(100).default(1),
  /** the stores where it may be used; absent or null: every store */
  storeIds: z.array(storeId).min(1).max(200).nullable().default(null),
  channels: z.array(z.enum(COUPON_CHANNELS)).min(1).max(COUPON_CHANNELS.length),
  /** may be used together with other coupons on one order */
  stackable: z.boolean().default(false),
  /** issued to every new member at registration (needs the `new_member` channel) */
  newMemberGift: z.boolean().default(false),
};

type TermsIssue = { path: (string | number)[]; message: string };

/** The cross-field rules of a template, shared by create and update. */
export function templateIssues(t: {
  kind: CouponKind;
  thresholdFen: number;
  valueFen: number;
  discountPercent: number | null;
  validity: Validity;
  channels: readonly CouponChannel[];
  newMemberGift: boolean;
}): TermsIssue[] {
  const issues: TermsIssue[] = [];
  if (t.kind === 'cash' && t.valueFen <= 0) issues.push({ path: ['valueFen'], message: '满减券需填写减免金额' });
  if (t.kind === 'cash' && t.thresholdFen > 0 && t.valueFen >= t.thresholdFen) issues.push({ path: ['valueFen'], message: '减免金额应小于使用门槛' });
  if (t.kind === 'discount' && t.discountPercent === null) issues.push({ path: ['discountPercent'], message: '折扣券需填写折扣' });
  if (t.kind !== 'discount' && t.discountPercent !== null) issues.push({ path: ['discountPercent'], message: '只有折扣券可填写折扣' });
  if (t.validity.type === 'fixed' && t.validity.from > t.validity.to) issues.push({ path: ['validity', 'to'], message: '结束日期不能早于开始日期' });
  if (new Set(t.channels).size !== t.channels.length) issues.push({ path: ['channels'], message: '发放渠道重复' });
  if (t.newMemberGift && !t.channels.includes('new_member')) issues.push({ path: ['newMemberGift'], message: '新人礼券需开启「新会员」渠道' });
  return issues;
}

export const templateInputSchema = z
  .object(templateTermsShape)
  .strict()
  .superRefine((t, ctx) => {
    for (const i of templateIssues(t)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: i.path, message: i.message });
  });
export type TemplateInput = z.infer<typeof templateInputSchema>;

/** What a coupon keeps of its template: later edits of the template never change an issued coupon. */
export interface CouponTerms {
  title: string;
  description: string;
  kind: CouponKind;
  thresholdFen: number;
  valueFen: number;
  discountPercent: number | null;
  maxDiscountFen: number | null;
  storeIds: string[] | null;
  stackable: boolean;
}

/** `coupon_templates/<id>`; the version before each edit is kept as `coupon_template_history/<id>@<version>`. */
export interface CouponTemplateDoc extends CouponTerms {
  _id: string;
  version: number;
  validity: Validity;
  stock: number;
  /** coupons issued so far (never more than `stock`) */
  issued: number;
  perMemberLimit: number;
  channels: CouponChannel[];
  newMemberGift: boolean;
  status: 'active' | 'paused';
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

export type CouponStatus = 'unused' | 'used' | 'expired' | 'void';

export interface CouponUse {
  at: Date;
  storeId: string | null;
  storeName: string;
  staff: { openid: string; name: string; role: string };
  orderId: string | null;
  /** one per verify invocation: a retried verify whose first reply was lost recognises its own write */
  verificationId: string;
}

/** `coupons/<couponNo>`: the `_id` is a 12-digit number derived from the issuing key. */
export interface CouponDoc {
  _id: string;
  templateId: string;
  templateVersion: number;
  memberId: string;
  /** the caller's idempotency key (`claim:<requestId>`, `new_member:<memberId>:<templateId>`, …) */
  issueKey: string;
  /** the issuing invocation's token: a retry that finds its own write after a lost reply is not a duplicate */
  issueAttempt?: string;
  channel: CouponChannel;
  status: CouponStatus;
  terms: CouponTerms;
  issuedAt: Date;
  startsAt: Date;
  /** the first instant at which it no longer counts (indexed with status for the expiry job) */
  endsAt: Date;
  used: CouponUse | null;
  /** undone verifications, oldest first */
  undone?: { use: CouponUse; at: Date; by: string; undoId: string }[];
  expiredAt?: Date;
  voidedAt?: Date;
  voidReason?: string;
}

/** `coupon_holdings/<templateId>:<memberId>`: how many of a template a member has been issued (the per-member limit). */
export interface CouponHoldingDoc {
  _id: string;
  templateId: string;
  memberId: string;
  count: number;
  updatedAt: Date;
}

/** `coupon_audit`: every verification and undo (who, where, when). */
export interface CouponAuditDoc {
  _id: string;
  action: 'verify' | 'undo';
  couponId: string;
  memberId: string;
  title: string;
  actor: { openid: string; name: string; role: string; storeId: string | null };
  storeId: string | null;
  storeName: string;
  orderId: string | null;
  at: Date;
}
