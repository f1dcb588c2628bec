/**
 * Crediting and refunding an order, and the merchant's verdict on a fraud flag: each decided by ONE
 * pure function (read, decide, write). The caller reads the member, the order, the rules, the tier
 * ladder and the store's hour; the decision answers the whole effect as one value — the order
 * document or its update, the member's next points and the ledger entry explaining them, growth and
 * the tier change it makes, the day's counters, purchase statistics, fraud flags — and one
 * transaction writes exactly that value.
 *
 * Growth follows the points: an order held for review earns its growth when the hold is released,
 * never before (issue 25: held orders bought tiers), and a confirmed fraud takes back both.
 */
import { z } from 'zod';
import { businessDate } from '../calendar';
import type { ErrorCode } from '../errors';
import { memberDocSchema, type MemberDoc } from '../schemas/member';
import { fraudFlagDocSchema, orderDocSchema, type FraudFlagDoc, type OrderDoc } from '../schemas/orders';
import { ledgerEntrySchema, memberPointsSchema, type EarningRules, type MemberPoints, type OrderInput } from '../schemas/points';
import { tierChangeDocSchema } from '../schemas/tiers';
import type { CreditResult, RefundResult } from '../contracts/points';
import {
  computeEarning,
  EARN_WINDOW_DAYS,
  earnedDaysOf,
  earnedOnDay,
  earnWindowStart,
  itemsTotalFen,
  recordEarnedDay,
  refundShare,
  yuan,
  type Earning,
} from './earning';
import { countersOn, countOrder, fraudFlags, FRAUD_REASONS, isHeld, isJustUnder, isLateEntry, type FraudKind } from './fraud';
import { addPurchase, refundPurchase } from './lifecycle';
import { clawback, earn } from './lots';
import { earningTierOf, growthStep, type TierConfig } from './tiers';

/** How far ahead of our clock a receipt's paidAt may be (POS and phone clocks drift). */
const PAID_AT_SKEW_MS = 10 * 60_000;

// ------------------------------------------------------------------ the decision's parts (zod-typed)

const movementSchema = z.object({ delta: z.number().int(), pendingDelta: z.number().int() }).strict();

/** A ledger entry to write: the entry minus what the write adds (member, running sums, time, actor). */
export const entryDraftSchema = ledgerEntrySchema
  .pick({ kind: true, reason: true, ref: true, maturesOn: true, shortfall: true, refund: true, fingerprint: true })
  .extend({ id: z.string(), movement: movementSchema })
  .strict();
type EntryDecision = z.infer<typeof entryDraftSchema>;

const tierFieldsSchema = z
  .object({
    tierId: z.string(),
    growth: z.number().int().nonnegative(),
    tierSince: z.date().optional(),
    graceStartedAt: z.date().nullable().optional(),
    tierReviewDueOn: z.string().nullable(),
  })
  .strict();

/** Growth moved: the member's tier fields and the tier change to record (`shared/rules/tiers.ts` growthStep). */
export const growthStepSchema = z.object({
  fields: tierFieldsSchema,
  change: tierChangeDocSchema.omit({ _id: true, memberId: true, configVersion: true }).nullable(),
});

const refusalSchema = z
  .object({
    kind: z.literal('refused'),
    code: z.enum([
      'ORDER_AMOUNT_EXCEEDS_ITEMS',
      'VALIDATION_FAILED',
      'ORDER_TOO_OLD',
      'MEMBER_NOT_FOUND',
      'ORDER_NOT_FOUND',
      'REFUND_EXCEEDS_ORDER',
    ] as const satisfies readonly ErrorCode[]),
    message: z.string().optional(),
    details: z.record(z.string(), z.number()).optional(),
  })
  .strict();
export type Refusal = z.infer<typeof refusalSchema>;

const creditResultSchema = z.object({
  orderId: z.string(),
  memberId: z.string(),
  points: z.number().int(),
  growth: z.number().int(),
  maturesOn: z.string().nullable(),
  held: z.boolean(),
  flags: orderDocSchema.shape.flags,
  duplicate: z.boolean(),
}) satisfies z.ZodType<CreditResult>;

export const orderCreditSchema = z.object({
  kind: z.literal('credit'),
  order: orderDocSchema,
  points: memberPointsSchema,
  entry: entryDraftSchema,
  /** null: the order is held, and its growth waits with its points */
  tier: growthStepSchema.nullable(),
  orderDay: memberDocSchema.shape.orderDay.unwrap(),
  purchases: memberDocSchema.shape.purchases.unwrap(),
  /** an invited member's first (not held) order: the marker goes and the inviter is rewarded */
  settlesReferral: z.boolean(),
  flags: z.array(fraudFlagDocSchema),
  result: creditResultSchema,
});
export const orderCreditDecisionSchema = z.discriminatedUnion('kind', [refusalSchema, orderCreditSchema]);
export type OrderCredit = z.infer<typeof orderCreditSchema>;
type OrderCreditDecision = z.infer<typeof orderCreditDecisionSchema>;

/** The member's points with defaults filled in (documents written before lots existed read as empty lots). */
const pointsOf = (member: Pick<MemberDoc, 'points'>): MemberPoints => memberPointsSchema.parse(member.points ?? { available: 0, pending: 0 });

const refused = (code: Refusal['code'], message?: string, details?: Record<string, number>): Refusal => ({
  kind: 'refused',
  code,
  ...(message ? { message } : {}),
  ...(details ? { details } : {}),
});

// ------------------------------------------------------------------ crediting an order

/** What crediting an order reads before deciding. */
export interface OrderCreditInput {
  orderId: string;
  sale: OrderInput;
  /** null: no such member, or the account was erased */
  member: MemberDoc | null;
  channel: 'pos' | 'staff';
  /** the clerk who recorded it (staff channel) */
  staffOpenid: string | null;
  storeName?: string;
  /** the store's orders this hour (this one not included) and its hourly limit */
  store: { orders: number; limit: number };
  rules: EarningRules;
  rulesVersion: number;
  tiers: TierConfig;
  /** the engagement settings' birthday multiplier when the order is paid on the member's birthday, else 1 */
  birthdayMultiplier: number;
  /** the sale's fingerprint (platform/idempotency.ts): a replayed receipt must be this sale */
  fingerprint: string;
  now: Date;
}

/**
 * A receipt from the future (beyond clock skew) is malformed; one older than the earning window
 * cannot be held to its day's cap and is refused; paying more than the items' list price would
 * credit points for nothing bought. An erased or unknown member takes nothing.
 */
function saleRefusal(input: OrderCreditInput): Refusal | null {
  const { sale, now } = input;
  const listFen = itemsTotalFen(sale.items);
  const paidAt = new Date(sale.paidAt);
  if (sale.amountFen > listFen) return refused('ORDER_AMOUNT_EXCEEDS_ITEMS', undefined, { amountFen: sale.amountFen, itemsTotalFen: listFen });
  if (paidAt.getTime() > now.getTime() + PAID_AT_SKEW_MS) return refused('VALIDATION_FAILED', '支付时间晚于当前时间');
  if (businessDate(paidAt) < earnWindowStart(businessDate(now))) return refused('ORDER_TOO_OLD', undefined, { windowDays: EARN_WINDOW_DAYS });
  return input.member ? null : refused('MEMBER_NOT_FOUND');
}

/** The day's counters with this order counted (by the day it is RECORDED, and by the clerk), and its flags. */
function judgeOrder(input: OrderCreditInput, member: MemberDoc) {
  const { sale, rules, now } = input;
  const counted = countOrder(countersOn(member.orderDay, businessDate(now)), input.staffOpenid, isJustUnder(sale.amountFen, rules));
  const flags = fraudFlags(
    {
      memberOrdersToday: counted.memberOrdersToday,
      staffSameMemberToday: counted.staffSameMemberToday,
      justUnderToday: counted.justUnderToday,
      storeOrdersLastHour: input.store.orders,
      storeHourlyLimit: input.store.limit,
      lateEntry: isLateEntry(new Date(sale.paidAt), now, input.channel, rules),
    },
    sale.amountFen,
    rules,
  );
  return { counted, flags, held: isHeld(flags, rules) };
}

/** The earning: the tier ladder is the one source of the multiplier and growth per yuan. */
function earningOf(input: OrderCreditInput, member: MemberDoc, earnedRecordedDay: number): Earning {
  const paidAt = new Date(input.sale.paidAt);
  return computeEarning(
    {
      items: input.sale.items,
      amountFen: input.sale.amountFen,
      paidAt,
      earnedThatDay: earnedOnDay(earnedDaysOf(pointsOf(member)), businessDate(paidAt)),
      earnedRecordedDay,
      recordedOn: businessDate(input.now),
      birthdayMultiplier: input.birthdayMultiplier,
    },
    input.rules,
    earningTierOf(input.tiers, member.tierId),
  );
}

function orderDocOf(input: OrderCreditInput, member: MemberDoc, e: Earning, judged: { flags: FraudKind[]; held: boolean }): OrderDoc {
  const { sale } = input;
  return {
    _id: input.orderId,
    storeId: sale.storeId,
    receiptNo: sale.receiptNo,
    memberId: member._id,
    items: sale.items,
    amountFen: sale.amountFen,
    paidAt: new Date(sale.paidAt),
    channel: input.channel,
    staffOpenid: input.staffOpenid,
    rulesVersion: input.rulesVersion,
    points: e.points,
    growth: e.growth,
    lotId: earnEntryId(input.orderId),
    flags: judged.flags,
    held: judged.held,
    maturesOn: e.points > 0 ? e.maturesOn : null,
    fingerprint: input.fingerprint,
    refundedFen: 0,
    pointsClawed: 0,
    growthClawed: 0,
    ...(judged.held && e.growth > 0 ? { growthHeld: true } : {}),
    createdAt: input.now,
  };
}

const earnEntryId = (orderId: string) => `order:${orderId}:earn`;

function flagDocs(order: OrderDoc): FraudFlagDoc[] {
  return order.flags.map((kind) => ({
    _id: `fraud:${order._id}:${kind}`,
    kind,
    reason: FRAUD_REASONS[kind],
    orderId: order._id,
    memberId: order.memberId,
    storeId: order.storeId,
    staffOpenid: order.staffOpenid,
    amountFen: order.amountFen,
    points: order.points,
    lotId: order.lotId,
    held: order.held ?? false,
    status: 'open',
    createdAt: order.createdAt,
  }));
}

/** The member's points with the order's lot (pending, held, or available at once) and the earn entry. */
function earnedPoints(input: OrderCreditInput, member: MemberDoc, e: Earning, order: OrderDoc): { points: MemberPoints; entry: EntryDecision } {
  const recordedOn = businessDate(input.now);
  const p = pointsOf(member);
  const { earnedDay: _legacy, ...current } = { ...p, earnedDays: recordEarnedDay(earnedDaysOf(p), e.earnedOn, e.points, recordedOn) };
  const next = earn(current, {
    id: order.lotId,
    amount: e.points,
    earnedOn: e.earnedOn,
    maturesOn: e.maturesOn,
    expiresOn: e.expiresOn,
    held: order.held,
    today: recordedOn,
  });
  const notes = `${input.storeName ? ` @${input.storeName}` : ''}${e.memberDay ? '（会员日）' : ''}${e.points < e.uncapped ? '（已达每日上限）' : ''}`;
  const entry: EntryDecision = {
    id: order.lotId,
    kind: 'earn',
    movement: next.movement,
    reason: `消费 ${yuan(order.amountFen)}${notes}`,
    ref: { type: 'order', id: order._id },
    ...(order.maturesOn ? { maturesOn: order.maturesOn } : {}),
  };
  return { points: next.points, entry };
}

/**
 * The whole effect of crediting one order (see the file's head): refused, or the order, points,
 * growth and tier, counters, purchase statistics, referral settlement and fraud flags to write.
 */
export function decideOrderCredit(input: OrderCreditInput): OrderCreditDecision {
  const refusal = saleRefusal(input);
  if (refusal || !input.member) return refusal ?? refused('MEMBER_NOT_FOUND');
  const member = input.member;
  const judged = judgeOrder(input, member);
  const e = earningOf(input, member, judged.counted.next.earned);
  const order = orderDocOf(input, member, e, judged);
  const { points, entry } = earnedPoints(input, member, e, order);
  return {
    kind: 'credit',
    order,
    points,
    entry,
    // Held: the growth waits with the points (released with them, forfeited with them).
    tier: judged.held ? null : growthStep(member, member.growth + e.growth, input.tiers, input.now, businessDate(input.now)),
    orderDay: { ...judged.counted.next, earned: judged.counted.next.earned + e.points },
    // Counted at recording, held orders too: the visit happened; the hold is about the points.
    purchases: addPurchase(member.purchases, order.amountFen, order.paidAt),
    // A held (flagged) order is not the first purchase that rewards the inviter: the marker stays.
    settlesReferral: member.referralDue !== undefined && !judged.held,
    flags: flagDocs(order),
    result: {
      orderId: order._id,
      memberId: member._id,
      points: e.points,
      growth: e.growth,
      maturesOn: order.maturesOn ?? null,
      held: judged.held,
      flags: judged.flags,
      duplicate: false,
    },
  };
}

// ------------------------------------------------------------------ refunding an order

interface RefundInput {
  /** null: no such order */
  order: OrderDoc | null;
  /** the order's member; null when erased (or the order is missing) */
  member: MemberDoc | null;
  /** a POS refund names its store: another store's order is not found */
  storeId?: string;
  amountFen: number;
  refundId: string;
  entryId: string;
  rules: EarningRules;
  tiers: TierConfig;
  fingerprint: string;
  now: Date;
}

export const orderRefundSchema = z.object({
  kind: z.literal('refund'),
  orderUpdate: orderDocSchema.pick({ refundedFen: true, pointsClawed: true, growthClawed: true }).strict(),
  points: memberPointsSchema,
  entry: entryDraftSchema,
  tier: growthStepSchema,
  /** the purchase statistics lowered (undefined: none kept) */
  purchases: memberDocSchema.shape.purchases,
  result: z.object({
    refundId: z.string(),
    orderId: z.string(),
    pointsClawed: z.number().int(),
    growthClawed: z.number().int(),
    shortfall: z.number().int(),
    duplicate: z.boolean(),
  }) satisfies z.ZodType<RefundResult>,
});
export const refundDecisionSchema = z.discriminatedUnion('kind', [refusalSchema, orderRefundSchema]);
export type OrderRefund = z.infer<typeof orderRefundSchema>;
type RefundDecision = z.infer<typeof refundDecisionSchema>;

/** What a refund of `amountFen` takes back: a share of the order's points and growth not yet taken (cumulative). */
function refundShares(order: OrderDoc, amountFen: number): { points: number; growth: number } {
  // Points or growth already forfeited (a confirmed fraud flag) are not taken back a second time.
  const pointsLeft = Math.max(0, order.points - order.pointsClawed - (order.pointsForfeited ?? 0));
  const growthLeft = Math.max(0, order.growth - order.growthClawed - (order.growthForfeited ?? 0));
  return {
    points: Math.min(pointsLeft, refundShare(order.points, order.amountFen, order.refundedFen, amountFen)),
    growth: Math.min(growthLeft, refundShare(order.growth, order.amountFen, order.refundedFen, amountFen)),
  };
}

/**
 * Full or partial refund: takes back the order's points and growth in proportion to the amount
 * refunded (cumulatively, so partial refunds add up to the whole). Points already spent: the
 * shortfall becomes a debt or is forfeited, as the rules say. Growth still held with the order's
 * points leaves the member's growth alone (they never had it). A downgrade waits for the review.
 */
export function decideRefund(input: RefundInput): RefundDecision {
  const { order, amountFen, rules } = input;
  if (!order || (input.storeId && order.storeId !== input.storeId)) return refused('ORDER_NOT_FOUND');
  if (order.refundedFen + amountFen > order.amountFen) return refused('REFUND_EXCEEDS_ORDER', undefined, { refundable: order.amountFen - order.refundedFen });
  if (!input.member) return refused('MEMBER_NOT_FOUND');
  const member = input.member;
  const back = refundShares(order, amountFen);
  const r = clawback(pointsOf(member), order.lotId, back.points, rules.refundShortfall);
  const policy = rules.refundShortfall === 'debt' ? '计为待抵扣' : '不再追回';
  const memberGrowthBack = order.growthHeld ? 0 : back.growth;
  const refundedFen = order.refundedFen + amountFen;
  return {
    kind: 'refund',
    orderUpdate: { refundedFen, pointsClawed: order.pointsClawed + back.points, growthClawed: order.growthClawed + back.growth },
    points: r.points,
    entry: {
      id: input.entryId,
      kind: 'refund',
      movement: r.movement,
      reason: r.shortfall > 0 ? `退款 ${yuan(amountFen)}，扣回积分（${r.shortfall} 积分已使用，${policy}）` : `退款 ${yuan(amountFen)}，扣回积分`,
      ref: { type: 'order', id: order._id },
      ...(r.shortfall > 0 ? { shortfall: { points: r.shortfall, policy: rules.refundShortfall } } : {}),
      refund: { amountFen, growth: back.growth },
      fingerprint: input.fingerprint,
    },
    tier: growthStep(member, Math.max(0, member.growth - memberGrowthBack), input.tiers, input.now, businessDate(input.now)),
    // Emptying the order takes it out of the purchase count.
    purchases: refundPurchase(member.purchases, amountFen, refundedFen === order.amountFen),
    result: { refundId: input.refundId, orderId: order._id, pointsClawed: back.points, growthClawed: back.growth, shortfall: r.shortfall, duplicate: false },
  };
}
