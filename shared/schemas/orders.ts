import { z } from 'zod';
import { businessDate, fen, instant, points } from './common';
import { orderItemSchema } from './points';
import type { FraudKind } from '../rules/fraud';

/** Orders and what the points books keep beside them: fraud flags, drifts found, reconciliation checkpoints. */

const FRAUD_KINDS = ['member_velocity', 'staff_repeat', 'store_velocity', 'split_receipts', 'late_entry'] as const satisfies readonly FraudKind[];
const fraudKind = z.enum(FRAUD_KINDS);

/** `orders/pos:<storeId>:<receiptNo>`: one sale, recorded once (the id is its receipt). */
export const orderDocSchema = z
  .object({
    _id: z.string(),
    storeId: z.string(),
    receiptNo: z.string(),
    memberId: z.string(),
    items: z.array(orderItemSchema.strict()),
    amountFen: fen,
    paidAt: instant,
    channel: z.enum(['pos', 'staff']),
    staffOpenid: z.string().nullable(),
    rulesVersion: z.number().int().nonnegative(),
    points: points.nonnegative(),
    growth: z.number().int().nonnegative(),
    lotId: z.string(),
    flags: z.array(fraudKind),
    /** the points were held for review (what the first answer said) */
    held: z.boolean().optional(),
    /** when the points mature (what the first answer said) */
    maturesOn: businessDate.nullable().optional(),
    /** sha256 of the sale's defining parameters (cloudfunctions/_lib/platform/idempotency.ts) */
    fingerprint: z.string().optional(),
    refundedFen: fen,
    pointsClawed: points.nonnegative(),
    growthClawed: z.number().int().nonnegative(),
    /** points forfeited when the merchant confirmed a fraud flag: a later refund does not take them again */
    pointsForfeited: points.nonnegative().optional(),
    /** the order's growth waits with its held points: granted when the hold is released, never while held */
    growthHeld: z.boolean().optional(),
    /** growth forfeited when the merchant confirmed a fraud flag (taken back, or never granted) */
    growthForfeited: z.number().int().nonnegative().optional(),
    createdAt: instant,
  })
  .strict();
export type OrderDoc = z.infer<typeof orderDocSchema>;

/** `fraud_flags/fraud:<orderId>:<kind>`: an order the fraud rules flagged, for the merchant's review. */
export const fraudFlagDocSchema = z
  .object({
    _id: z.string(),
    kind: fraudKind,
    reason: z.string(),
    orderId: z.string(),
    memberId: z.string(),
    storeId: z.string(),
    staffOpenid: z.string().nullable(),
    amountFen: fen,
    points: points.nonnegative(),
    /** the ledger entry (and lot) of the order's points */
    lotId: z.string(),
    held: z.boolean(),
    status: z.enum(['open', 'released', 'confirmed']),
    reviewedBy: z.string().optional(),
    reviewedAt: instant.optional(),
    note: z.string().optional(),
    createdAt: instant,
  })
  .strict();
export type FraudFlagDoc = z.infer<typeof fraudFlagDocSchema>;

const ledgerSums = z.object({ delta: points, pending: points, entries: z.number().int().nonnegative() }).strict();

/** `points_drift/drift:<memberId>:<seq>`: a member whose points did not match the ledger. */
export const pointsDriftDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    seq: z.number().int(),
    problems: z.array(z.string()),
    available: points,
    pending: points,
    ledger: ledgerSums,
    status: z.literal('open'),
    foundAt: instant,
  })
  .strict();

/** `ledger_checkpoints/<memberId>`: the ledger's sums up to `through`, verified against the member. */
export const ledgerCheckpointDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    through: instant,
    seq: z.number().int().nonnegative(),
    verifiedAt: instant,
    delta: points,
    pending: points,
    entries: z.number().int().nonnegative(),
  })
  .strict();
