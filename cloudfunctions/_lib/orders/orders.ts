/**
 * Orders earn points: one transaction writes the order, the earn entry `order:<orderId>:earn`, the
 * member's points, growth and order counters, the fraud flags, and (POS) the request's nonce.
 * Idempotent on (storeId, receiptNo): the order's `_id` is `pos:<storeId>:<receiptNo>` and carries
 * the fingerprint of the sale (member, amount) and the result it answered, so a replayed receipt
 * answers exactly the first result (held and flags included) and credits nothing; the same receipt
 * number for another sale is IDEMPOTENCY_KEY_REUSED.
 */
import { AppError } from '../../../shared/errors';
import type { CreditResult, RefundResult } from '../../../shared/contracts/points';
export type { CreditResult, RefundResult };
import type { MemberDoc } from '../../../shared/schemas/member';
import type { OrderInput } from '../../../shared/schemas/points';
import { businessDate } from '../../../shared/calendar';
import { isBirthday } from '../../../shared/rules/engagement';
import { addPurchase, refundPurchase } from '../../../shared/rules/lifecycle';
import { database } from '../platform/cloud';
import { loadEngagementSettings } from '../engagement';
import {
  computeEarning,
  earnedDaysOf,
  itemsTotalFen,
  earnedOnDay,
  earnWindowStart,
  EARN_WINDOW_DAYS,
  recordEarnedDay,
  refundShare,
  yuan,
} from '../../../shared/rules/earning';
import { earningTierOf } from '../../../shared/rules/tiers';
import { clawback, earn } from '../../../shared/rules/lots';
import { countersOn, countOrder, fraudFlags, FRAUD_REASONS, isHeld, isJustUnder, isLateEntry } from '../../../shared/rules/fraud';
import { inTransaction, isDuplicateKey, memberTurn, txGet, type Tx } from '../platform/db';
import { applyEntry, commitPoints, memberPoints, txEntry, txMember, loadRules } from '../points';
import { applyGrowthInTx, loadTierConfig } from '../tiers';
import { replayOf, fingerprint } from '../platform/idempotency';
import { countStoreOrder, storeHourState } from './store-hours';
import type { Actor } from '../platform/auth';
import { rewardFirstPurchase } from '../referral';
import { log } from '../platform/log';
import type { OrderDoc } from '../../../shared/schemas/orders';
export type { Actor };

export type { OrderDoc };

/** How far ahead of our clock a receipt's paidAt may be (POS and phone clocks drift). */
export const PAID_AT_SKEW_MS = 10 * 60_000;

export const orderIdFor = (storeId: string, receiptNo: string) => `pos:${storeId}:${receiptNo}`;

/** A POS request's nonce, recorded in the order's transaction so it is never accepted twice. */
export interface NonceClaim {
  id: string;
  expiresAt: Date;
  /** the invocation that claims it: our own retry after a lost reply is not a reuse */
  invocation: string;
}

/** Records a POS nonce in the caller's transaction; POS_NONCE_REUSED if another request used it. */
async function claimNonce(tx: Tx, claim: NonceClaim, ref: string): Promise<void> {
  const seen = await txGet<NonceClaim>(tx, 'pos_nonces', claim.id);
  if (seen && seen.invocation !== claim.invocation) throw new AppError('POS_NONCE_REUSED');
  if (!seen) await tx.collection('pos_nonces').add({ data: { _id: claim.id, expiresAt: claim.expiresAt, invocation: claim.invocation, ref } });
}

/** A sale is its member and amount, not the payment time: a POS that re-sends may re-stamp it. */
const saleOf = (memberId: string, amountFen: number) => ({ memberId, amountFen });

/** The first answer, from the stored order (orders written before `held`/`maturesOn` were kept: derived). */
function replayed(order: OrderDoc, holdFlagged: boolean): CreditResult {
  return {
    orderId: order._id,
    memberId: order.memberId,
    points: order.points,
    growth: order.growth,
    maturesOn: order.maturesOn ?? null,
    held: order.held ?? (order.flags.length > 0 && holdFlagged),
    flags: order.flags ?? [],
    duplicate: true,
  };
}

export async function creditOrder(
  memberId: string,
  input: OrderInput,
  options: { channel: 'pos' | 'staff'; actor?: Actor; storeName?: string; nonce?: NonceClaim; now: Date },
): Promise<CreditResult> {
  const { now } = options;
  const orderId = orderIdFor(input.storeId, input.receiptNo);
  const { version, rules } = await loadRules();
  const staffOpenid = options.channel === 'staff' && options.actor ? options.actor.openid : null;
  const paidAt = new Date(input.paidAt);
  const entryId = `order:${orderId}:earn`;
  const recordedOn = businessDate(now);
  const sale = saleOf(memberId, input.amountFen);
  // Orders on one member in this instance commit one after another (two tills, a POS resending).
  const turn = memberTurn(memberId);
  /** A replay: the stored order answers (and its nonce is claimed), or the key is refused for another sale. */
  const replay = () =>
    inTransaction(async (tx): Promise<CreditResult> => {
      if (options.nonce) await claimNonce(tx, options.nonce, orderId);
      const known = await txGet<OrderDoc>(tx, 'orders', orderId);
      if (!known) throw new AppError('CONFLICT');
      // A receipt number names one sale: a replay must be that sale, not another one under its number.
      replayOf(known, sale, {
        key: orderId,
        message: '该小票号已录入另一笔订单',
        legacySame: (o) => o.memberId === memberId && o.amountFen === input.amountFen,
      });
      return replayed({ ...known, _id: orderId }, rules.fraud.holdFlagged);
    }, turn);
  const store = await storeHourState(input.storeId, now, rules);
  let result: CreditResult;
  try {
    result = await inTransaction(async (tx): Promise<CreditResult> => {
      if (options.nonce) await claimNonce(tx, options.nonce, orderId);
      return credit(tx);
    }, turn);
  } catch (e) {
    // The order's `_id` already there (its add fails, or a refusal found it): a replay, or our own
    // write whose reply was lost. No read of it on the way in: the common case pays nothing for it.
    if (isDuplicateKey(e)) return replay();
    throw e;
  }
  try {
    await countStoreOrder(input.storeId, now);
  } catch (e) {
    // The order is committed; a lost count only softens the store's velocity signal.
    log.error('[orders] store hour not counted', input.storeId, e);
  }
  return result;

  async function credit(tx: Tx): Promise<CreditResult> {
    // A receipt from the future (beyond clock skew) is malformed; one older than the window cannot be
    // held to its day's cap (the per-day earnings are kept for the window only) and is refused.
    // Points follow the items; paying more than their list price would credit points for nothing bought.
    // A replay of a recorded receipt is answered as always, whatever these say: refusing, look first.
    const refuse = async (error: AppError): Promise<never> => {
      if (await txGet<OrderDoc>(tx, 'orders', orderId)) throw new Error(`duplicate key: order ${orderId} exists`);
      throw error;
    };
    const listFen = itemsTotalFen(input.items);
    if (input.amountFen > listFen) await refuse(new AppError('ORDER_AMOUNT_EXCEEDS_ITEMS', undefined, { amountFen: input.amountFen, itemsTotalFen: listFen }));
    if (paidAt.getTime() > now.getTime() + PAID_AT_SKEW_MS) await refuse(new AppError('VALIDATION_FAILED', '支付时间晚于当前时间'));
    if (businessDate(paidAt) < earnWindowStart(recordedOn)) await refuse(new AppError('ORDER_TOO_OLD', undefined, { windowDays: EARN_WINDOW_DAYS }));

    // An erased member takes nothing; a replay for one is still answered (as recorded).
    const current = await txMember(tx, memberId, { live: true }).catch((e: unknown) => refuse(e as AppError));
    const p = memberPoints(current);
    const earnedOn = businessDate(paidAt);
    const days = earnedDaysOf(p);
    // Counted by the day the order is RECORDED (and by the clerk), in this transaction: exact under concurrency.
    const counted = countOrder(countersOn(current.orderDay, recordedOn), staffOpenid, isJustUnder(input.amountFen, rules));
    const flags = fraudFlags(
      {
        memberOrdersToday: counted.memberOrdersToday,
        staffSameMemberToday: counted.staffSameMemberToday,
        justUnderToday: counted.justUnderToday,
        storeOrdersLastHour: store.orders,
        storeHourlyLimit: store.limit,
        lateEntry: isLateEntry(paidAt, now, options.channel, rules),
      },
      input.amountFen,
      rules,
    );
    const held = isHeld(flags, rules);
    // The tier configuration is the one source of the member's points multiplier and growth per yuan
    // (this call's ladder: the earning and the upgrade use the same version).
    const tierConfig = await loadTierConfig();
    // On the member's birthday (Shanghai), the engagement settings' multiplier; one more read only then.
    const birthdayMultiplier = isBirthday(current.birthdayMD, earnedOn) ? (await loadEngagementSettings()).settings.birthday.pointsMultiplier : 1;
    const e = computeEarning(
      {
        items: input.items,
        amountFen: input.amountFen,
        paidAt,
        earnedThatDay: earnedOnDay(days, earnedOn),
        earnedRecordedDay: counted.next.earned,
        recordedOn,
        birthdayMultiplier,
      },
      rules,
      earningTierOf(tierConfig, current.tierId),
    );
    const orderDay = { ...counted.next, earned: counted.next.earned + e.points };
    // Growth, and a tier upgrade if it qualifies (the tier engine's rule, recorded in the same transaction).
    const { fields: tierFields } = await applyGrowthInTx(tx, current, current.growth + e.growth, now, tierConfig);
    // The cap holds per business day: the order's own day, whichever day the member earned on last.
    const earnedDays = recordEarnedDay(days, earnedOn, e.points, recordedOn);
    const reason = `消费 ${yuan(input.amountFen)}${options.storeName ? ` @${options.storeName}` : ''}${e.memberDay ? '（会员日）' : ''}${e.points < e.uncapped ? '（已达每日上限）' : ''}`;
    const maturesOn = e.points > 0 ? e.maturesOn : null;
    // A held (flagged) order is not the first purchase that rewards the inviter: the marker stays for the next.
    const referralDue = current.referralDue !== undefined && !held;
    const order: OrderDoc = {
      _id: orderId,
      storeId: input.storeId,
      receiptNo: input.receiptNo,
      memberId: current._id,
      items: input.items,
      amountFen: input.amountFen,
      paidAt,
      channel: options.channel,
      staffOpenid,
      rulesVersion: version,
      points: e.points,
      growth: e.growth,
      lotId: entryId,
      flags,
      held,
      maturesOn,
      fingerprint: fingerprint(sale),
      refundedFen: 0,
      pointsClawed: 0,
      growthClawed: 0,
      createdAt: now,
    };
    await tx.collection('orders').add({ data: order });
    // No earlier entry can exist: the order and its entry are written in one transaction, and the order did not exist.
    const next = earn(withoutLegacyEarnedDay({ ...p, earnedDays }), {
      id: entryId,
      amount: e.points,
      earnedOn,
      maturesOn: e.maturesOn,
      expiresOn: e.expiresOn,
      held,
      today: recordedOn,
    });
    await commitPoints(
      tx,
      current,
      next.points,
      [
        {
          id: entryId,
          kind: 'earn',
          movement: next.movement,
          reason,
          ref: { type: 'order', id: orderId },
          maturesOn: maturesOn ?? undefined,
          actor: options.actor,
        },
      ],
      now,
      // Purchase statistics (recency for dormancy): counted at recording, held orders too (the visit
      // happened; the hold is about the points). In the member update the order already makes.
      {
        ...tierFields,
        orderDay,
        purchases: database().command.set(addPurchase(current.purchases, input.amountFen, paidAt)),
        ...(referralDue ? { referralDue: database().command.remove() } : {}),
      },
    );
    // An invited member's first order rewards the inviter, once: only a member carrying the marker costs requests here.
    if (referralDue) await rewardFirstPurchase(tx, current._id, now, { earning: rules });
    for (const kind of flags) {
      await tx.collection('fraud_flags').add({
        data: {
          _id: `fraud:${orderId}:${kind}`,
          kind,
          reason: FRAUD_REASONS[kind],
          orderId,
          memberId: current._id,
          storeId: input.storeId,
          staffOpenid,
          amountFen: input.amountFen,
          points: e.points,
          lotId: entryId,
          held,
          status: 'open',
          createdAt: now,
        },
      });
    }
    return { orderId, memberId: current._id, points: e.points, growth: e.growth, maturesOn, held, flags, duplicate: false };
  }
}

function withoutLegacyEarnedDay<T extends { earnedDay?: unknown }>(p: T): Omit<T, 'earnedDay'> {
  const { earnedDay: _legacy, ...rest } = p;
  return rest;
}

/**
 * Refund ids live in separate namespaces: a clerk's `refundId` (`refund:staff:<id>`) can never name a
 * POS refund (`refund:pos:<storeId>:<refundNo>`, per store: ':' is in neither id's alphabet).
 */
export type RefundKey = { kind: 'staff'; refundId: string } | { kind: 'pos'; storeId: string; refundNo: string };
export const refundEntryId = (k: RefundKey) => (k.kind === 'staff' ? `refund:staff:${k.refundId}` : `refund:pos:${k.storeId}:${k.refundNo}`);

/**
 * Full or partial refund: takes back the order's points and growth in proportion to the amount
 * refunded (cumulatively, so partial refunds add up to the whole). Points already spent: the
 * shortfall becomes a debt or is forfeited, as the rules say, and the entry records which.
 */
export async function refundOrder(
  orderId: string,
  key: RefundKey,
  amountFen: number,
  actor: Actor | undefined,
  now: Date,
  storeId?: string,
  nonce?: NonceClaim,
): Promise<RefundResult> {
  const { rules } = await loadRules();
  const entryId = refundEntryId(key);
  const refundId = key.kind === 'staff' ? key.refundId : key.refundNo;
  const params = { orderId, amountFen };
  return inTransaction(async (tx) => {
    if (nonce) await claimNonce(tx, nonce, entryId);
    const existing = await txEntry(tx, entryId);
    // A refund id names one refund: reused for another order or amount it is refused, not answered.
    if (
      replayOf(existing, params, {
        key: refundId,
        message: '退款编号已用于另一笔退款',
        legacySame: (x) => x.ref.id === orderId && x.refund?.amountFen === amountFen,
      }) === 'replay' &&
      existing
    ) {
      return {
        refundId,
        orderId,
        pointsClawed: -(existing.delta + existing.pendingDelta) + (existing.shortfall?.policy === 'forfeit' ? existing.shortfall.points : 0),
        growthClawed: existing.refund?.growth ?? 0,
        shortfall: existing.shortfall?.points ?? 0,
        duplicate: true,
      };
    }
    const order = await txGet<OrderDoc>(tx, 'orders', orderId);
    if (!order || (storeId && order.storeId !== storeId)) throw new AppError('ORDER_NOT_FOUND');
    if (order.refundedFen + amountFen > order.amountFen)
      throw new AppError('REFUND_EXCEEDS_ORDER', undefined, { refundable: order.amountFen - order.refundedFen });
    // Points already forfeited (a confirmed fraud flag) are not taken back a second time.
    const outstanding = Math.max(0, order.points - order.pointsClawed - (order.pointsForfeited ?? 0));
    const pointsBack = Math.min(outstanding, refundShare(order.points, order.amountFen, order.refundedFen, amountFen));
    const growthBack = refundShare(order.growth, order.amountFen, order.refundedFen, amountFen);
    const member = await txMember(tx, order.memberId, { live: true });
    const r = clawback(memberPoints(member), order.lotId, pointsBack, rules.refundShortfall);
    await tx
      .collection('orders')
      .doc(orderId)
      .update({
        data: { refundedFen: order.refundedFen + amountFen, pointsClawed: order.pointsClawed + pointsBack, growthClawed: order.growthClawed + growthBack },
      });
    await applyEntry(
      tx,
      member,
      {
        id: entryId,
        kind: 'refund',
        reason:
          r.shortfall > 0
            ? `退款 ${yuan(amountFen)}，扣回积分（${r.shortfall} 积分已使用，${rules.refundShortfall === 'debt' ? '计为待抵扣' : '不再追回'}）`
            : `退款 ${yuan(amountFen)}，扣回积分`,
        ref: { type: 'order', id: orderId },
        actor,
        shortfall: r.shortfall > 0 ? { points: r.shortfall, policy: rules.refundShortfall } : undefined,
        refund: { amountFen, growth: growthBack },
        fingerprint: fingerprint(params),
      },
      () => r,
      now,
      // Growth is taken back in proportion; a downgrade waits for the tier engine's review. The refund
      // lowers the purchase statistics; emptying the order takes it out of the count.
      {
        ...(await applyGrowthInTx(tx, member, Math.max(0, member.growth - growthBack), now)).fields,
        ...purchasesAfterRefund(member, amountFen, order.refundedFen + amountFen === order.amountFen),
      },
      { knownAbsent: true },
    );
    return { refundId, orderId, pointsClawed: pointsBack, growthClawed: growthBack, shortfall: r.shortfall, duplicate: false };
  });
}

function purchasesAfterRefund(member: MemberDoc, amountFen: number, revoked: boolean): Record<string, unknown> {
  const next = refundPurchase(member.purchases, amountFen, revoked);
  return next ? { purchases: database().command.set(next) } : {};
}

export type { MemberDoc };
