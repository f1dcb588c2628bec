import { AppError } from '../../shared/errors';
import { pointsContract, type FraudFlagView } from '../../shared/contracts/points';
import { businessDate, startOfBusinessDate } from '../../shared/calendar';
import { DEFAULT_TILL_CONFIRM_ABOVE_FEN, STAFF_REVOKE_WINDOW_MINUTES, mayRevoke, revocableUntil } from '../../shared/rules/till';
import type { LedgerEntry, PointsHistory } from '../../shared/schemas/points';
import { pointsSummary } from '../../shared/rules/lots';
import { createMain, requireOpenid } from '../_lib/platform/router';
import { actorOf, requireRole, type RoleDoc } from '../_lib/platform/auth';
import { database } from '../_lib/platform/cloud';
import { getById, inTransaction, queryDocs, txGet } from '../_lib/platform/db';
import { posSecret } from '../_lib/platform/pos-secret';
import { adjustPoints, memberPoints, redeemPoints, loadRules, saveRules, reconcilePage } from '../_lib/points';
import { memberByOpenid, resolveMemberId } from '../_lib/members';
import { requireIdentified } from '../_lib/platform/access-log';
import { creditOrder, refundOrder, reviewFraudFlag, type OrderDoc, storeName } from '../_lib/orders';
import { orderLine } from '../../shared/rules/order-state';

/** What the POS key needs of a store: its key generation (重置 moves it on). */
type StoreKeyDoc = { posKeyGeneration?: number };

/** The store, if it exists: one deployment is one brand, so every store is the merchant's (docs/deploy.md). */
function ownedStore(store: StoreKeyDoc | null): StoreKeyDoc {
  if (!store) throw new AppError('NOT_FOUND', '门店不存在');
  return store;
}

/** The store's POS secret as the console shows it (`getPosSecret` and `resetPosSecret` answer alike). */
function posSecretView(storeId: string, generation: number) {
  return {
    storeId,
    secret: posSecret(storeId, generation),
    algorithm: 'HMAC-SHA256',
    headers: ['x-pos-store', 'x-pos-timestamp', 'x-pos-nonce', 'x-pos-signature'],
  };
}

export const main = createMain(pointsContract, {
  /** The consumer's points history: summary, pending and expiring lots, entries newest first. */
  history: async (input, ctx): Promise<PointsHistory> => {
    const member = await memberByOpenid(requireOpenid(ctx));
    const p = memberPoints(member);
    const db = database();
    const _ = db.command;
    const where: Record<string, unknown> = { memberId: member._id, kind: _.neq('mature') };
    if (input.before) where.createdAt = _.lt(new Date(input.before));
    const [entries, orders, stores, { rules }] = await Promise.all([
      queryDocs<LedgerEntry>(db.collection('ledger').where(where).orderBy('createdAt', 'desc').limit(input.limit)),
      input.before
        ? Promise.resolve([] as OrderDoc[])
        : queryDocs<OrderDoc>(db.collection('orders').where({ memberId: member._id }).orderBy('paidAt', 'desc').limit(input.limit)),
      queryDocs<{ _id: string; name?: string }>(db.collection('stores').limit(100)),
      loadRules(),
    ]);
    const pendingById = new Map(p.pendingLots.map((l) => [l.id, l]));
    const storeNames = new Map(stores.map((st) => [st._id, st.name ?? '门店']));
    const summary = pointsSummary(p, ctx.now);
    const horizon = businessDate(new Date(ctx.now.getTime() + 30 * 86400_000));
    return {
      summary: { ...summary, debt: p.debt },
      pendingLots: p.pendingLots.map((l) => ({ amount: l.amount, maturesOn: l.maturesOn, held: l.held })),
      expiring: p.lots.filter((l) => l.expiresOn <= horizon).map((l) => ({ amount: l.remaining, expiresOn: l.expiresOn })),
      entries: entries.map((e) => ({
        id: e._id,
        kind: e.kind,
        points: e.delta + e.pendingDelta,
        reason: e.reason,
        createdAt: new Date(e.createdAt).toISOString(),
        maturesOn: pendingById.get(e._id)?.held ? null : (pendingById.get(e._id)?.maturesOn ?? null),
        held: pendingById.get(e._id)?.held ?? false,
        refType: e.ref.type,
        shortfall: e.shortfall ?? null,
      })),
      orders: orders.map((o) => ({
        orderId: o._id,
        paidAt: new Date(o.paidAt).toISOString(),
        amountFen: o.amountFen,
        storeName: storeNames.get(o.storeId) ?? '门店',
        points: o.points,
        growth: o.growth,
        ...orderLine({ ...o, pendingLot: pendingById.get(o.lotId) ?? null }, rules.stepFen),
      })),
      earning: { stepFen: rules.stepFen },
      nextBefore: entries.length === input.limit ? new Date(entries[entries.length - 1].createdAt).toISOString() : null,
    };
  },

  /** A clerk (own store) or the merchant records a paid order for a member. */
  recordOrder: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    if (role.role === 'staff' && role.storeId !== input.storeId) throw new AppError('FORBIDDEN', '只能为本门店录入订单');
    const { member: ref, paidAt, ...order } = input;
    const memberId = await resolveMemberId(ref, ctx.now);
    // Paid now, by the server's clock, unless the caller back-fills an earlier payment.
    return creditOrder(
      memberId,
      { ...order, paidAt: paidAt ?? ctx.now.toISOString() },
      { channel: 'staff', actor: actorOf(role), storeName: await storeName(input.storeId), now: ctx.now },
    );
  },

  refundOrder: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    return refundOrder({
      orderId: input.orderId,
      key: { kind: 'staff', refundId: input.refundId },
      amountFen: input.amountFen,
      actor: actorOf(role),
      now: ctx.now,
      storeId: role.role === 'staff' ? role.storeId : undefined,
    });
  },

  /** The till: today's orders (Shanghai day) of the clerk at their store, or of the store for the merchant. */
  tillOrders: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    if (role.role === 'staff' && role.storeId !== input.storeId) throw new AppError('FORBIDDEN', '只能查看本门店的订单');
    const _ = database().command;
    const today = businessDate(ctx.now);
    const [orders, { rules }] = await Promise.all([
      queryDocs<OrderDoc>(
        database()
          .collection('orders')
          .where({ storeId: input.storeId, createdAt: _.gte(startOfBusinessDate(today)) })
          .orderBy('createdAt', 'desc')
          .limit(100),
      ),
      loadRules(),
    ]);
    const mine = role.role === 'staff' ? orders.filter((o) => o.staffOpenid === role.openid) : orders;
    const staffIds = [...new Set(mine.map((o) => o.staffOpenid).filter((id): id is string => !!id))];
    const staff = staffIds.length
      ? await queryDocs<RoleDoc>(
          database()
            .collection('roles')
            .where({ _id: _.in(staffIds) })
            .limit(100),
        )
      : [];
    const names = new Map(staff.map((r) => [r._id, r.name]));
    return {
      businessDate: today,
      confirmAboveFen: rules.tillConfirmAboveFen ?? DEFAULT_TILL_CONFIRM_ABOVE_FEN,
      orders: mine.map((o) => {
        const until = revocableUntil(role.role, new Date(o.createdAt));
        return {
          orderId: o._id,
          receiptNo: o.receiptNo,
          amountFen: o.amountFen,
          refundedFen: o.refundedFen,
          points: o.points,
          cardTail: o.memberId.slice(-4),
          staffName: o.staffOpenid ? (names.get(o.staffOpenid) ?? '店员') : 'POS',
          createdAt: new Date(o.createdAt).toISOString(),
          revocableUntil: until ? until.toISOString() : null,
          revocable: o.refundedFen < o.amountFen && mayRevoke(role.role, new Date(o.createdAt), ctx.now),
        };
      }),
    };
  },

  /**
   * 撤销 at the till: what is left of the order is refunded through the one refund path (points and
   * growth clawed back, idempotent by `revoke:<orderId>`). A clerk only for their store's orders they
   * recorded, within STAFF_REVOKE_WINDOW_MINUTES; the merchant at any time.
   */
  revokeOrder: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    const order = await getById<OrderDoc>('orders', input.orderId);
    if (!order || (role.role === 'staff' && order.storeId !== role.storeId)) throw new AppError('ORDER_NOT_FOUND');
    if (role.role === 'staff' && order.staffOpenid !== role.openid) throw new AppError('FORBIDDEN', '只能撤销本人录入的订单');
    if (!mayRevoke(role.role, new Date(order.createdAt), ctx.now))
      throw new AppError('REFUND_WINDOW_CLOSED', `录入超过 ${STAFF_REVOKE_WINDOW_MINUTES} 分钟的订单请联系商家撤销`);
    const refundKey = `revoke-${order._id.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64);
    const left = order.amountFen - order.refundedFen;
    // Already fully refunded: answer the revoke made before (or refuse if another refund emptied it).
    return refundOrder({
      orderId: order._id,
      key: { kind: 'staff', refundId: refundKey },
      amountFen: left > 0 ? left : order.amountFen,
      actor: actorOf(role),
      now: ctx.now,
      storeId: role.role === 'staff' ? role.storeId : undefined,
    });
  },

  /**
   * Points spent at the counter (e.g. as cash); the lots that expire first go first. A clerk spends
   * only for a member identified in this shift (a logged code or phone look-up): a member id alone
   * discloses nothing, neither the balance nor whether the id exists.
   */
  redeemPoints: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    if (role.role === 'staff') await requireIdentified(role, input.memberId, ctx.now);
    return redeemPoints({ ...input, actor: actorOf(role), now: ctx.now });
  },

  /** Merchant adjustment with a required reason; the entry records who, when and why. */
  adjustPoints: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return adjustPoints({ ...input, actor: actorOf(role), now: ctx.now });
  },

  getRules: async (_input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return loadRules();
  },

  updateRules: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return saveRules(input.expectedVersion, input.rules, { openid: role.openid, name: role.name }, ctx.now);
  },

  getPosSecret: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    const store = ownedStore(await getById<StoreKeyDoc>('stores', input.storeId));
    return posSecretView(input.storeId, store.posKeyGeneration ?? 0);
  },

  /** 重置: the store's key generation moves on, so a leaked secret stops working at once. */
  resetPosSecret: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    const generation = await inTransaction(async (tx) => {
      const store = ownedStore(await txGet<StoreKeyDoc>(tx, 'stores', input.storeId));
      const next = (store.posKeyGeneration ?? 0) + 1;
      await tx
        .collection('stores')
        .doc(input.storeId)
        .update({ data: { posKeyGeneration: next, posKeyResetAt: ctx.now, posKeyResetBy: role.name } });
      return next;
    });
    return posSecretView(input.storeId, generation);
  },

  listFraudFlags: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    const flags = await queryDocs<
      Omit<FraudFlagView, 'createdAt' | 'reviewedAt' | 'reviewedBy' | 'note'> & { createdAt: Date; reviewedAt?: Date; reviewedBy?: string; note?: string }
    >(database().collection('fraud_flags').where({ status: input.status }).orderBy('createdAt', 'desc').limit(input.limit));
    // Names, not ids: the clerk who recorded the order, the store, the reviewer.
    const _ = database().command;
    const people = [...new Set(flags.flatMap((f) => [f.staffOpenid, f.reviewedBy]).filter((id): id is string => !!id))];
    const [roles, stores] = await Promise.all([
      people.length
        ? queryDocs<RoleDoc>(
            database()
              .collection('roles')
              .where({ _id: _.in(people) })
              .limit(100),
          )
        : Promise.resolve([] as RoleDoc[]),
      queryDocs<{ _id: string; name?: string }>(database().collection('stores').limit(100)),
    ]);
    const nameOf = new Map(roles.map((r) => [r._id, r.name]));
    const storeOf = new Map(stores.map((st) => [st._id, st.name ?? st._id]));
    return flags.map((f) => ({
      _id: f._id,
      kind: f.kind,
      reason: f.reason,
      orderId: f.orderId,
      memberId: f.memberId,
      storeId: f.storeId,
      storeName: storeOf.get(f.storeId) ?? '未知门店',
      staffOpenid: f.staffOpenid,
      staffName: f.staffOpenid ? (nameOf.get(f.staffOpenid) ?? '已离职店员') : null,
      amountFen: f.amountFen,
      points: f.points,
      held: f.held,
      status: f.status,
      createdAt: new Date(f.createdAt).toISOString(),
      reviewedBy: f.reviewedBy ? (nameOf.get(f.reviewedBy) ?? '商家') : null,
      reviewedAt: f.reviewedAt ? new Date(f.reviewedAt).toISOString() : null,
      note: f.note ?? '',
    }));
  },

  /**
   * release: the held points mature as usual and the held growth is granted, once no other open flag
   * of the same order holds them; confirm: the order's points and growth are forfeited, and its other
   * open flags closed (shared/rules/fraud-review.ts).
   */
  reviewFraudFlag: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return reviewFraudFlag({ flagId: input.flagId, decision: input.decision, note: input.note, reviewer: actorOf(role), now: ctx.now });
  },

  reconcile: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return reconcilePage(input.after, input.limit, ctx.now);
  },
});

export type { OrderDoc };
