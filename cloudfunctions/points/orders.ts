/**
 * Orders earn points: one transaction writes the order, the earn entry `order:<orderId>:earn`, the
 * member's points and growth, the fraud flags, and (POS) the request's nonce. Idempotent on
 * (storeId, receiptNo): the order's `_id` is `pos:<storeId>:<receiptNo>`, so a replayed receipt
 * finds its entry and credits nothing.
 */
import { AppError } from '../../shared/errors';

import type { CreditResult, RefundResult } from '../../shared/contracts/points';
export type { CreditResult, RefundResult };
import type { MemberDoc } from '../../shared/schemas/member';
import type { EarningRules, LedgerEntry, OrderInput } from '../../shared/schemas/points';
import { addBusinessDays, businessDate, startOfBusinessDate } from '../../shared/calendar';
import { isBirthday } from '../../shared/rules/engagement';
import { loadEngagementSettings } from '../_lib/engagement-settings';
import { computeEarning, earnedDaysOf, itemsTotalFen, earnedOnDay, earnWindowStart, EARN_WINDOW_DAYS, recordEarnedDay, refundShare, yuan } from '../../shared/rules/earning';
import { earningTierOf } from '../../shared/rules/tiers';
import { clawback, earn } from '../../shared/rules/lots';
import { fraudFlags, FRAUD_REASONS, isJustUnder, type FraudKind } from '../../shared/rules/fraud';
import { database } from '../_lib/cloud';
import { count as countOnce, getById, inTransaction, txGet, withRetry, type Tx } from '../_lib/db';
import { applyEntry, memberPoints, txEntry, txMember } from '../_lib/ledger';
import { applyGrowthInTx, loadTierConfig } from '../_lib/tiers';
import { loadRules } from '../_lib/earning-rules';

export interface Actor {
  openid: string;
  role: string;
  name: string;
}

export interface OrderDoc {
  _id: string;
  storeId: string;
  receiptNo: string;
  memberId: string;
  items: OrderInput['items'];
  amountFen: number;
  paidAt: Date;
  channel: 'pos' | 'staff';
  staffOpenid: string | null;
  rulesVersion: number;
  points: number;
  growth: number;
  lotId: string;
  flags: FraudKind[];
  refundedFen: number;
  pointsClawed: number;
  growthClawed: number;
  /** points forfeited when the merchant confirmed a fraud flag: a later refund does not take them again */
  pointsForfeited?: number;
  createdAt: Date;
}

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

/** Reads are idempotent: retried on transient failures. */
const count = (q: Parameters<typeof countOnce>[0]) => withRetry(() => countOnce(q));

async function fraudCounts(member: MemberDoc, input: OrderInput, staffOpenid: string | null, rules: EarningRules, now: Date) {
  const _ = database().command;
  const orders = () => database().collection('orders');
  // The order's business day, bounded on both sides: a late upload for an earlier day counts that day's orders only.
  const day = businessDate(new Date(input.paidAt));
  const onDay = () => _.gte(startOfBusinessDate(day)).and(_.lt(startOfBusinessDate(addBusinessDays(day, 1))));
  const memberOrdersToday = 1 + (await count(orders().where({ memberId: member._id, paidAt: onDay() })));
  const staffSameMemberToday = staffOpenid ? 1 + (await count(orders().where({ memberId: member._id, staffOpenid, paidAt: onDay() }))) : 0;
  const storeOrdersLastHour = 1 + (await count(orders().where({ storeId: input.storeId, createdAt: _.gte(new Date(now.getTime() - 3600_000)) })));
  const t = rules.fraud.splitThresholdFen;
  const lo = Math.ceil((t * rules.fraud.splitBandPercent) / 100);
  const justUnderToday = isJustUnder(input.amountFen, rules) ? 1 + (await count(orders().where({ memberId: member._id, paidAt: onDay(), amountFen: _.gte(lo).and(_.lt(t)) }))) : 0;
  return fraudFlags({ memberOrdersToday, staffSameMemberToday, storeOrdersLastHour, justUnderToday }, input.amountFen, rules);
}

function fromEntry(orderId: string, member: MemberDoc, entry: LedgerEntry, held: boolean, flags: FraudKind[], growth: number): CreditResult {
  return { orderId, memberId: member._id, points: entry.delta + entry.pendingDelta, growth, maturesOn: entry.maturesOn ?? null, held, flags, duplicate: true };
}

function sameSale(order: OrderDoc, memberId: string, input: OrderInput): boolean {
  // Member and amount, not the payment time: a POS that re-sends may re-stamp it.
  return order.memberId === memberId && order.amountFen === input.amountFen;
}

export async function creditOrder(
  member: MemberDoc,
  input: OrderInput,
  options: { channel: 'pos' | 'staff'; actor?: Actor; storeName?: string; nonce?: NonceClaim; now: Date },
): Promise<CreditResult> {
  const { now } = options;
  const orderId = orderIdFor(input.storeId, input.receiptNo);
  const { version, rules } = await loadRules();
  const staffOpenid = options.channel === 'staff' && options.actor ? options.actor.openid : null;
  const known = await withRetry(() => getById<OrderDoc>('orders', orderId));
  if (!known) {
    // A receipt from the future (beyond clock skew) is malformed; one older than the window cannot be
    // held to its day's cap (the per-day earnings are kept for the window only) and is refused.
    // A replay of a recorded receipt skips this and answers `duplicate` as always.
    // Points follow the items; paying more than their list price would credit points for nothing bought.
    const listFen = itemsTotalFen(input.items);
    if (input.amountFen > listFen) throw new AppError('ORDER_AMOUNT_EXCEEDS_ITEMS', undefined, { amountFen: input.amountFen, itemsTotalFen: listFen });
    const paidAtMs = new Date(input.paidAt).getTime();
    if (paidAtMs > now.getTime() + PAID_AT_SKEW_MS) throw new AppError('VALIDATION_FAILED', '支付时间晚于当前时间');
    if (businessDate(paidAtMs) < earnWindowStart(businessDate(now))) throw new AppError('ORDER_TOO_OLD', undefined, { windowDays: EARN_WINDOW_DAYS });
  }
  const flags = known ? [] : await fraudCounts(member, input, staffOpenid, rules, now);
  const held = flags.length > 0 && rules.fraud.holdFlagged;
  const paidAt = new Date(input.paidAt);
  const entryId = `order:${orderId}:earn`;

  return inTransaction(async (tx) => {
    if (options.nonce) await claimNonce(tx, options.nonce, orderId);
    const existing = await txEntry(tx, entryId);
    if (existing) {
      const order = await txGet<OrderDoc>(tx, 'orders', orderId);
      // A receipt number names one sale: a replay must be that sale, not another one under its number.
      if (order && !sameSale(order, member._id, input)) throw new AppError('IDEMPOTENCY_KEY_REUSED', '该小票号已录入另一笔订单', { orderId, memberId: order.memberId, amountFen: order.amountFen });
      return fromEntry(orderId, member, existing, false, order?.flags ?? [], order?.growth ?? 0);
    }
    const current = await txMember(tx, member._id);
    const p = memberPoints(current);
    const earnedOn = businessDate(paidAt);
    const days = earnedDaysOf(p);
    const earnedThatDay = earnedOnDay(days, earnedOn);
    // The tier configuration is the one source of the member's points multiplier and growth per yuan.
    const tierConfig = await loadTierConfig(tx);
    const birthdayMultiplier = isBirthday(current.birthdayMD, earnedOn) ? (await loadEngagementSettings()).settings.birthday.pointsMultiplier : 1;
    const e = computeEarning({ items: input.items, amountFen: input.amountFen, paidAt, earnedThatDay, birthdayMultiplier }, rules, earningTierOf(tierConfig, current.tierId));
    // Growth, and a tier upgrade if it qualifies (the tier engine's rule, recorded in the same transaction).
    const { fields: tierFields } = await applyGrowthInTx(tx, current, current.growth + e.growth, now, tierConfig);
    // The cap holds per business day: the order's own day, whichever day the member earned on last.
    const earnedDays = recordEarnedDay(days, earnedOn, e.points, businessDate(now));
    const reason = `消费 ${yuan(input.amountFen)}${options.storeName ? ` @${options.storeName}` : ''}${e.memberDay ? '（会员日）' : ''}${e.points < e.uncapped ? '（已达每日上限）' : ''}`;
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
      refundedFen: 0,
      pointsClawed: 0,
      growthClawed: 0,
      createdAt: now,
    };
    await tx.collection('orders').add({ data: order as unknown as Record<string, unknown> });
    const { entry } = await applyEntry(
      tx,
      current,
      { id: entryId, kind: 'earn', reason, ref: { type: 'order', id: orderId }, maturesOn: e.points > 0 ? e.maturesOn : undefined, actor: options.actor },
      (pts) => earn(withoutLegacyEarnedDay({ ...pts, earnedDays }), { id: entryId, amount: e.points, earnedOn, maturesOn: e.maturesOn, expiresOn: e.expiresOn, held, today: businessDate(now) }),
      now,
      tierFields,
    );
    for (const kind of flags) {
      await tx.collection('fraud_flags').add({
        data: { _id: `fraud:${orderId}:${kind}`, kind, reason: FRAUD_REASONS[kind], orderId, memberId: current._id, storeId: input.storeId, staffOpenid, amountFen: input.amountFen, points: e.points, lotId: entryId, held, status: 'open', createdAt: now },
      });
    }
    return { orderId, memberId: current._id, points: e.points, growth: e.growth, maturesOn: entry.maturesOn ?? null, held, flags, duplicate: false };
  });
}

function withoutLegacyEarnedDay<T extends { earnedDay?: unknown }>(p: T): Omit<T, 'earnedDay'> {
  const { earnedDay: _legacy, ...rest } = p;
  return rest;
}


/**
 * Full or partial refund: takes back the order's points and growth in proportion to the amount
 * refunded (cumulatively, so partial refunds add up to the whole). Points already spent: the
 * shortfall becomes a debt or is forfeited, as the rules say, and the entry records which.
 */
export async function refundOrder(orderId: string, refundKey: string, amountFen: number, actor: Actor | undefined, now: Date, storeId?: string, nonce?: NonceClaim): Promise<RefundResult> {
  const { rules } = await loadRules();
  const entryId = `refund:${refundKey}`;
  return inTransaction(async (tx) => {
    if (nonce) await claimNonce(tx, nonce, entryId);
    const existing = await txEntry(tx, entryId);
    // A refund id names one refund: reused for another order it is a caller's mistake, not a replay.
    if (existing && existing.ref.id !== orderId) throw new AppError('IDEMPOTENCY_KEY_REUSED', '退款编号已用于另一笔订单', { refundId: refundKey, orderId: existing.ref.id });
    if (existing && existing.refund && existing.refund.amountFen !== amountFen) throw new AppError('IDEMPOTENCY_KEY_REUSED', '退款编号已用于另一笔金额不同的退款', { refundId: refundKey, amountFen: existing.refund.amountFen });
    if (existing) return { refundId: refundKey, orderId, pointsClawed: -(existing.delta + existing.pendingDelta) + (existing.shortfall?.policy === 'forfeit' ? existing.shortfall.points : 0), growthClawed: existing.refund?.growth ?? 0, shortfall: existing.shortfall?.points ?? 0, duplicate: true };
    const order = await txGet<OrderDoc>(tx, 'orders', orderId);
    if (!order || (storeId && order.storeId !== storeId)) throw new AppError('ORDER_NOT_FOUND');
    if (order.refundedFen + amountFen > order.amountFen) throw new AppError('REFUND_EXCEEDS_ORDER', undefined, { refundable: order.amountFen - order.refundedFen });
    // Points already forfeited (a confirmed fraud flag) are not taken back a second time.
    const outstanding = Math.max(0, order.points - order.pointsClawed - (order.pointsForfeited ?? 0));
    const pointsBack = Math.min(outstanding, refundShare(order.points, order.amountFen, order.refundedFen, amountFen));
    const growthBack = refundShare(order.growth, order.amountFen, order.refundedFen, amountFen);
    const member = await txMember(tx, order.memberId);
    const r = clawback(memberPoints(member), order.lotId, pointsBack, rules.refundShortfall);
    await tx.collection('orders').doc(orderId).update({ data: { refundedFen: order.refundedFen + amountFen, pointsClawed: order.pointsClawed + pointsBack, growthClawed: order.growthClawed + growthBack } });
    await applyEntry(
      tx,
      member,
      {
        id: entryId,
        kind: 'refund',
        reason: r.shortfall > 0 ? `退款 ${yuan(amountFen)}，扣回积分（${r.shortfall} 积分已使用，${rules.refundShortfall === 'debt' ? '计为待抵扣' : '不再追回'}）` : `退款 ${yuan(amountFen)}，扣回积分`,
        ref: { type: 'order', id: orderId },
        actor,
        shortfall: r.shortfall > 0 ? { points: r.shortfall, policy: rules.refundShortfall } : undefined,
        refund: { amountFen, growth: growthBack },
      },
      () => r,
      now,
      // Growth is taken back in proportion; a downgrade waits for the tier engine's review.
      (await applyGrowthInTx(tx, member, Math.max(0, member.growth - growthBack), now)).fields,
    );
    const shortfall = r.shortfall;
    return { refundId: refundKey, orderId, pointsClawed: pointsBack, growthClawed: growthBack, shortfall, duplicate: false };
  });
}
