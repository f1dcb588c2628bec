import { AppError } from '../../shared/errors';
import { pointsContract, type FraudFlagView } from '../../shared/contracts/points';
import { businessDate, startOfBusinessDate } from '../../shared/calendar';
import { DEFAULT_TILL_CONFIRM_ABOVE_FEN, STAFF_REVOKE_WINDOW_MINUTES, mayRevoke, revocableUntil } from '../../shared/rules/till';
import type { LedgerEntry, PointsHistory } from '../../shared/schemas/points';
import { earn, pointsSummary, release, clawback, spend, PointsRuleError, expiryDate } from '../../shared/rules/lots';
import { createMain, requireOpenid } from '../_lib/platform/router';
import { actorOf, requireRole, type RoleDoc } from '../_lib/platform/auth';
import { database } from '../_lib/platform/cloud';
import { getById, inTransaction, isDuplicateKey, memberTurn, queryDocs, txGet } from '../_lib/platform/db';
import { posSecret } from '../_lib/platform/pos-secret';
import { applyEntry, memberPoints, txEntry, txMember, loadRules, saveRules, nightly, reconcilePage } from '../_lib/points';
import { memberByOpenid, resolveMemberId } from '../_lib/members';
import { requireIdentified } from '../_lib/platform/access-log';
import { fingerprint, replayOf } from '../_lib/platform/idempotency';
import { creditOrder, refundOrder, type OrderDoc, storeName } from '../_lib/orders';
import { FRAUD_REASONS, type FraudKind } from '../../shared/rules/fraud';
import { orderLine } from '../../shared/rules/order-state';

const FRAUD_KINDS = Object.keys(FRAUD_REASONS) as FraudKind[];

/**
 * Domain refusals from the pure rules become stable codes. The answer carries the code only: the
 * rule's message names the balance, which a clerk must not learn by trying amounts.
 */
function rule<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PointsRuleError) throw new AppError(e.code);
    throw e;
  }
}

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
      nextBefore: entries.length === input.limit ? new Date(entries[entries.length - 1].createdAt).toISOString() : null,
    };
  },

  /** A clerk (own store) or the merchant records a paid order for a member. */
  recordOrder: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    if (role.role === 'staff' && role.storeId !== input.storeId) throw new AppError('FORBIDDEN', '只能为本门店录入订单');
    const { member: ref, ...order } = input;
    const memberId = await resolveMemberId(ref, ctx.now);
    return creditOrder(memberId, order, { channel: 'staff', actor: actorOf(role), storeName: await storeName(input.storeId), now: ctx.now });
  },

  refundOrder: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    return refundOrder(
      input.orderId,
      { kind: 'staff', refundId: input.refundId },
      input.amountFen,
      actorOf(role),
      ctx.now,
      role.role === 'staff' ? role.storeId : undefined,
    );
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
    return refundOrder(
      order._id,
      { kind: 'staff', refundId: refundKey },
      left > 0 ? left : order.amountFen,
      actorOf(role),
      ctx.now,
      role.role === 'staff' ? role.storeId : undefined,
    );
  },

  /**
   * Points spent at the counter (e.g. as cash); the lots that expire first go first. A clerk spends
   * only for a member identified in this shift (a logged code or phone look-up): a member id alone
   * discloses nothing, neither the balance nor whether the id exists.
   */
  redeemPoints: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['staff', 'merchant']);
    if (role.role === 'staff') await requireIdentified(role, input.memberId, ctx.now);
    const id = `redeem:${input.requestId}`;
    const params = { memberId: input.memberId, amount: input.amount };
    /** One key, one redemption: a replay answers it, a reuse for another member or amount is refused. */
    const replay = async () => {
      const existing = await getById<LedgerEntry>('ledger', id);
      if (!existing) throw new AppError('CONFLICT');
      replayOf(existing, params, {
        key: input.requestId,
        legacySame: (e) => e.memberId === input.memberId && -(e.delta + e.pendingDelta) === input.amount,
      });
      return { entryId: id, balanceAfter: existing.balanceAfter, duplicate: true };
    };
    try {
      return await inTransaction(async (tx) => {
        // No read of the key on the way in: the entry's add fails on a replay (its `_id` is the key),
        // and only a refusal looks first (below), so a replay is answered as recorded whatever the balance is now.
        const member = await txMember(tx, input.memberId, { live: true });
        const { entry } = await applyEntry(
          tx,
          member,
          { id, kind: 'spend', reason: input.reason, ref: { type: 'redeem', id: input.requestId }, actor: actorOf(role), fingerprint: fingerprint(params) },
          (p) => rule(() => spend(p, input.amount)),
          ctx.now,
          {},
          { knownAbsent: true },
        );
        return { entryId: entry._id, balanceAfter: entry.balanceAfter, duplicate: false };
      }, memberTurn(input.memberId));
    } catch (e) {
      // The database refused the entry's add: the key is recorded.
      if (isDuplicateKey(e)) return replay();
      // A domain refusal (not enough points now, an erased member ...) of a request recorded before
      // answers the record: one plain read, only on a refusal.
      if (e instanceof AppError && e.code !== 'IDEMPOTENCY_KEY_REUSED' && (await getById<LedgerEntry>('ledger', id))) return replay();
      throw e;
    }
  },

  /** Merchant adjustment with a required reason; the entry records who, when and why. */
  adjustPoints: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    const { rules } = await loadRules();
    const today = businessDate(ctx.now);
    const id = `adjust:${input.requestId}`;
    const params = { memberId: input.memberId, delta: input.delta };
    return inTransaction(async (tx) => {
      // A request id names one adjustment: reused for another member or amount it is refused, not silently answered.
      const existing = await txEntry(tx, id);
      if (
        replayOf(existing, params, {
          key: input.requestId,
          message: 'requestId 已用于另一笔调整',
          legacySame: (e) => e.memberId === input.memberId && e.delta + e.pendingDelta === input.delta,
        }) === 'replay' &&
        existing
      ) {
        return { entryId: existing._id, balanceAfter: existing.balanceAfter, duplicate: true };
      }
      const member = await txMember(tx, input.memberId, { live: true });
      const { entry } = await applyEntry(
        tx,
        member,
        {
          id,
          kind: 'adjust',
          reason: `商家调整：${input.reason}`,
          ref: { type: 'adjust', id: input.requestId },
          actor: actorOf(role),
          fingerprint: fingerprint(params),
        },
        (p) =>
          input.delta > 0
            ? earn(p, { id, amount: input.delta, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, rules.expiry), today })
            : rule(() => spend(p, -input.delta)),
        ctx.now,
        {},
        { knownAbsent: true },
      );
      return { entryId: entry._id, balanceAfter: entry.balanceAfter, duplicate: false };
    }, memberTurn(input.memberId));
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
   * release: the held points mature as usual, once no other open flag of the same order holds them;
   * confirm: what is left of the order's points (pending or already available) is forfeited with a
   * ledger entry, and the order's other open flags are closed with it.
   */
  reviewFraudFlag: async (input, ctx) => {
    const role = await requireRole(requireOpenid(ctx), ['merchant']);
    return inTransaction(async (tx) => {
      const flag = await txGet<{ status: string; memberId: string; lotId: string; held: boolean; orderId: string }>(tx, 'fraud_flags', input.flagId);
      if (!flag) throw new AppError('NOT_FOUND', '风险记录不存在');
      if (flag.status !== 'open') return { flagId: input.flagId, status: flag.status, changed: false };
      const status = input.decision === 'release' ? 'released' : 'confirmed';
      await tx
        .collection('fraud_flags')
        .doc(input.flagId)
        .update({ data: { status, reviewedBy: role.openid, reviewedAt: ctx.now, note: input.note } });
      // The order's other flags (ids are `fraud:<orderId>:<kind>`): the same points are at stake.
      const siblings: string[] = [];
      for (const kind of FRAUD_KINDS) {
        const id = `fraud:${flag.orderId}:${kind}`;
        if (id === input.flagId) continue;
        const other = await txGet<{ status: string }>(tx, 'fraud_flags', id);
        if (other?.status === 'open') siblings.push(id);
      }
      const member = await txMember(tx, flag.memberId);
      const p = memberPoints(member);
      const lot = p.pendingLots.find((l) => l.id === flag.lotId);
      if (input.decision === 'release') {
        if (lot?.held && siblings.length === 0) {
          await tx
            .collection('members')
            .doc(member._id)
            .update({ data: { points: database().command.set({ ...release(p, lot.id), seq: p.seq + 1, reconcileDue: true }), updatedAt: ctx.now } });
        }
        return { flagId: input.flagId, status, changed: true, stillHeldBy: lot?.held ? siblings : [] };
      }
      for (const id of siblings)
        await tx
          .collection('fraud_flags')
          .doc(id)
          .update({ data: { status: 'confirmed', reviewedBy: role.openid, reviewedAt: ctx.now, note: `随 ${input.flagId} 确认` } });
      const left = (lot?.amount ?? 0) + p.lots.filter((l) => l.id === flag.lotId).reduce((s, l) => s + l.remaining, 0);
      let forfeited = 0;
      if (left > 0) {
        const { applied } = await applyEntry(
          tx,
          member,
          {
            id: `forfeit:${flag.lotId}`,
            kind: 'forfeit',
            reason: `风险订单积分作废：${input.note || '商家确认'}`,
            ref: { type: 'order', id: flag.orderId },
            actor: actorOf(role),
          },
          (q) => clawback(q, flag.lotId, left, 'forfeit'),
          ctx.now,
        );
        if (applied) {
          forfeited = left;
          const order = await txGet<OrderDoc>(tx, 'orders', flag.orderId);
          if (order)
            await tx
              .collection('orders')
              .doc(flag.orderId)
              .update({ data: { pointsForfeited: (order.pointsForfeited ?? 0) + left } });
        }
      }
      return { flagId: input.flagId, status, changed: true, forfeited, closed: siblings };
    });
  },

  reconcile: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    return reconcilePage(input.after, input.limit, ctx.now);
  },

  /** The merchant, for today or an earlier day (the scheduler runs the job as `points-nightly`): maturity, expiry, reconciliation. */
  nightly: async (input, ctx) => {
    await requireRole(requireOpenid(ctx), ['merchant']);
    // A day ahead of ours would mature pending points early and expire lots before their date: refused.
    if (input.today && input.today > businessDate(ctx.now)) throw new AppError('VALIDATION_FAILED', '不能为未来的日期运行积分结算');
    return nightly(input.today ?? businessDate(ctx.now), ctx.now);
  },
});

export type { OrderDoc };
