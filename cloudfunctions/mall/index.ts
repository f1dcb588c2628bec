import crypto from 'node:crypto';
import { AppError } from '../../shared/errors';
import { mallContract } from '../../shared/contracts/mall';
import { MALL_STOCK_CAP, type MallItemDoc, type MallOrderDoc } from '../../shared/schemas/mall';
import type { MemberDoc } from '../../shared/schemas/member';
import { createMain, requireOpenid, type ActionContext } from '../_lib/platform/router';
import { requireRole } from '../_lib/platform/auth';
import { database } from '../_lib/platform/cloud';
import { getById, inTransaction, queryDocs, txGet, withRetry } from '../_lib/platform/db';
import { memberPoints } from '../_lib/points';
import { memberByOpenid } from '../_lib/members';
import { cancel, orderIdOf, redeem, ship, toItemView, toOrderView, toShelfItem } from './orders';
import { checkNewImages, imageUrlsOf } from './images';
import { addressSchema } from '../../shared/schemas/mall';

/** How many recent orders the last address is looked for in (coupons and codes carry none). */
const LAST_ADDRESS_LOOKBACK = 20;

const merchant = (ctx: ActionContext) => requireRole(requireOpenid(ctx), ['merchant']);

async function me(ctx: ActionContext): Promise<MemberDoc> {
  // NOT_A_MEMBER before 开卡: the mall shows the 开卡 prompt.
  const m = await memberByOpenid(requireOpenid(ctx));
  return { ...m, points: memberPoints(m) };
}

async function redeemedCounts(memberId: string, itemIds: string[]): Promise<Map<string, number>> {
  if (itemIds.length === 0) return new Map();
  const _ = database().command;
  const docs = await queryDocs<{ _id: string; itemId: string; count: number }>(
    database()
      .collection('mall_holdings')
      .where({ _id: _.in(itemIds.map((i) => `${i}:${memberId}`)) })
      .limit(itemIds.length),
  );
  return new Map(docs.map((d) => [d.itemId, d.count]));
}

async function loadCodes(itemId: string, from: number, codes: string[]) {
  // The pool: `mall_codes/<itemId>:<n>`, n from `from` + 1 (plain writes, re-runnable: same ids, same codes).
  for (const [i, code] of codes.entries())
    await withRetry(
      () =>
        database()
          .collection('mall_codes')
          .doc(`${itemId}:${from + i + 1}`)
          .set({ data: { itemId, code } }) as Promise<unknown>,
    );
}

export const main = createMain(mallContract, {
  // ---------------------------------------------------------------- merchant
  createItem: async (input, ctx) => {
    await merchant(ctx);
    const { codes, ...fields } = input;
    await checkNewImages(fields.images);
    if (fields.kind === 'coupon') {
      const t = await getById<{ channels: string[] }>('coupon_templates', fields.couponTemplateId ?? '');
      if (!t) throw new AppError('VALIDATION_FAILED', '券模板不存在');
      if (!t.channels.includes('points_mall')) throw new AppError('VALIDATION_FAILED', '该券模板未开启「积分商城」渠道');
    }
    const itemId = `item_${crypto.randomBytes(6).toString('hex')}`;
    await loadCodes(itemId, 0, codes);
    const doc: Omit<MallItemDoc, '_id'> = {
      ...fields,
      sold: 0,
      codesLoaded: codes.length,
      codesIssued: 0,
      status: 'on',
      version: 1,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    await withRetry(() => database().collection('mall_items').doc(itemId).set({ data: doc }) as Promise<unknown>);
    return { itemId, version: 1 };
  },

  /** Edit, or take off / put on the shelf (`status`), against the version it was made on. Stock moves only by restock and redemptions. */
  updateItem: async (input, ctx) => {
    await merchant(ctx);
    const { itemId, expectedVersion, ...fields } = input;
    // Pictures new to the item are checked before the transaction (a download inside it would hold
    // the item's lock and be repeated on a retry); those it had were checked when they were added.
    const before = await getById<MallItemDoc>('mall_items', itemId);
    if (!before) throw new AppError('NOT_FOUND', '商品不存在');
    await checkNewImages(fields.images, before.images);
    return inTransaction(async (tx) => {
      const item = await txGet<MallItemDoc>(tx, 'mall_items', itemId);
      if (!item) throw new AppError('NOT_FOUND', '商品不存在');
      if (item.version !== expectedVersion) throw new AppError('MALL_ITEM_VERSION_CONFLICT');
      if (fields.kind !== item.kind) throw new AppError('VALIDATION_FAILED', '商品类型不能修改');
      const _ = database().command;
      await tx
        .collection('mall_items')
        .doc(itemId)
        .update({ data: { ...fields, images: _.set(fields.images), tiers: _.set(fields.tiers), version: item.version + 1, updatedAt: ctx.now } });
      return { itemId, version: item.version + 1 };
    });
  },

  restock: async (input, ctx) => {
    await merchant(ctx);
    const item = await getById<MallItemDoc>('mall_items', input.itemId);
    if (!item) throw new AppError('NOT_FOUND', '商品不存在');
    const codes = input.codes ?? [];
    if (item.kind === 'virtual' ? codes.length === 0 || input.quantity !== undefined : codes.length > 0 || !input.quantity) {
      throw new AppError('VALIDATION_FAILED', item.kind === 'virtual' ? '虚拟商品请导入兑换码' : '请填写补货数量');
    }
    const add = item.kind === 'virtual' ? codes.length : (input.quantity ?? 0);
    // The cap create enforces holds for restocks too (checked again against the stock in the transaction).
    const overCap = (stock: number) => new AppError('VALIDATION_FAILED', `补货后库存不能超过 ${MALL_STOCK_CAP}（现有 ${stock}）`);
    if (item.stock + add > MALL_STOCK_CAP) throw overCap(item.stock);
    // The pool is appended past what is loaded, then the item counts it, in one transaction on the item.
    if (codes.length) await loadCodes(item._id, item.codesLoaded, codes);
    return inTransaction(async (tx) => {
      const now = await txGet<MallItemDoc>(tx, 'mall_items', input.itemId);
      if (!now) throw new AppError('NOT_FOUND', '商品不存在');
      if (now.codesLoaded !== item.codesLoaded) throw new AppError('CONFLICT');
      if (now.stock + add > MALL_STOCK_CAP) throw overCap(now.stock);
      await tx
        .collection('mall_items')
        .doc(item._id)
        .update({ data: { stock: now.stock + add, codesLoaded: now.codesLoaded + codes.length, updatedAt: ctx.now } });
      return { itemId: item._id, stock: now.stock + add };
    });
  },

  adminItems: async (_input, ctx) => {
    await merchant(ctx);
    const items = await queryDocs<MallItemDoc>(database().collection('mall_items').where({}).orderBy('sortOrder', 'asc').limit(500));
    return { items: items.map(toItemView), imageUrls: await imageUrlsOf(items.flatMap((i) => i.images)) };
  },

  listOrders: async (input, ctx) => {
    await merchant(ctx);
    const where = input.status ? { status: input.status } : {};
    const orders = await queryDocs<MallOrderDoc>(database().collection('mall_orders').where(where).orderBy('createdAt', 'desc').limit(input.limit));
    // The merchant ships to the address: shown in full here, and only here.
    return { orders: orders.map((o) => toOrderView(o, true)) };
  },

  ship: async (input, ctx) => {
    const role = await merchant(ctx);
    return toOrderView(await ship(input.orderId, input.carrier, input.trackingNo, role.name, ctx.now), true);
  },

  // ---------------------------------------------------------------- consumer
  /** The shelf: on-shelf items, by category, only what the balance covers (我能兑换), sorted by points. */
  listItems: async (input, ctx) => {
    const member = await me(ctx);
    const all = await queryDocs<MallItemDoc>(database().collection('mall_items').where({ status: 'on' }).orderBy('sortOrder', 'asc').limit(500));
    const counts = await redeemedCounts(
      member._id,
      all.map((i) => i._id),
    );
    const shelf = all
      .map((i) => toShelfItem(i, member, counts.get(i._id) ?? 0, ctx.now))
      .filter((i) => i.unavailable === null || i.unavailable === '已兑完' || i.unavailable === '当前会员等级不可兑换');
    const categories = [...new Set(shelf.map((i) => i.category))];
    let items = shelf.filter((i) => (!input.category || i.category === input.category) && (!input.affordable || i.affordable));
    if (input.sort === 'points_asc') items = [...items].sort((a, b) => a.pointsPrice - b.pointsPrice);
    if (input.sort === 'points_desc') items = [...items].sort((a, b) => b.pointsPrice - a.pointsPrice);
    // The list shows one thumbnail an item: only the first pictures get URLs.
    const imageUrls = await imageUrlsOf(items.flatMap((i) => i.images.slice(0, 1)));
    return { items, categories, balance: member.points.available, imageUrls };
  },

  getItem: async (input, ctx) => {
    const member = await me(ctx);
    const item = await getById<MallItemDoc>('mall_items', input.itemId);
    if (!item) throw new AppError('NOT_FOUND', '商品不存在');
    const counts = await redeemedCounts(member._id, [item._id]);
    return { item: toShelfItem(item, member, counts.get(item._id) ?? 0, ctx.now), balance: member.points.available, imageUrls: await imageUrlsOf(item.images) };
  },

  redeem: async (input, ctx) => {
    const member = await me(ctx);
    const { order, balanceAfter, duplicate } = await redeem({
      memberId: member._id,
      itemId: input.itemId,
      quantity: input.quantity,
      requestId: input.requestId,
      address: input.address,
      now: ctx.now,
    });
    return {
      orderId: order._id,
      pointsSpent: order.pointsSpent,
      ...(order.couponIds[0] ? { couponId: order.couponIds[0] } : {}),
      couponIds: order.couponIds,
      codes: order.codes,
      balanceAfter,
      duplicate,
    };
  },

  myOrders: async (_input, ctx) => {
    const member = await me(ctx);
    const orders = await queryDocs<MallOrderDoc>(database().collection('mall_orders').where({ memberId: member._id }).orderBy('createdAt', 'desc').limit(100));
    return { orders: orders.map((o) => toOrderView(o, true)) };
  },

  /**
   * The address to fill the next order with: the member's last order that had one. Remembered there
   * rather than in a profile of its own, so the one copy is the order's (encrypted), and erasing a
   * member's addresses (member/mydata.ts) forgets it too.
   */
  lastAddress: async (_input, ctx) => {
    const member = await me(ctx);
    const recent = await queryDocs<MallOrderDoc>(
      database().collection('mall_orders').where({ memberId: member._id }).orderBy('createdAt', 'desc').limit(LAST_ADDRESS_LOOKBACK),
    );
    const last = recent.find((o) => o.address !== null);
    if (!last?.address) return { address: null };
    // An order written before a field's rules tightened does not fill the form with what would be refused.
    const parsed = addressSchema.safeParse(toOrderView(last, true).address);
    return { address: parsed.success ? parsed.data : null };
  },

  cancel: async (input, ctx) => {
    const member = await me(ctx);
    return cancel(member._id, input.orderId, ctx.now);
  },
});

export { orderIdOf };
