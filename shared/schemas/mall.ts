import { z } from 'zod';
import { fen } from './common';

/**
 * The points mall: items (coupon / physical / virtual), their redemption orders. Stock and the
 * per-member limit are counted in the same transaction that spends the points and writes the order.
 */
export const MALL_KINDS = ['coupon', 'physical', 'virtual'] as const;
export type MallKind = (typeof MALL_KINDS)[number];

const id = z.string().min(1).max(64);
const instantText = z.string().datetime({ offset: true });
/** a recharge code (or any code handed out from a virtual item's pool) */
const poolCode = z.string().trim().min(4).max(64);

export const mallItemShape = {
  kind: z.enum(MALL_KINDS),
  title: z.string().trim().min(1).max(40),
  images: z.array(z.string().url().max(500)).max(9).default([]),
  description: z.string().max(1000).default(''),
  pointsPrice: z
    .number()
    .int()
    .min(1)
    .max(10 ** 7),
  /** points + cash: paid at the counter or online outside this system; 0 for points only */
  cashFen: fen.max(10 ** 8).default(0),
  perMemberLimit: z.number().int().min(1).max(100).default(1),
  /** coupon items: the template issued through the coupon issuing path (channel `points_mall`) */
  couponTemplateId: id.nullable().default(null),
  category: z.string().trim().min(1).max(20),
  sortOrder: z.number().int().min(-10000).max(10000).default(0),
  /** on shelf between these instants (null: open) */
  onShelfFrom: instantText.nullable().default(null),
  onShelfTo: instantText.nullable().default(null),
  /** tier ids allowed to redeem (null: every tier) */
  tiers: z.array(id).min(1).max(20).nullable().default(null),
};

export function mallItemIssues(t: {
  kind: MallKind;
  couponTemplateId: string | null;
  onShelfFrom: string | null;
  onShelfTo: string | null;
}): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (t.kind === 'coupon' && !t.couponTemplateId) issues.push({ path: ['couponTemplateId'], message: '优惠券商品需选择券模板' });
  if (t.kind !== 'coupon' && t.couponTemplateId) issues.push({ path: ['couponTemplateId'], message: '只有优惠券商品可关联券模板' });
  if (t.onShelfFrom && t.onShelfTo && t.onShelfFrom >= t.onShelfTo) issues.push({ path: ['onShelfTo'], message: '下架时间应晚于上架时间' });
  return issues;
}

export const createItemSchema = z
  .object({
    ...mallItemShape,
    stock: z
      .number()
      .int()
      .min(0)
      .max(10 ** 7),
    /** virtual items: the pool of codes, one per unit (the stock is their number) */
    codes: z.array(poolCode).max(5000).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const i of mallItemIssues(t)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: i.path, message: i.message });
    if (t.kind === 'virtual' && t.codes.length !== t.stock)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['codes'], message: '虚拟商品的库存应等于导入的兑换码数量' });
    if (t.kind !== 'virtual' && t.codes.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['codes'], message: '只有虚拟商品可导入兑换码' });
    if (new Set(t.codes).size !== t.codes.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['codes'], message: '兑换码重复' });
  });
export type CreateItemInput = z.infer<typeof createItemSchema>;

export const addressSchema = z
  .object({
    name: z.string().trim().min(1).max(20),
    phone: z.string().regex(/^(?:\+86|0086|86)?1\d{10}$/, '手机号格式不正确'),
    region: z.string().trim().min(2).max(60),
    detail: z.string().trim().min(2).max(120),
  })
  .strict();
export type Address = z.infer<typeof addressSchema>;

/** `mall_items/<id>`: `stock` is what is left; `codesLoaded` / `codesIssued` count a virtual item's pool (`mall_codes/<itemId>:<n>`, n from 1). */
export interface MallItemDoc {
  _id: string;
  kind: MallKind;
  title: string;
  images: string[];
  description: string;
  pointsPrice: number;
  cashFen: number;
  perMemberLimit: number;
  couponTemplateId: string | null;
  category: string;
  sortOrder: number;
  onShelfFrom: string | null;
  onShelfTo: string | null;
  tiers: string[] | null;
  stock: number;
  sold: number;
  codesLoaded: number;
  codesIssued: number;
  status: 'on' | 'off';
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type MallOrderStatus = 'paid' | 'shipped' | 'completed' | 'cancelled';

/** A lot the redemption spent from, with its dates: a cancellation gives it back with its original expiry. */
export interface SpentLot {
  id: string;
  amount: number;
  earnedOn: string;
  expiresOn: string;
}

/** `mall_orders/mo-<requestId>`. */
export interface MallOrderDoc {
  _id: string;
  requestId: string;
  memberId: string;
  itemId: string;
  kind: MallKind;
  title: string;
  quantity: number;
  pointsSpent: number;
  cashFen: number;
  status: MallOrderStatus;
  /** ledger entry `redeem:mall:<requestId>` */
  entryId: string;
  spentLots: SpentLot[];
  couponIds: string[];
  /** virtual items: the codes handed out */
  codes: string[];
  /** physical items: AES-256-GCM of the address JSON, and a masked line for lists */
  address: { cipher: string; masked: string } | null;
  shipping: { carrier: string; trackingNo: string; shippedAt: Date; by: string } | null;
  cancelledAt: Date | null;
  refundEntryId: string | null;
  createdAt: Date;
}
