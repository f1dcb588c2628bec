import { z } from 'zod';
import { businessDate, fen, points, userMapKey } from './common';
import { labelFields, labelRequests } from '../validation';

/**
 * The points part of a member document, the earning rules, ledger entries and the points
 * function's requests.
 *
 * Invariants (kept by shared/rules/lots.ts, proven by reconciliation):
 * - available == Σ lots.remaining − debt; debt > 0 only while lots is empty;
 * - pending == Σ pendingLots.amount; every lot and pending lot holds a positive amount;
 * - available == Σ ledger.delta and pending == Σ ledger.pendingDelta over the member's entries;
 * - a spend never takes available below zero (only a refund clawback may create debt).
 */
export const lotSchema = z.object({
  /** the earning's idempotency key, e.g. `order:<orderId>:earn` */
  id: z.string(),
  remaining: points.positive(),
  earnedOn: businessDate,
  /** the first business day on which the lot no longer counts */
  expiresOn: businessDate,
});
export type Lot = z.infer<typeof lotSchema>;

export const pendingLotSchema = z.object({
  id: z.string(),
  amount: points.positive(),
  earnedOn: businessDate,
  maturesOn: businessDate,
  expiresOn: businessDate,
  /** held for review (fraud flag): does not mature until the merchant releases it */
  held: z.boolean().default(false),
});
export type PendingLot = z.infer<typeof pendingLotSchema>;

export const memberPointsSchema = z.object({
  available: points,
  pending: points.nonnegative(),
  lots: z.array(lotSchema).default([]),
  pendingLots: z.array(pendingLotSchema).default([]),
  debt: points.nonnegative().default(0),
  /** earliest maturity (not held) or expiry date: the nightly job's index */
  nextEventOn: businessDate.nullable().default(null),
  /**
   * Points earned from orders per business day, for the daily cap: one entry per day with earnings,
   * kept for the last `EARN_WINDOW_DAYS` days (orders paid earlier are refused), so a late upload for
   * an earlier day is capped against that day. Inside the member document: the order's transaction
   * protects it. See shared/rules/earning.ts `earnedOnDay` / `recordEarnedDay`.
   */
  earnedDays: z.array(z.object({ on: businessDate, amount: points.nonnegative() })).default([]),
  /** @deprecated the latest earning day only (before `earnedDays`); read as one entry of `earnedDays` */
  earnedDay: z.object({ on: businessDate, amount: points.nonnegative() }).nullable().optional(),
  /** bumped on every change; reconciliation reads it before and after summing the ledger */
  seq: z.number().int().nonnegative().default(0),
  /** set by every change, cleared by the nightly reconciliation */
  reconcileDue: z.boolean().default(false),
});
export type MemberPoints = z.infer<typeof memberPointsSchema>;

export const EMPTY_POINTS: MemberPoints = {
  available: 0,
  pending: 0,
  lots: [],
  pendingLots: [],
  debt: 0,
  nextEventOn: null,
  earnedDays: [],
  seq: 0,
  reconcileDue: false,
};

// ------------------------------------------------------------------ earning rules

const multiplier = z.number().positive().max(10);

const memberDaySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** 0 = Sunday … 6 = Saturday, Shanghai calendar */
  z.object({ kind: z.literal('weekly'), weekday: z.number().int().min(0).max(6), multiplier }),
  z.object({ kind: z.literal('monthly'), day: z.number().int().min(1).max(28), multiplier }),
]);

export const expiryPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rolling'), months: z.number().int().min(1).max(120) }),
  z.object({ kind: z.literal('endOfFollowingYear') }),
]);
export type ExpiryPolicy = z.infer<typeof expiryPolicySchema>;

const fraudRulesSchema = z.object({
  memberOrdersPerDay: z.number().int().positive(),
  staffSameMemberPerDay: z.number().int().positive(),
  storeOrdersPerHour: z.number().int().positive(),
  /** receipts in [splitBandPercent% of threshold, threshold) count as "just under" */
  splitThresholdFen: fen.positive(),
  splitBandPercent: z.number().int().min(50).max(99),
  splitCountPerDay: z.number().int().positive(),
  /** flagged accruals stay pending until reviewed */
  holdFlagged: z.boolean(),
  /**
   * A store's hourly limit follows its own volume: this multiple of its trailing hourly median
   * (the last 24 hours with orders), never below `storeOrdersPerHour` (the floor).
   */
  storeVelocityMultiplier: z.number().min(1).max(100).default(3),
  /** orders a clerk records paid longer ago than this go to review (held, flagged `late_entry`) */
  staffLateEntryHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(24),
  /** the POS may batch-upload orders paid up to this long ago before they go to review */
  posLateEntryHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(72),
});

/**
 * The merchant's earning rules. The tier multiplier and growth per yuan are not here: they belong to
 * the tier configuration (`TierConfig.tiers[].benefits.pointsMultiplier`, `TierConfig.growthPerYuan`),
 * the single source the caller passes to `computeEarning`.
 */
export const earningRulesSchema = z
  .object({
    registrationBonus: points.nonnegative().max(100000),
    /** `pointsPerStep` points for every full `stepFen` paid */
    pointsPerStep: points.nonnegative().max(10000),
    stepFen: fen.positive(),
    memberDay: memberDaySchema,
    categoryMultipliers: z.record(userMapKey, multiplier).refine((m) => Object.keys(m).length <= 500, '最多 500 个品类'),
    skuMultipliers: z.record(userMapKey, multiplier).refine((m) => Object.keys(m).length <= 2000, '最多 2000 个商品'),
    /** points a member may earn from orders per business day; null: no cap */
    dailyCapPerMember: points.positive().nullable(),
    /** T+N: pending until N business days after payment */
    pendingDays: z.number().int().min(0).max(60),
    expiry: expiryPolicySchema,
    /** a refund whose points were already spent: carry a debt, or forfeit the shortfall */
    refundShortfall: z.enum(['debt', 'forfeit']),
    fraud: fraudRulesSchema,
    /** the clerk's till asks for confirmation above this amount (default: shared/rules/till.ts) */
    tillConfirmAboveFen: fen
      .positive()
      .max(10 ** 10)
      .optional(),
  })
  .strict();
export type EarningRules = z.infer<typeof earningRulesSchema>;

/** Keys stored rule documents may still carry from before they moved to the tier configuration. */
const LEGACY_EARNING_RULE_KEYS = ['tierMultipliers', 'growthPerYuan'] as const;

/** Stored rules as they may have been saved before: drops the legacy keys so the strict schema accepts them. */
export function withoutLegacyEarningKeys(stored: unknown): unknown {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  const rest: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const key of LEGACY_EARNING_RULE_KEYS) delete rest[key];
  return rest;
}

export const DEFAULT_EARNING_RULES: EarningRules = {
  registrationBonus: 100,
  pointsPerStep: 10,
  stepFen: 10000,
  memberDay: { kind: 'weekly', weekday: 3, multiplier: 2 },
  categoryMultipliers: {},
  skuMultipliers: {},
  dailyCapPerMember: 5000,
  pendingDays: 1,
  expiry: { kind: 'rolling', months: 12 },
  refundShortfall: 'debt',
  fraud: {
    memberOrdersPerDay: 8,
    staffSameMemberPerDay: 4,
    storeOrdersPerHour: 120,
    splitThresholdFen: 100000,
    splitBandPercent: 90,
    splitCountPerDay: 3,
    holdFlagged: true,
    storeVelocityMultiplier: 3,
    staffLateEntryHours: 24,
    posLateEntryHours: 72,
  },
};

// ------------------------------------------------------------------ orders

export const orderItemSchema = z.object({
  sku: z.string().min(1).max(64),
  category: z.string().min(1).max(64),
  name: z.string().max(64).optional(),
  /** ¥10 million a line at most: 200 lines × 9999 × this stays a safe integer */
  priceFen: fen.max(10 ** 9),
  quantity: z.number().int().positive().max(9999),
});
export type OrderItem = z.infer<typeof orderItemSchema>;

export const orderInputSchema = z.object({
  storeId: z.string().min(1).max(64),
  receiptNo: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '小票号只能包含字母、数字、下划线和连字符'),
  items: z.array(orderItemSchema).min(1).max(200),
  amountFen: fen.max(10 ** 10),
  /** ISO 8601 instant */
  paidAt: z.string().datetime({ offset: true }),
});
export type OrderInput = z.infer<typeof orderInputSchema>;

/** How the member is named: dynamic member code (scan), phone number, or member id (staff console). */
export const memberRefSchema = z.union([
  z.object({ memberCode: z.string().min(1).max(200) }).strict(),
  z.object({ phone: z.string().regex(/^[+\d\s-]{6,20}$/, '手机号格式不正确') }).strict(),
  z.object({ memberId: z.string().min(1).max(64) }).strict(),
]);
export type MemberRef = z.infer<typeof memberRefSchema>;

// ------------------------------------------------------------------ ledger

export const ledgerKinds = ['earn', 'mature', 'spend', 'expire', 'refund', 'adjust', 'forfeit'] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

const ledgerActor = z.object({ openid: z.string(), role: z.string(), name: z.string() }).strict();

/** `ledger/<idempotency key>`: append-only; each entry moves a member's available and pending points. */
export const ledgerEntrySchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    kind: z.enum(ledgerKinds),
    /** change of available points (debt counts as negative available) */
    delta: points,
    /** change of pending points */
    pendingDelta: points,
    reason: z.string(),
    ref: z.object({ type: z.string(), id: z.string() }).strict(),
    balanceAfter: points,
    pendingAfter: points,
    createdAt: z.date(),
    /** earn: when the points become available */
    maturesOn: businessDate.optional(),
    /** refund: what the policy did with points already spent */
    shortfall: z
      .object({ points, policy: z.enum(['debt', 'forfeit']) })
      .strict()
      .optional(),
    /** refund: the amount refunded and the growth taken back, so a replay answers (and checks) the same refund */
    refund: z.object({ amountFen: fen, growth: z.number().int().nonnegative() }).strict().optional(),
    /** who did it (adjustments, staff-recorded orders, refunds) */
    actor: ledgerActor.optional(),
    /** keyed requests (redeem, adjust, refund): the request's parameters, so a reused key is refused (cloudfunctions/_lib/platform/idempotency.ts) */
    fingerprint: z.string().optional(),
  })
  .strict();
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

// ------------------------------------------------------------------ requests

const requestId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '请求编号应为 8–64 位字母、数字、_ 或 -');

export const pointsRequests = {
  history: z.object({ limit: z.number().int().min(1).max(100).default(50), before: z.string().datetime().optional() }).strict(),
  /**
   * The till: the server's clock stamps the order (a device clock behind the server made every order a
   * late back-fill and missed the member day). `paidAt` stays accepted, optional, for an explicit
   * back-fill, held to the same rules as a POS receipt (shared/rules/order.ts saleRefusal).
   */
  recordOrder: orderInputSchema.extend({ paidAt: orderInputSchema.shape.paidAt.optional(), member: memberRefSchema }).strict(),
  refundOrder: z.object({ orderId: z.string().min(1).max(200), refundId: requestId, amountFen: fen.positive() }).strict(),
  /** The till: today's orders of this till (the clerk's own; the merchant's: the store's). */
  tillOrders: z.object({ storeId: z.string().min(1).max(64) }).strict(),
  /** 撤销 at the till: the whole order refunded through the refund path, within the clerk's window. */
  revokeOrder: z.object({ orderId: z.string().min(1).max(200) }).strict(),
  redeemPoints: z
    .object({ memberId: z.string().min(1).max(64), amount: points.positive().max(10 ** 7), requestId, reason: z.string().min(2).max(60) })
    .strict(),
  adjustPoints: z
    .object({
      memberId: z.string().min(1).max(64),
      delta: points
        .min(-(10 ** 8))
        .max(10 ** 8)
        .refine((n) => n !== 0, '调整数量不能为 0'),
      requestId,
      reason: z.string().trim().min(2, '请填写调整原因').max(100),
    })
    .strict(),
  getRules: z.object({}).strict(),
  updateRules: z.object({ expectedVersion: z.number().int().nonnegative(), rules: earningRulesSchema }).strict(),
  getPosSecret: z.object({ storeId: z.string().min(1).max(64) }).strict(),
  /** 重置: a new POS secret for the store (the old one stops working at once). */
  resetPosSecret: z.object({ storeId: z.string().min(1).max(64) }).strict(),
  listFraudFlags: z.object({ status: z.enum(['open', 'released', 'confirmed']).default('open'), limit: z.number().int().min(1).max(100).default(50) }).strict(),
  reviewFraudFlag: z.object({ flagId: z.string().min(1), decision: z.enum(['release', 'confirm']), note: z.string().max(200).default('') }).strict(),
  reconcile: z.object({ after: z.string().optional(), limit: z.number().int().min(1).max(200).default(100) }).strict(),
} as const;

// The fields as the staff till and the merchant's 积分规则 section name them (shared/validation.ts: fieldLabel).
/** An order's fields as the till names them (the POS's order and refund bodies use them too). */
export const ORDER_FIELD_LABELS = {
  storeId: '门店',
  receiptNo: '小票号',
  items: '商品',
  sku: '商品编码',
  category: '商品分类',
  'items.name': '商品名称',
  priceFen: '商品单价',
  quantity: '数量',
  amountFen: '金额',
  paidAt: '支付时间',
  member: '会员',
  memberCode: '会员码',
  phone: '手机号',
  memberId: '会员',
} as const;

labelRequests(pointsRequests, {
  ...ORDER_FIELD_LABELS,
  orderId: '订单',
  refundId: '退款单号',
  requestId: '操作编号',
  amount: '积分数量',
  delta: '调整积分',
  reason: '原因',
  flagId: '风险预警',
  note: '备注',
  decision: '处理结果',
  status: '状态',
  after: '起始位置',
  limit: '条数',
  before: '查询时间',
  // the earning rules
  expectedVersion: '当前版本',
  rules: '积分规则',
  registrationBonus: '注册奖励',
  pointsPerStep: '每档积分',
  stepFen: '每消费金额',
  memberDay: '会员日',
  kind: '类型',
  weekday: '星期',
  'memberDay.day': '每月日期',
  multiplier: '倍数',
  categoryMultipliers: '品类倍数',
  skuMultipliers: '商品倍数',
  dailyCapPerMember: '每日积分上限',
  pendingDays: '积分生效天数',
  expiry: '有效期',
  months: '有效月数',
  refundShortfall: '退款不足处理',
  fraud: '风险规则',
  memberOrdersPerDay: '会员每日订单上限',
  staffSameMemberPerDay: '店员同一会员每日上限',
  storeOrdersPerHour: '门店每小时订单下限',
  splitThresholdFen: '拆单门槛金额',
  splitBandPercent: '拆单区间',
  splitCountPerDay: '每日拆单次数',
  holdFlagged: '暂缓发放',
  storeVelocityMultiplier: '门店速度倍数',
  staffLateEntryHours: '店员补录时限',
  posLateEntryHours: 'POS 补录时限',
  tillConfirmAboveFen: '大额确认金额',
});
labelFields(pointsRequests.refundOrder, { amountFen: '退款金额' });

/** What the history page shows. */
export interface PointsHistoryEntry {
  id: string;
  kind: LedgerKind;
  /** points this line moved (available + pending) */
  points: number;
  reason: string;
  createdAt: string;
  /** still pending and not held: the business day it becomes available */
  maturesOn: string | null;
  /** held for the merchant's review (a fraud flag): no date until it is released */
  held: boolean;
  /** the entry's `ref.type` (order, mall, lot …): with `kind`, what the row says happened (shared/rules/points-label.ts) */
  refType: string;
  /** refund: points of the clawback already spent */
  shortfall: { points: number; policy: 'debt' | 'forfeit' } | null;
}

/** One of the member's orders as the history lists it (every order, points or not). */
export interface OrderHistoryLine {
  orderId: string;
  paidAt: string;
  amountFen: number;
  storeName: string;
  points: number;
  growth: number;
  state: 'none' | 'pending' | 'held' | 'credited' | 'voided' | 'refunded';
  note: string;
}

export interface PointsHistory {
  summary: { available: number; pending: number; expiringSoon: number; debt: number };
  pendingLots: { amount: number; maturesOn: string; held: boolean }[];
  expiring: { amount: number; expiresOn: string }[];
  entries: PointsHistoryEntry[];
  nextBefore: string | null;
  /** the member's latest orders (all of them, those that earned no points too), newest first */
  orders: OrderHistoryLine[];
  /** the earning step, so a row that earned nothing can say "消费满 ¥100 才得积分" */
  earning: { stepFen: number };
}
