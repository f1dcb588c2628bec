/**
 * The merchant's verdict on a fraud flag, decided in one pure function (read, decide, write).
 * release: the held points mature as usual and the order's held growth is granted (with the upgrade
 * it qualifies for), once no other open flag of the same order holds them;
 * confirm: what is left of the order's points (pending or already available) is forfeited with a
 * ledger entry, its growth is forfeited too — never granted if it was held, taken back (and the tier
 * it bought) if it was not — and the order's other open flags are closed with it.
 */
import { z } from 'zod';
import { businessDate } from '../calendar';
import type { MemberDoc } from '../schemas/member';
import { orderDocSchema, type FraudFlagDoc, type OrderDoc } from '../schemas/orders';
import { memberPointsSchema, type MemberPoints } from '../schemas/points';
import type { ReviewFlagResult } from '../contracts/points';
import { clawback, release } from './lots';
import { entryDraftSchema, growthStepSchema } from './order';
import { growthStep, revokeGrowth, type GrowthStep, type TierConfig } from './tiers';

export interface FraudReviewInput {
  decision: 'release' | 'confirm';
  flag: Pick<FraudFlagDoc, '_id' | 'lotId' | 'orderId'>;
  /** the order's other flags still open (the same points are at stake) */
  siblings: string[];
  member: MemberDoc;
  /** the flagged order (null: a flag of an order since removed) */
  order: OrderDoc | null;
  /** the forfeit entry `forfeit:<lotId>` is already written */
  forfeitRecorded: boolean;
  tiers: TierConfig;
  note: string;
  now: Date;
}

export const fraudReviewSchema = z.object({
  status: z.enum(['released', 'confirmed']),
  /** released: the member's points with the lot released (no movement, no entry) */
  releasedPoints: memberPointsSchema.nullable(),
  /** confirmed: the points forfeited and the entry explaining them */
  forfeit: z.object({ amount: z.number().int().positive(), points: memberPointsSchema, entry: entryDraftSchema }).nullable(),
  /** growth granted (release) or taken back (confirm); null: the member's growth does not move */
  tier: growthStepSchema.nullable(),
  orderUpdate: orderDocSchema.pick({ pointsForfeited: true, growthHeld: true, growthForfeited: true }).partial().strict(),
  result: z.object({
    flagId: z.string(),
    status: z.string(),
    changed: z.boolean(),
    stillHeldBy: z.array(z.string()).optional(),
    forfeited: z.number().int().optional(),
    closed: z.array(z.string()).optional(),
  }) satisfies z.ZodType<ReviewFlagResult>,
});
export type FraudReview = z.infer<typeof fraudReviewSchema>;

const pointsOf = (member: Pick<MemberDoc, 'points'>): MemberPoints => memberPointsSchema.parse(member.points ?? { available: 0, pending: 0 });

/** The order's growth not yet taken back or forfeited. */
const growthLeft = (o: OrderDoc) => Math.max(0, o.growth - o.growthClawed - (o.growthForfeited ?? 0));

function decideRelease(input: FraudReviewInput): FraudReview {
  const { member, order, siblings, now } = input;
  const p = pointsOf(member);
  const lot = p.pendingLots.find((l) => l.id === input.flag.lotId);
  const free = siblings.length === 0;
  const grant = free && order?.growthHeld ? growthLeft(order) : 0;
  const tier: GrowthStep | null = free && order?.growthHeld ? growthStep(member, member.growth + grant, input.tiers, now, businessDate(now)) : null;
  return {
    status: 'released',
    releasedPoints: lot?.held && free ? { ...release(p, lot.id), seq: p.seq + 1, reconcileDue: true } : null,
    forfeit: null,
    tier,
    orderUpdate: tier ? { growthHeld: false } : {},
    result: { flagId: input.flag._id, status: 'released', changed: true, stillHeldBy: lot?.held ? siblings : [] },
  };
}

function decideConfirm(input: FraudReviewInput): FraudReview {
  const { member, order, flag, now } = input;
  const p = pointsOf(member);
  const left =
    p.pendingLots.filter((l) => l.id === flag.lotId).reduce((s, l) => s + l.amount, 0) +
    p.lots.filter((l) => l.id === flag.lotId).reduce((s, l) => s + l.remaining, 0);
  const forfeiting = left > 0 && !input.forfeitRecorded;
  const r = forfeiting ? clawback(p, flag.lotId, left, 'forfeit') : null;
  const growth = order ? growthLeft(order) : 0;
  // Held growth was never granted: it is forfeited on the order only. Granted growth is taken back.
  const tier = order && !order.growthHeld && growth > 0 ? revokeGrowth(member, growth, input.tiers, now, businessDate(now)) : null;
  const orderUpdate: FraudReview['orderUpdate'] = {};
  if (order && forfeiting) orderUpdate.pointsForfeited = (order.pointsForfeited ?? 0) + left;
  if (order?.growthHeld) orderUpdate.growthHeld = false;
  if (order && growth > 0) orderUpdate.growthForfeited = (order.growthForfeited ?? 0) + growth;
  return {
    status: 'confirmed',
    releasedPoints: null,
    forfeit: r && {
      amount: left,
      points: r.points,
      entry: {
        id: `forfeit:${flag.lotId}`,
        kind: 'forfeit',
        movement: r.movement,
        reason: `风险订单积分作废：${input.note || '商家确认'}`,
        ref: { type: 'order', id: flag.orderId },
      },
    },
    tier,
    orderUpdate,
    result: { flagId: flag._id, status: 'confirmed', changed: true, forfeited: forfeiting ? left : 0, closed: input.siblings },
  };
}

/** The whole effect of the merchant's verdict on an open flag (see the file's head). */
export function decideFraudReview(input: FraudReviewInput): FraudReview {
  return input.decision === 'release' ? decideRelease(input) : decideConfirm(input);
}
