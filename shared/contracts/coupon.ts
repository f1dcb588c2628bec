import { z } from 'zod';
import { act, MERCHANT_ONLY } from '../contract';
import { labelRequests } from '../validation';
import {
  templateInputSchema,
  templateIssues,
  templateTermsShape,
  type CouponChannel,
  type CouponKind,
  type CouponStatus,
  type Validity,
} from '../schemas/coupon';
import type { JobRunState } from '../schemas/jobs';
import { fen } from '../schemas/common';

const id = z.string().min(1).max(64);
const requestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'requestId 应为 8–64 位字母数字');
/** the QR token or the 24 digits (spaces removed by the client; tolerated here) */
const code = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(c1\.[0-9A-Za-z._-]+|[\d\s]{24,40})$/, '券码格式不正确');

/** A template as the merchant's console lists it. */
export interface CouponTemplateView {
  templateId: string;
  version: number;
  title: string;
  description: string;
  kind: CouponKind;
  thresholdFen: number;
  valueFen: number;
  discountPercent: number | null;
  maxDiscountFen: number | null;
  validity: Validity;
  stock: number;
  issued: number;
  remaining: number;
  perMemberLimit: number;
  storeIds: string[] | null;
  channels: CouponChannel[];
  stackable: boolean;
  newMemberGift: boolean;
  status: 'active' | 'paused';
  face: string;
  conditions: string[];
  updatedAt: string;
}

/** A template in the 领券中心, with what the caller already holds of it. */
export interface ClaimableTemplate {
  templateId: string;
  title: string;
  description: string;
  kind: CouponKind;
  face: string;
  conditions: string[];
  validity: Validity;
  remaining: number;
  perMemberLimit: number;
  claimed: number;
  /** claimable now by this member */
  canClaim: boolean;
}

export interface CouponView {
  couponId: string;
  templateId: string;
  title: string;
  description: string;
  kind: CouponKind;
  face: string;
  conditions: string[];
  /** as read now: an unused coupon past its end is `expired` */
  status: CouponStatus;
  /** ends within 3 days */
  expiringSoon: boolean;
  issuedAt: string;
  startsAt: string;
  endsAt: string;
  channel: CouponChannel;
  used: { at: string; storeName: string; orderId: string | null } | null;
}

export interface CouponCode {
  /** the QR token */
  code: string;
  /** 24 digits for the barcode and for typing at the till */
  digits: string;
  /** a scan after this is refused (COUPON_CODE_EXPIRED) */
  expiresAt: string;
  /** when the client should show the next code */
  refreshAt: string;
  periodMs: number;
}

/** What the till sees of a scanned coupon: its terms, whether it can be used here, the member masked. */
export interface InspectedCoupon {
  coupon: CouponView;
  /** the order amount (fen) the coupon needs (0: none): the till asks the amount and the server checks it */
  thresholdFen: number;
  member: { memberId: string; cardNo: string; nickname: string; phoneMasked: string | null };
  /** why it cannot be verified here and now (null: it can) */
  refusal: { code: string; message: string } | null;
}

/** What a verification answers (also to a replay of it). */
export interface VerificationResult {
  couponId: string;
  verifiedAt: string;
  storeName: string;
  title: string;
  /** the amount the threshold was checked against; null when the caller sent none */
  orderAmountFen: number | null;
  /** what the coupon takes off that amount; null when no amount was sent */
  discountFen: number | null;
}

export interface VerificationView {
  auditId: string;
  action: 'verify' | 'undo';
  couponId: string;
  memberId: string;
  title: string;
  staffName: string;
  storeName: string;
  orderId: string | null;
  /** verify: the order's amount entered at the till (null: not given) */
  orderAmountFen: number | null;
  at: string;
  /** a verification not undone since */
  active: boolean;
  /** the caller may undo it now (merchant or store manager, within 10 minutes) */
  canUndo: boolean;
}

export type CouponExpiryRun = JobRunState & { day: string; expired: number };

interface GrantResult {
  results: { memberId: string; couponId: string | null; code: string | null; duplicate: boolean }[];
  issued: number;
}

const couponRequests = {
  createTemplate: templateInputSchema,
  updateTemplate: z
    .object({ templateId: id, expectedVersion: z.number().int().min(1), status: z.enum(['active', 'paused']).default('active'), ...templateTermsShape })
    .strict()
    .superRefine((t, ctx) => {
      for (const i of templateIssues(t)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: i.path, message: i.message });
    }),
  listTemplates: z.object({}).strict(),
  grant: z.object({ templateId: id, memberIds: z.array(id).min(1).max(100), requestId }).strict(),
  claimable: z.object({}).strict(),
  claim: z.object({ templateId: id, requestId }).strict(),
  listMine: z.object({ status: z.enum(['unused', 'used', 'expired']).default('unused') }).strict(),
  getMine: z.object({ couponId: id }).strict(),
  summary: z.object({}).strict(),
  getCode: z.object({ couponId: id }).strict(),
  inspect: z.object({ code, storeId: id.optional() }).strict(),
  // requestId: the till's id for this scan, kept across its retries; a retry of a verification that
  // committed (its answer lost) then answers the verification, not COUPON_ALREADY_USED.
  // orderAmountFen: the order's amount (fen) the coupon's threshold (满100) is checked against.
  // Optional so callers from before it keep working (unchecked then); the till always sends it.
  verify: z
    .object({
      code,
      storeId: id.optional(),
      orderId: z.string().min(1).max(64).optional(),
      orderAmountFen: fen.max(10 ** 10).optional(),
      requestId: requestId.optional(),
    })
    .strict(),
  undoVerify: z.object({ couponId: id }).strict(),
  myVerifications: z.object({}).strict(),
  auditLog: z.object({ limit: z.number().int().min(1).max(100).default(50), before: z.string().datetime().optional() }).strict(),
} as const;

// The fields as the merchant's 优惠券 section and the till name them (shared/validation.ts: fieldLabel).
labelRequests(couponRequests, {
  templateId: '优惠券',
  expectedVersion: '当前版本',
  status: '状态',
  title: '名称',
  description: '使用说明',
  kind: '券类型',
  thresholdFen: '门槛（元）',
  valueFen: '面额（元）',
  discountPercent: '折扣',
  maxDiscountFen: '最多优惠金额',
  validity: '有效期',
  type: '有效期类型',
  from: '开始日期',
  to: '结束日期',
  days: '有效天数',
  stock: '库存',
  perMemberLimit: '每人限领',
  storeIds: '适用门店',
  channels: '发放渠道',
  stackable: '可叠加使用',
  newMemberGift: '新人礼',
  memberIds: '会员卡号',
  requestId: '操作编号',
  couponId: '优惠券',
  code: '券码',
  storeId: '门店',
  orderId: '关联订单',
  limit: '条数',
  before: '查询时间',
});

export const couponContract = {
  // merchant
  createTemplate: act(couponRequests.createTemplate, MERCHANT_ONLY).returns<{ templateId: string; version: number }>(),
  updateTemplate: act(couponRequests.updateTemplate, MERCHANT_ONLY).returns<{ templateId: string; version: number }>(),
  listTemplates: act(couponRequests.listTemplates, MERCHANT_ONLY).returns<{ templates: CouponTemplateView[] }>(),
  grant: act(couponRequests.grant, MERCHANT_ONLY).returns<GrantResult>(),
  auditLog: act(couponRequests.auditLog, MERCHANT_ONLY).returns<{ entries: VerificationView[] }>(),
  // consumer
  claimable: act(couponRequests.claimable).returns<{ templates: ClaimableTemplate[] }>(),
  claim: act(couponRequests.claim).returns<{ couponId: string; duplicate: boolean }>(),
  listMine: act(couponRequests.listMine).returns<{ coupons: CouponView[] }>(),
  getMine: act(couponRequests.getMine).returns<CouponView>(),
  summary: act(couponRequests.summary).returns<{ unused: number; expiringSoon: number }>(),
  getCode: act(couponRequests.getCode).returns<CouponCode>(),
  // staff (own store) and merchant
  inspect: act(couponRequests.inspect).returns<InspectedCoupon>(),
  verify: act(couponRequests.verify).returns<VerificationResult>(),
  undoVerify: act(couponRequests.undoVerify).returns<{ couponId: string; status: CouponStatus; undoneAt: string }>(),
  myVerifications: act(couponRequests.myVerifications).returns<{ day: string; entries: VerificationView[] }>(),
};
