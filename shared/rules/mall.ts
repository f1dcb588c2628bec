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
import { mallItemDocSchema, mallOrderDocSchema, type MallItemDoc, type MallOrderDoc, type SpentLot } from '../schemas/mall';
import { spend } from './lots';
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
