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

const actorShape = { openid: z.string(), name: z.string(), role: z.string() };

/** What a coupon keeps of its template: later edits of the template never change an issued coupon. */
export const couponTermsSchema = z
  .object({
    title: z.string(),
    description: z.string(),
    kind: z.enum(COUPON_KINDS),
    thresholdFen: fen,
    valueFen: fen,
    discountPercent: z.number().int().min(1).max(99).nullable(),
    maxDiscountFen: fen.nullable(),
    storeIds: z.array(storeId).nullable(),
    stackable: z.boolean(),
  })
  .strict();
export type CouponTerms = z.infer<typeof couponTermsSchema>;

const templateDocShape = {
  ...couponTermsSchema.shape,
  version: z.number().int().positive(),
  validity: validitySchema,
  stock: z.number().int().nonnegative(),
  /** coupons issued so far (never more than `stock`) */
  issued: z.number().int().nonnegative(),
  perMemberLimit: z.number().int().positive(),
  channels: z.array(z.enum(COUPON_CHANNELS)),
  newMemberGift: z.boolean(),
  status: z.enum(['active', 'paused']),
  createdAt: z.date(),
  updatedAt: z.date(),
  updatedBy: z.string(),
};

/** `coupon_templates/<id>`; the version before each edit is kept as `coupon_template_history/<id>@<version>`. */
export const couponTemplateDocSchema = z.object({ _id: z.string(), ...templateDocShape }).strict();
export type CouponTemplateDoc = z.infer<typeof couponTemplateDocSchema>;

/** `coupon_template_history/<templateId>@<version>`: a template as it was before an edit. */
export const couponTemplateHistoryDocSchema = z.object({ _id: z.string(), templateId: z.string(), ...templateDocShape }).strict();

export const COUPON_STATUSES = ['unused', 'used', 'expired', 'void'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

export const couponUseSchema = z
  .object({
    at: z.date(),
    storeId: z.string().nullable(),
    storeName: z.string(),
    staff: z.object(actorShape).strict(),
    orderId: z.string().nullable(),
    /** the order's amount the clerk entered (the threshold was checked against it); absent: not given */
    orderAmountFen: fen.nullable().optional(),
    /** one per verify invocation: a retried verify whose first reply was lost recognises its own write */
    verificationId: z.string(),
  })
  .strict();
export type CouponUse = z.infer<typeof couponUseSchema>;

/** `coupons/<couponNo>`: the `_id` is a 12-digit number derived from the issuing key. */
export const couponDocSchema = z
  .object({
    _id: z.string(),
    templateId: z.string(),
    templateVersion: z.number().int().positive(),
    memberId: z.string(),
    /** the caller's idempotency key (`claim:<requestId>`, `new_member:<memberId>:<templateId>`, …) */
    issueKey: z.string(),
    /** the issuing invocation's token: a retry that finds its own write after a lost reply is not a duplicate */
    issueAttempt: z.string().optional(),
    channel: z.enum(COUPON_CHANNELS),
    status: z.enum(COUPON_STATUSES),
    terms: couponTermsSchema,
    issuedAt: z.date(),
    startsAt: z.date(),
    /** the first instant at which it no longer counts (indexed with status for the expiry job) */
    endsAt: z.date(),
    used: couponUseSchema.nullable(),
    /** undone verifications, oldest first */
    undone: z.array(z.object({ use: couponUseSchema, at: z.date(), by: z.string(), undoId: z.string() }).strict()).optional(),
    expiredAt: z.date().optional(),
    voidedAt: z.date().optional(),
    voidReason: z.string().optional(),
  })
  .strict();
export type CouponDoc = z.infer<typeof couponDocSchema>;

/** `coupon_holdings/<templateId>:<memberId>`: how many of a template a member has been issued (the per-member limit). */
export const couponHoldingDocSchema = z
  .object({ _id: z.string(), templateId: z.string(), memberId: z.string(), count: z.number().int().nonnegative(), updatedAt: z.date() })
  .strict();
export type CouponHoldingDoc = z.infer<typeof couponHoldingDocSchema>;

/** `coupon_audit`: every verification and undo (who, where, when). */
export const couponAuditDocSchema = z
  .object({
    _id: z.string(),
    action: z.enum(['verify', 'undo']),
    couponId: z.string(),
    memberId: z.string(),
    title: z.string(),
    actor: z.object({ ...actorShape, storeId: z.string().nullable() }).strict(),
    storeId: z.string().nullable(),
    storeName: z.string(),
    orderId: z.string().nullable(),
    /** verify: the order's amount the clerk entered, when given */
    orderAmountFen: fen.nullable().optional(),
    at: z.date(),
    /** a verification's defining parameters (platform/idempotency.ts): a reused key is told from a replay */
    fingerprint: z.string().optional(),
  })
  .strict();
export type CouponAuditDoc = z.infer<typeof couponAuditDocSchema>;
