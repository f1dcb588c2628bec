/**
 * Points spent at the counter (a redemption) and the merchant's manual adjustments, each decided by
 * one pure function (read, decide, write): the member's next points and the ledger entry that
 * explains them, or a refusal. The caller's transaction writes the value (`_lib/points/spend.ts`).
 */
import { z } from 'zod';
import { memberPointsSchema, type EarningRules, type MemberPoints } from '../schemas/points';
import { earn, expiryDate, spend } from './lots';
import { entryDraftSchema } from './order';

/** A refusal carries the code only: a message naming the balance would let a clerk learn it by trying amounts. */
const refusalSchema = z.object({ kind: z.literal('refused'), code: z.literal('INSUFFICIENT_POINTS') }).strict();

export const pointsMoveDecisionSchema = z.discriminatedUnion('kind', [
  refusalSchema,
  z.object({ kind: z.literal('move'), points: memberPointsSchema, entry: entryDraftSchema }).strict(),
]);
type PointsMoveDecision = z.infer<typeof pointsMoveDecisionSchema>;

interface RedemptionInput {
  points: MemberPoints;
  amount: number;
  requestId: string;
  reason: string;
  fingerprint: string;
}

/** A redemption spends from the lots that expire first; refused (nothing written) when available is short. */
export function decideRedemption(input: RedemptionInput): PointsMoveDecision {
  const { points: p, amount } = input;
  if (p.available < amount) return { kind: 'refused', code: 'INSUFFICIENT_POINTS' };
  const r = spend(p, amount);
  return {
    kind: 'move',
    points: r.points,
    entry: {
      id: `redeem:${input.requestId}`,
      kind: 'spend',
      movement: r.movement,
      reason: input.reason,
      ref: { type: 'redeem', id: input.requestId },
      fingerprint: input.fingerprint,
    },
  };
}

interface AdjustmentInput {
  points: MemberPoints;
  /** points added (> 0, available at once, expiring by the rules) or taken (< 0, from the lots that expire first) */
  delta: number;
  requestId: string;
  reason: string;
  fingerprint: string;
  rules: Pick<EarningRules, 'expiry'>;
  today: string;
}

export function decideAdjustment(input: AdjustmentInput): PointsMoveDecision {
  const { points: p, delta, today } = input;
  const id = `adjust:${input.requestId}`;
  if (delta < 0 && p.available < -delta) return { kind: 'refused', code: 'INSUFFICIENT_POINTS' };
  const r =
    delta > 0 ? earn(p, { id, amount: delta, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, input.rules.expiry), today }) : spend(p, -delta);
  return {
    kind: 'move',
    points: r.points,
    entry: {
      id,
      kind: 'adjust',
      movement: r.movement,
      reason: `商家调整：${input.reason}`,
      ref: { type: 'adjust', id: input.requestId },
      fingerprint: input.fingerprint,
    },
  };
}
