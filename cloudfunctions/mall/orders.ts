import { AppError } from '../../shared/errors';
import type { MallItemView, MallOrderView, MallShelfItem } from '../../shared/contracts/mall';
import type { Address, MallItemDoc, MallOrderDoc } from '../../shared/schemas/mall';
import type { MemberDoc } from '../../shared/schemas/member';
import {
  cancelRefusal,
  decideMallCancel,
  decideMallRedemption,
  decideMallShip,
  itemRefusal,
  unavailableReason,
  UNAVAILABLE_TEXT,
  type MallRedemption,
} from '../../shared/rules/mall';
import { database } from '../_lib/platform/cloud';
import { txGet, type Tx } from '../_lib/platform/db';
import { commitPoints, memberPoints, txEntry, txMember } from '../_lib/points';
import { inKeyedTransaction, issueCoupon } from '../_lib/coupons';
import { decryptText, encryptText, maskPhone } from '../_lib/platform/pii';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toItemView(i: MallItemDoc): MallItemView {
  return {
    itemId: i._id,
    kind: i.kind,
    title: i.title,
    images: i.images,
    description: i.description,
    pointsPrice: i.pointsPrice,
    cashFen: i.cashFen,
    stock: i.stock,
    sold: i.sold,
    perMemberLimit: i.perMemberLimit,
    category: i.category,
    sortOrder: i.sortOrder,
    couponTemplateId: i.couponTemplateId,
    onShelfFrom: i.onShelfFrom,
    onShelfTo: i.onShelfTo,
    tiers: i.tiers,
    status: i.status,
    version: i.version,
  };
}

export function toShelfItem(i: MallItemDoc, member: MemberDoc, redeemed: number, now: Date): MallShelfItem {
  const reason = unavailableReason(i, member.tierId, now);
  return {
    ...toItemView(i),
    affordable: memberPoints(member).available >= i.pointsPrice,
    left: Math.max(0, i.perMemberLimit - redeemed),
    unavailable: reason ? UNAVAILABLE_TEXT[reason] : i.stock <= 0 ? '已兑完' : null,
  };
}

/** An order as its member or the merchant sees it (the address decrypted for them only). */
export function toOrderView(o: MallOrderDoc, withAddress: boolean): MallOrderView {
  return {
    orderId: o._id,
    itemId: o.itemId,
    kind: o.kind,
    title: o.title,
    quantity: o.quantity,
    pointsSpent: o.pointsSpent,
    cashFen: o.cashFen,
    status: o.status,
    couponIds: o.couponIds,
    codes: o.codes,
    address: withAddress && o.address ? (JSON.parse(decryptText(o.address.cipher)) as Address) : null,
    addressMasked: o.address?.masked ?? null,
    shipping: o.shipping ? { carrier: o.shipping.carrier, trackingNo: o.shipping.trackingNo, shippedAt: new Date(o.shipping.shippedAt).toISOString() } : null,
    createdAt: new Date(o.createdAt).toISOString(),
    cancelledAt: iso(o.cancelledAt),
    memberId: o.memberId,
  };
}

export const orderIdOf = (requestId: string) => `mo-${requestId}`;
const holdingId = (itemId: string, memberId: string) => `${itemId}:${memberId}`;

interface RedeemRequest {
  memberId: string;
  itemId: string;
  quantity: number;
  requestId: string;
  address?: Address;
  now: Date;
}

/**
 * One redemption in ONE transaction: read the order (a replay), the item, the member and their
 * holding; decide (shared/rules/mall.ts `decideMallRedemption`: the item's stock, the member's limit,
 * the points from the lots that expire first, the order); write the decision (`writeRedemption`).
 * Idempotent on the request id: a retry answers the order.
 */
export async function redeem(req: RedeemRequest) {
  const orderId = orderIdOf(req.requestId);
  const address = req.address
    ? { cipher: encryptText(JSON.stringify(req.address)), masked: `${req.address.name.slice(0, 1)}* ${maskPhone(req.address.phone)} ${req.address.region}` }
    : null;
  // Every redemption of an item updates its stock: this instance's redemptions of one item (a flash
  // sale) take turns rather than collide on it.
  const itemTurn = { key: `mall_item:${req.itemId}` };
  return inKeyedTransaction(async (tx) => {
    const prior = await txGet<MallOrderDoc>(tx, 'mall_orders', orderId);
    if (prior) {
      if (prior.memberId !== req.memberId || prior.itemId !== req.itemId || prior.quantity !== req.quantity) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      const m = await txMember(tx, req.memberId);
      return { order: { ...prior, _id: orderId }, balanceAfter: memberPoints(m).available, duplicate: true };
    }
    const item = await txGet<MallItemDoc>(tx, 'mall_items', req.itemId);
    if (!item) throw new AppError('NOT_FOUND', '商品不存在');
    const member = await txMember(tx, req.memberId);
    const asked = { requestId: req.requestId, quantity: req.quantity, address, item, member, now: req.now };
    // The refusals that need no holding first: a refused redemption reads no more than it did.
    const early = itemRefusal(asked);
    if (early) throw new AppError(early.code, early.message);
    const holding = await txGet<{ count: number }>(tx, 'mall_holdings', holdingId(item._id, member._id));
    const d = decideMallRedemption({ ...asked, points: memberPoints(member), held: holding?.count ?? 0 });
    if (d.kind === 'refused') throw new AppError(d.code, d.message);
    return writeRedemption(tx, member, d, req.now);
  }, itemTurn);
}

/**
 * Writes a decided redemption (the ledger write makes this transaction conflict with an erasure's
 * marking): the points and their entry, the coupons through the coupon issuing path, the pool's
 * codes, the item's stock, the member's holding and the order.
 */
async function writeRedemption(tx: Tx, member: MemberDoc, d: MallRedemption, now: Date) {
  const [entry] = await commitPoints(tx, member, d.points, [d.entry], now);
  const couponIds: string[] = [];
  if (d.coupons)
    for (const key of d.coupons.keys) {
      const r = await issueCoupon({ templateId: d.coupons.templateId, memberId: member._id, key, channel: 'points_mall', now }, tx);
      couponIds.push(r.couponId);
    }
  const codes: string[] = [];
  for (const slot of d.codeSlots) {
    // Read where it is taken (not before deciding): a refused redemption reads no pool slot.
    const code = await txGet<{ code: string }>(tx, 'mall_codes', slot);
    if (!code) throw new AppError('MALL_OUT_OF_STOCK');
    codes.push(code.code);
  }
  await tx.collection('mall_items').doc(d.order.itemId).update({ data: d.item });
  await tx
    .collection('mall_holdings')
    .doc(holdingId(d.order.itemId, member._id))
    .set({ data: { itemId: d.order.itemId, memberId: member._id, count: d.holdingCount, updatedAt: now } });
  const order: MallOrderDoc = { ...d.order, couponIds, codes };
  await tx.collection('mall_orders').add({ data: order });
  return { order, balanceAfter: entry.balanceAfter, duplicate: false };
}

/**
 * Cancelling an order not yet shipped (physical items only: a coupon or a code, once handed out,
 * cannot be taken back): exactly its points come back (ledger `refund:mall:<orderId>`, the lots with
 * their original expiry) and exactly its stock, and the member's limit is freed, in one transaction.
 */
export async function cancel(memberId: string, orderId: string, now: Date) {
  return inKeyedTransaction(async (tx) => {
    const order = await txGet<MallOrderDoc>(tx, 'mall_orders', orderId);
    if (!order || order.memberId !== memberId) throw new AppError('NOT_FOUND', '订单不存在');
    const member = await txMember(tx, memberId);
    const before = memberPoints(member);
    // Asked from the order alone first: a replay or a refusal reads nothing more.
    const early = cancelRefusal(order);
    if (early?.kind === 'duplicate') return { orderId, pointsRefunded: order.pointsSpent, balanceAfter: before.available, duplicate: true };
    if (early) throw new AppError(early.code);
    const item = await txGet<MallItemDoc>(tx, 'mall_items', order.itemId);
    const holding = await txGet<{ count: number }>(tx, 'mall_holdings', holdingId(order.itemId, memberId));
    const refundRecorded = (await txEntry(tx, `refund:mall:${orderId}`)) !== null;
    const d = decideMallCancel({ order: { ...order, _id: orderId }, points: before, item, holding, refundRecorded, now });
    if (d.kind !== 'cancel') throw new AppError('MALL_ORDER_NOT_CANCELLABLE');
    if (d.points) await commitPoints(tx, member, d.points, d.entries, now);
    if (d.item) await tx.collection('mall_items').doc(order.itemId).update({ data: d.item });
    if (d.holdingCount !== null)
      await tx
        .collection('mall_holdings')
        .doc(holdingId(order.itemId, memberId))
        .update({ data: { count: d.holdingCount, updatedAt: now } });
    await tx
      .collection('mall_orders')
      .doc(orderId)
      .update({ data: { status: 'cancelled', cancelledAt: now, refundEntryId: d.refundEntryId } });
    return { orderId, pointsRefunded: order.pointsSpent, balanceAfter: (d.points ?? before).available, duplicate: false };
  });
}

export async function ship(orderId: string, carrier: string, trackingNo: string, by: string, now: Date) {
  return inKeyedTransaction(async (tx) => {
    const order = await txGet<MallOrderDoc>(tx, 'mall_orders', orderId);
    if (!order) throw new AppError('NOT_FOUND', '订单不存在');
    const d = decideMallShip({ order, carrier, trackingNo, by, now });
    if (d.kind === 'duplicate') return { ...order, _id: orderId };
    if (d.kind === 'refused') throw new AppError(d.code, d.message);
    const { shipping } = d;
    await tx
      .collection('mall_orders')
      .doc(orderId)
      .update({ data: { status: 'shipped', shipping: database().command.set(shipping) } });
    return { ...order, _id: orderId, status: 'shipped' as const, shipping };
  });
}
