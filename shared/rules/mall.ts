/**
 * The points mall's pure rules: when an item may be redeemed, and which lots a redemption spent from.
 * A cancellation gives the points back through the ledger's restore path (shared/rules/lots.ts
 * `restore`): every lot with its ORIGINAL dates, and a lot whose expiry passed meanwhile comes back
 * expired at once, never spendable.
 */
import { z } from 'zod';
import type { ErrorCode } from '../errors';
import type { MemberDoc } from '../schemas/member';
import { memberPointsSchema, type MemberPoints } from '../schemas/points';
import { addressSchema, mallItemDocSchema, mallOrderDocSchema, type Address, type MallItemDoc, type MallOrderDoc, type SpentLot } from '../schemas/mall';
import { businessDate } from '../calendar';
import { restore, spend } from './lots';
import { entryDraftSchema } from './order';

type Unavailable = 'off_shelf' | 'not_yet' | 'ended' | 'tier';

/** Why an item cannot be redeemed by a member of `tierId` at `now` (null: it can). */
export function unavailableReason(item: Pick<MallItemDoc, 'status' | 'onShelfFrom' | 'onShelfTo' | 'tiers'>, tierId: string, now: Date): Unavailable | null {
  if (item.status !== 'on') return 'off_shelf';
  if (item.onShelfFrom && now.getTime() < new Date(item.onShelfFrom).getTime()) return 'not_yet';
  if (item.onShelfTo && now.getTime() >= new Date(item.onShelfTo).getTime()) return 'ended';
  if (item.tiers && !item.tiers.includes(tierId)) return 'tier';
  return null;
}

export const UNAVAILABLE_TEXT: Record<Unavailable, string> = {
  off_shelf: '商品已下架',
  not_yet: '商品尚未上架',
  ended: '兑换已结束',
  tier: '当前会员等级不可兑换',
};

/** The lots a spend took, with their dates, from the points before the spend and `consumed`. */
function spentLots(before: MemberPoints, consumed: { id: string; amount: number }[]): SpentLot[] {
  return consumed.map((c) => {
    const lot = before.lots.find((l) => l.id === c.id);
    if (!lot) throw new Error(`spent lot ${c.id} not found`);
    return { id: c.id, amount: c.amount, earnedOn: lot.earnedOn, expiresOn: lot.expiresOn };
  });
}

/** A refusal: nothing is written, the code (and, where the member is told why, the text) is answered. */
const mallRefusalSchema = z
  .object({
    kind: z.literal('refused'),
    code: z.enum([
      'MEMBER_NOT_FOUND',
      'MALL_ITEM_UNAVAILABLE',
      'VALIDATION_FAILED',
      'MALL_OUT_OF_STOCK',
      'MALL_LIMIT_REACHED',
      'POINTS_INSUFFICIENT',
    ] as const satisfies readonly ErrorCode[]),
    message: z.string().optional(),
  })
  .strict();
type MallRefusal = z.infer<typeof mallRefusalSchema>;

const mallRedemptionSchema = z
  .object({
    kind: z.literal('redeem'),
    /** the member's points after the spend, and the entry that explains them */
    points: memberPointsSchema,
    entry: entryDraftSchema,
    /** coupon items: one coupon per unit, keyed `mall:<orderId>:<n>` */
    coupons: z
      .object({ templateId: z.string(), keys: z.array(z.string()) })
      .strict()
      .nullable(),
    /** virtual items: the pool slots handed out (`mall_codes/<id>`), in order; a missing one is out of stock */
    codeSlots: z.array(z.string()),
    item: mallItemDocSchema.pick({ stock: true, sold: true, codesIssued: true }),
    holdingCount: z.number().int().positive(),
    /** the order, its coupons and codes filled in by the write */
    order: mallOrderDocSchema.omit({ couponIds: true, codes: true }),
  })
  .strict();
export type MallRedemption = z.infer<typeof mallRedemptionSchema>;
export const mallRedemptionDecisionSchema = z.discriminatedUnion('kind', [mallRefusalSchema, mallRedemptionSchema]);
type MallRedemptionDecision = z.infer<typeof mallRedemptionDecisionSchema>;

export interface MallRedemptionInput {
  requestId: string;
  quantity: number;
  /** the address as stored (encrypted and masked by the caller), null when none was given */
  address: MallOrderDoc['address'];
  item: MallItemDoc;
  member: Pick<MemberDoc, '_id' | 'tierId' | 'deletedAt' | 'erasureBegunAt'>;
  points: MemberPoints;
  /** how many of this item the member already redeemed */
  held: number;
  now: Date;
}

/**
 * The refusals that need neither the member's holding nor their points (erasure, shelf, address,
 * stock): part of the decision, and asked first by the caller so a refused redemption reads no holding.
 */
export function itemRefusal(input: Pick<MallRedemptionInput, 'item' | 'member' | 'quantity' | 'address' | 'now'>): MallRefusal | null {
  const { item, member } = input;
  // Erasure begun: nothing more is issued.
  if (member.deletedAt || member.erasureBegunAt) return { kind: 'refused', code: 'MEMBER_NOT_FOUND' };
  const reason = unavailableReason(item, member.tierId, input.now);
  if (reason) return { kind: 'refused', code: 'MALL_ITEM_UNAVAILABLE', message: UNAVAILABLE_TEXT[reason] };
  if (item.kind === 'physical' && !input.address) return { kind: 'refused', code: 'VALIDATION_FAILED', message: '实物商品需填写收货地址' };
  if (item.stock < input.quantity) return { kind: 'refused', code: 'MALL_OUT_OF_STOCK' };
  return null;
}

/**
 * One redemption decided: the checks in the order the member is told about them (erasure, shelf,
 * address, stock, limit, points), then the spend from the lots that expire first, the item's stock,
 * the member's holding and the order. The order id is `mo-<requestId>`, the entry `redeem:mall:<requestId>`.
 */
export function decideMallRedemption(input: MallRedemptionInput): MallRedemptionDecision {
  const { item, member, quantity, requestId, now } = input;
  const early = itemRefusal(input);
  if (early) return early;
  if (input.held + quantity > item.perMemberLimit) return { kind: 'refused', code: 'MALL_LIMIT_REACHED' };
  const pointsSpent = item.pointsPrice * quantity;
  if (input.points.available < pointsSpent)
    return { kind: 'refused', code: 'POINTS_INSUFFICIENT', message: `积分不足（可用 ${input.points.available}，需要 ${pointsSpent}）` };

  const orderId = `mo-${requestId}`;
  const entryId = `redeem:mall:${requestId}`;
  const r = spend(input.points, pointsSpent);
  const units = Array.from({ length: quantity }, (_, i) => i + 1);
  const codeSlots = item.kind === 'virtual' ? units.map((n) => `${item._id}:${item.codesIssued + n}`) : [];
  return {
    kind: 'redeem',
    points: r.points,
    entry: {
      id: entryId,
      kind: 'spend',
      movement: r.movement,
      reason: `积分兑换：${item.title}${quantity > 1 ? ` ×${quantity}` : ''}`,
      ref: { type: 'mall', id: orderId },
    },
    coupons: item.kind === 'coupon' && item.couponTemplateId ? { templateId: item.couponTemplateId, keys: units.map((n) => `mall:${orderId}:${n}`) } : null,
    codeSlots,
    item: { stock: item.stock - quantity, sold: item.sold + quantity, codesIssued: item.codesIssued + codeSlots.length },
    holdingCount: input.held + quantity,
    order: {
      _id: orderId,
      requestId,
      memberId: member._id,
      itemId: item._id,
      kind: item.kind,
      title: item.title,
      quantity,
      pointsSpent,
      cashFen: item.cashFen * quantity,
      status: item.kind === 'physical' ? 'paid' : 'completed',
      entryId,
      spentLots: spentLots(input.points, r.consumed),
      address: item.kind === 'physical' ? input.address : null,
      shipping: null,
      cancelledAt: null,
      refundEntryId: null,
      createdAt: now,
    },
  };
}

const cancelRefusalSchema = z.object({ kind: z.literal('refused'), code: z.literal('MALL_ORDER_NOT_CANCELLABLE') }).strict();
const cancelReplaySchema = z.object({ kind: z.literal('duplicate') }).strict();
const mallCancelSchema = z
  .object({
    kind: z.literal('cancel'),
    /** null: the refund entry is already recorded, the points stay as they are */
    points: memberPointsSchema.nullable(),
    /** the restoring entry, then an `expire:<lotId>` entry per lot whose expiry passed since the spend */
    entries: z.array(entryDraftSchema),
    /** null: the item (or the holding) is gone, nothing to give back to it */
    item: mallItemDocSchema.pick({ stock: true, sold: true }).nullable(),
    holdingCount: z.number().int().nonnegative().nullable(),
    refundEntryId: z.string(),
  })
  .strict();
export const mallCancelDecisionSchema = z.discriminatedUnion('kind', [cancelRefusalSchema, cancelReplaySchema, mallCancelSchema]);
type MallCancelDecision = z.infer<typeof mallCancelDecisionSchema>;

/** Whether an order may be cancelled, from the order alone (asked before the item and holding are read). */
export function cancelRefusal(order: Pick<MallOrderDoc, 'kind' | 'status'>): z.infer<typeof cancelRefusalSchema> | z.infer<typeof cancelReplaySchema> | null {
  if (order.status === 'cancelled') return { kind: 'duplicate' };
  // A coupon or a code, once handed out, cannot be taken back; a shipped parcel neither.
  if (order.kind !== 'physical' || order.status !== 'paid') return { kind: 'refused', code: 'MALL_ORDER_NOT_CANCELLABLE' };
  return null;
}

interface MallCancelInput {
  order: MallOrderDoc;
  points: MemberPoints;
  item: Pick<MallItemDoc, 'stock' | 'sold'> | null;
  holding: { count: number } | null;
  /** the refund entry `refund:mall:<orderId>` is already in the ledger */
  refundRecorded: boolean;
  now: Date;
}

/**
 * A cancellation decided: exactly the order's points come back (every lot with its ORIGINAL dates,
 * shared/rules/lots.ts `restore`; a lot expired meanwhile comes back expired), exactly its stock, and
 * the member's limit is freed.
 */
export function decideMallCancel(input: MallCancelInput): MallCancelDecision {
  const { order, item, holding } = input;
  const early = cancelRefusal(order);
  if (early) return early;
  const refundEntryId = `refund:mall:${order._id}`;
  let points: MemberPoints | null = null;
  const entries: z.infer<typeof entryDraftSchema>[] = [];
  if (!input.refundRecorded) {
    const r = restore(input.points, order.spentLots, order._id, businessDate(input.now));
    points = r.points;
    entries.push(
      { id: refundEntryId, kind: 'refund', movement: r.movement, reason: `取消兑换：${order.title}`, ref: { type: 'mall', id: order._id } },
      ...r.expired.map(({ lot, movement }) => ({
        id: `expire:${lot.id}`,
        kind: 'expire' as const,
        movement,
        reason: `积分过期（${lot.earnedOn} 获得，取消兑换时已过期）`,
        ref: { type: 'lot', id: lot.id },
      })),
    );
  }
  return {
    kind: 'cancel',
    points,
    entries,
    item: item ? { stock: item.stock + order.quantity, sold: Math.max(0, item.sold - order.quantity) } : null,
    holdingCount: holding ? Math.max(0, holding.count - order.quantity) : null,
    refundEntryId,
  };
}

// ------------------------------------------------------------------ item pictures

/**
 * The largest item picture the mall keeps: 2 MB. A picture is shown as a thumbnail on a 390 px
 * phone screen and at most 750 px wide on the item page, where a good JPEG is 100–300 kB; the mall
 * list loads one per item over a phone's network, and the function downloads each new picture to
 * check it within its time budget. `chooseImage`'s compressed photos stay well under it.
 */
export const MALL_IMAGE_MAX_BYTES = 2 * 1024 * 1024;

type MallImageType = 'jpeg' | 'png' | 'webp';

/**
 * The picture's type from its first bytes (its magic number), not from its name or a declared MIME
 * type, which the uploader chooses: JPEG `FF D8 FF`, PNG `89 50 4E 47 0D 0A 1A 0A`, WebP `RIFF….WEBP`.
 */
export function sniffImageType(head: Uint8Array): MallImageType | null {
  const at = (i: number, bytes: number[]) => bytes.every((b, k) => head[i + k] === b);
  if (at(0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (at(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (at(0, [0x52, 0x49, 0x46, 0x46]) && at(8, [0x57, 0x45, 0x42, 0x50])) return 'webp';
  return null;
}

/** Why an uploaded picture may not be an item's (null: it may): its type first, then its size. */
export function imageRefusal(file: { head: Uint8Array; sizeBytes: number }): 'MALL_IMAGE_TYPE' | 'MALL_IMAGE_TOO_LARGE' | null {
  if (sniffImageType(file.head) === null) return 'MALL_IMAGE_TYPE';
  if (file.sizeBytes > MALL_IMAGE_MAX_BYTES) return 'MALL_IMAGE_TOO_LARGE';
  return null;
}

// ------------------------------------------------------------------ the shipping address

/** A field's name as the form calls it: the schema's own label (`.describe('收货人')`), which the server's messages use too. */
export const addressLabel = (key: keyof Address): string => addressSchema.shape[key].description ?? key;

/**
 * The first thing wrong with a shipping address, naming the field as the form does ("收货人不能为空",
 * "详细地址至少需要 2 个字"), so the page can say it before the request leaves the phone; null when
 * the server will take it.
 */
export function addressProblem(address: Address): string | null {
  const parsed = addressSchema.safeParse(address);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const label = addressLabel(issue.path[0] as keyof Address);
  if (issue.code === z.ZodIssueCode.too_small) return Number(issue.minimum) <= 1 ? `${label}不能为空` : `${label}至少需要 ${issue.minimum} 个字`;
  if (issue.code === z.ZodIssueCode.too_big) return `${label}不能超过 ${issue.maximum} 个字`;
  // A message written in the schema ("手机号格式不正确") names its field already.
  if (issue.code === z.ZodIssueCode.invalid_string && issue.validation === 'regex') return issue.message;
  return `${label}格式不正确`;
}

const shipRefusalSchema = z.object({ kind: z.literal('refused'), code: z.literal('VALIDATION_FAILED'), message: z.string() }).strict();
const shipReplaySchema = z.object({ kind: z.literal('duplicate') }).strict();
const mallShipSchema = z.object({ kind: z.literal('ship'), shipping: mallOrderDocSchema.shape.shipping.unwrap() }).strict();
export const mallShipDecisionSchema = z.discriminatedUnion('kind', [shipRefusalSchema, shipReplaySchema, mallShipSchema]);
type MallShipDecision = z.infer<typeof mallShipDecisionSchema>;

interface MallShipInput {
  order: Pick<MallOrderDoc, 'kind' | 'status' | 'shipping'>;
  carrier: string;
  trackingNo: string;
  /** who shipped it (the merchant's OPENID) */
  by: string;
  now: Date;
}

/**
 * Shipping a physical order that is paid: the parcel's carrier and tracking number, once. The same
 * shipment again is a replay (answered as it stands, nothing written); a different one, a cancelled
 * order, or an order with nothing to ship is refused.
 */
export function decideMallShip({ order, carrier, trackingNo, by, now }: MallShipInput): MallShipDecision {
  if (order.status === 'shipped' && order.shipping?.carrier === carrier && order.shipping.trackingNo === trackingNo) return { kind: 'duplicate' };
  if (order.kind !== 'physical' || order.status !== 'paid')
    return { kind: 'refused', code: 'VALIDATION_FAILED', message: order.status === 'cancelled' ? '订单已取消' : '订单不需要发货或已发货' };
  return { kind: 'ship', shipping: { carrier, trackingNo, shippedAt: now, by } };
}
