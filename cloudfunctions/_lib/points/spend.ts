/**
 * Spending points at the counter and the merchant's adjustments: read the member (and, for an
 * adjustment, its key), decide (shared/rules/points-spend.ts), write the decision with its entry in
 * one transaction. Each is keyed by its request id: a replay answers the first result, a reuse for
 * another member or amount is IDEMPOTENCY_KEY_REUSED.
 */
import { AppError } from '../../../shared/errors';
import type { EntryResult } from '../../../shared/contracts/points';
import { businessDate } from '../../../shared/calendar';
import type { LedgerEntry } from '../../../shared/schemas/points';
import { decideAdjustment, decideRedemption } from '../../../shared/rules/points-spend';
import type { Actor } from '../platform/auth';
import { getById, inTransaction, isDuplicateKey, memberTurn } from '../platform/db';
import { fingerprint, isKeyRecorded, KeyRecorded, replayOf } from '../platform/idempotency';
import { loadRules } from './earning-rules';
import { commitPoints, memberPoints, txEntry, txMember } from './ledger';

interface PointsRequest {
  memberId: string;
  requestId: string;
  reason: string;
  actor: Actor;
  now: Date;
}

/** One key, one redemption: a replay answers it, a reuse for another member or amount is refused. */
async function redemptionReplay(req: PointsRequest & { amount: number }): Promise<EntryResult> {
  const id = `redeem:${req.requestId}`;
  const existing = await getById<LedgerEntry>('ledger', id);
  if (!existing) throw new AppError('CONFLICT');
  replayOf(
    existing,
    { memberId: req.memberId, amount: req.amount },
    { key: req.requestId, legacySame: (e) => e.memberId === req.memberId && -(e.delta + e.pendingDelta) === req.amount },
  );
  return { entryId: id, balanceAfter: existing.balanceAfter, duplicate: true };
}

/** Points spent at the counter: the lots that expire first go first. */
export async function redeemPoints(req: PointsRequest & { amount: number }): Promise<EntryResult> {
  const id = `redeem:${req.requestId}`;
  const params = { memberId: req.memberId, amount: req.amount };
  try {
    return await inTransaction(async (tx) => {
      // No read of the key on the way in: the entry's add fails on a replay (its `_id` is the key),
      // and only a refusal looks first (outside the transaction), so a replay is answered as
      // recorded whatever the balance is now.
      const refuse = async (error: unknown): Promise<never> => {
        if (error instanceof AppError && (await getById<LedgerEntry>('ledger', id))) throw new KeyRecorded(id);
        throw error;
      };
      const member = await txMember(tx, req.memberId, { live: true }).catch(refuse);
      const d = decideRedemption({
        points: memberPoints(member),
        amount: req.amount,
        requestId: req.requestId,
        reason: req.reason,
        fingerprint: fingerprint(params),
      });
      if (d.kind === 'refused') return refuse(new AppError(d.code));
      const [entry] = await commitPoints(tx, member, d.points, [{ ...d.entry, actor: req.actor }], req.now);
      return { entryId: entry._id, balanceAfter: entry.balanceAfter, duplicate: false };
    }, memberTurn(req.memberId));
  } catch (e) {
    if (isKeyRecorded(e, isDuplicateKey)) return redemptionReplay(req);
    throw e;
  }
}

/** The merchant's adjustment with a required reason; the entry records who, when and why. */
export async function adjustPoints(req: PointsRequest & { delta: number }): Promise<EntryResult> {
  const { rules } = await loadRules();
  const id = `adjust:${req.requestId}`;
  const params = { memberId: req.memberId, delta: req.delta };
  return inTransaction(async (tx) => {
    // A request id names one adjustment: reused for another member or amount it is refused, not silently answered.
    const existing = await txEntry(tx, id);
    const seen = replayOf(existing, params, {
      key: req.requestId,
      message: 'requestId 已用于另一笔调整',
      legacySame: (e) => e.memberId === req.memberId && e.delta + e.pendingDelta === req.delta,
    });
    if (seen === 'replay' && existing) return { entryId: existing._id, balanceAfter: existing.balanceAfter, duplicate: true };
    const member = await txMember(tx, req.memberId, { live: true });
    const d = decideAdjustment({
      points: memberPoints(member),
      delta: req.delta,
      requestId: req.requestId,
      reason: req.reason,
      fingerprint: fingerprint(params),
      rules,
      today: businessDate(req.now),
    });
    if (d.kind === 'refused') throw new AppError(d.code);
    const [entry] = await commitPoints(tx, member, d.points, [{ ...d.entry, actor: req.actor }], req.now);
    return { entryId: entry._id, balanceAfter: entry.balanceAfter, duplicate: false };
  }, memberTurn(req.memberId));
}
