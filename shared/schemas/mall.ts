import { z } from 'zod';
import { businessDate, fen } from './common';

/**
 * The points mall: items (coupon / physical / virtual), their redemption orders. Stock and the
 * per-member limit are counted in the same transaction that spends the points and writes the order.
 */
export const MALL_KINDS = ['coupon', 'physical', 'virtual'] as const;
export type MallKind = (typeof MALL_KINDS)[number];

const id = z.string().min(1).max(64);
/** The most an item holds in stock: what create accepts, and what a restock may bring it to. */
export const MALL_STOCK_CAP = 10 ** 7;
const instantText = z.string().datetime({ offset: true });
const count = z.number().int().nonnegative();
/** a recharge code (or any code handed out from a virtual item's pool) */
const poolCode = z.string().trim().min(4).max(64);

export const mallItemShape = {
  kind: z.enum(MALL_KINDS).describe('商品类型'),
  title: z.string().trim().min(1).max(40).describe('名称'),
  /** https or a cloud file id only: a `javascript:` or `data:` URL in an <Image src> is a script or a payload */
  images: z
    .array(
      z
        .string()
        .max(500)
        .regex(/^(https:\/\/[^\s]+|cloud:\/\/[^\s]+)$/i, '图片地址应为 https:// 或 cloud:// 开头'),
    )
    .max(9)
    .default([])
    .describe('商品图片'),
  description: z.string().max(1000).default('').describe('商品详情'),
  pointsPrice: z
    .number()
    .int()
    .min(1)
    .max(10 ** 7)
    .describe('积分'),
  /** points + cash: paid at the counter or online outside this system; 0 for points only */
  cashFen: fen
    .max(10 ** 8)
    .default(0)
    .describe('加价金额'),
  perMemberLimit: z.number().int().min(1).max(100).default(1).describe('每人限兑'),
  /** coupon items: the template issued through the coupon issuing path (channel `points_mall`) */
  couponTemplateId: id.nullable().default(null).describe('券模板'),
  category: z.string().trim().min(1).max(20).describe('分类'),
  sortOrder: z.number().int().min(-10000).max(10000).default(0).describe('排序'),
  /** on shelf between these instants (null: open) */
  onShelfFrom: instantText.nullable().default(null).describe('上架时间'),
  onShelfTo: instantText.nullable().default(null).describe('下架时间'),
  /** tier ids allowed to redeem (null: every tier) */
  tiers: z.array(id).min(1).max(20).nullable().default(null).describe('可兑换等级'),
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
    stock: z.number().int().min(0).max(MALL_STOCK_CAP).describe('库存'),
    /** virtual items: the pool of codes, one per unit (the stock is their number) */
    codes: z.array(poolCode).max(5000).default([]).describe('兑换码'),
  })
  .strict()
  .superRefine((t, ctx) => {
    for (const i of mallItemIssues(t)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: i.path, message: i.message });
    if (t.kind === 'virtual' && t.codes.length !== t.stock)
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['codes'], message: '虚拟商品的库存应等于导入的兑换码数量' });
    if (t.kind !== 'virtual' && t.codes.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['codes'], message: '只有虚拟商品可导入兑换码' });
    if (new Set(t.codes).size !== t.codes.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['codes'], message: '兑换码重复' });
  });

export const addressSchema = z
  .object({
    name: z.string().trim().min(1).max(20).describe('收货人'),
    phone: z
      .string()
      .regex(/^(?:\+86|0086|86)?1\d{10}$/, '手机号格式不正确')
      .describe('手机号'),
    /** 省 市 区 as chosen from the region picker, space-separated */
    region: z.string().trim().min(2).max(60).describe('所在地区'),
    detail: z.string().trim().min(2).max(120).describe('详细地址'),
  })
  .strict();
export type Address = z.infer<typeof addressSchema>;

/** `mall_items/<id>`: `stock` is what is left; `codesLoaded` / `codesIssued` count a virtual item's pool (`mall_codes/<itemId>:<n>`, n from 1). */
export const mallItemDocSchema = z
  .object({
    _id: z.string(),
    kind: z.enum(MALL_KINDS),
    title: z.string(),
    images: z.array(z.string()),
    description: z.string(),
    pointsPrice: z.number().int().positive(),
    cashFen: fen,
    perMemberLimit: z.number().int().positive(),
    couponTemplateId: z.string().nullable(),
    category: z.string(),
    sortOrder: z.number().int(),
    onShelfFrom: instantText.nullable(),
    onShelfTo: instantText.nullable(),
    tiers: z.array(z.string()).nullable(),
    stock: count,
    sold: count,
    codesLoaded: count,
    codesIssued: count,
    status: z.enum(['on', 'off']),
    version: z.number().int().positive(),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .strict();
export type MallItemDoc = z.infer<typeof mallItemDocSchema>;

/** `mall_codes/<itemId>:<n>`: one code of a virtual item's pool, handed out in order. */
export const mallCodeDocSchema = z.object({ _id: z.string(), itemId: z.string(), code: z.string() }).strict();

/** `mall_holdings/<itemId>:<memberId>`: how many of an item a member redeemed (the per-member limit). */
export const mallHoldingDocSchema = z.object({ _id: z.string(), itemId: z.string(), memberId: z.string(), count, updatedAt: z.date() }).strict();

export const MALL_ORDER_STATUSES = ['paid', 'shipped', 'completed', 'cancelled'] as const;
export type MallOrderStatus = (typeof MALL_ORDER_STATUSES)[number];

/** A lot the redemption spent from, with its dates: a cancellation gives it back with its original expiry. */
export const spentLotSchema = z.object({ id: z.string(), amount: z.number().int().positive(), earnedOn: businessDate, expiresOn: businessDate }).strict();
export type SpentLot = z.infer<typeof spentLotSchema>;

/** `mall_orders/mo-<requestId>`. */
export const mallOrderDocSchema = z
  .object({
    _id: z.string(),
    requestId: z.string(),
    memberId: z.string(),
    itemId: z.string(),
    kind: z.enum(MALL_KINDS),
    title: z.string(),
    quantity: z.number().int().positive(),
    pointsSpent: count,
    cashFen: fen,
    status: z.enum(MALL_ORDER_STATUSES),
    /** ledger entry `redeem:mall:<requestId>` */
    entryId: z.string(),
    spentLots: z.array(spentLotSchema),
    couponIds: z.array(z.string()),
    /** virtual items: the codes handed out */
    codes: z.array(z.string()),
    /** physical items: AES-256-GCM of the address JSON, and a masked line for lists */
    address: z.object({ cipher: z.string(), masked: z.string() }).strict().nullable(),
    shipping: z.object({ carrier: z.string(), trackingNo: z.string(), shippedAt: z.date(), by: z.string() }).strict().nullable(),
    cancelledAt: z.date().nullable(),
    refundEntryId: z.string().nullable(),
    createdAt: z.date(),
  })
  .strict();
export type MallOrderDoc = z.infer<typeof mallOrderDocSchema>;
