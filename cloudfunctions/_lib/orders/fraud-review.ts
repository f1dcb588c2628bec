/**
 * The merchant's verdict on a fraud flag: read the flag, its open siblings, the member, the order and
 * whether the forfeit is already written; decide (shared/rules/fraud-review.ts); write the decision
 * in one transaction.
 */
import { AppError } from '../../../shared/errors';
import type { ReviewFlagResult } from '../../../shared/contracts/points';
import { FRAUD_REASONS, type FraudKind } from '../../../shared/rules/fraud';
import { decideFraudReview, type FraudReview } from '../../../shared/rules/fraud-review';
import type { FraudFlagDoc, OrderDoc } from '../../../shared/schemas/orders';
import type { MemberDoc } from '../../../shared/schemas/member';
import type { Actor } from '../platform/auth';
import { database } from '../platform/cloud';
import { inTransaction, txGet, type Tx } from '../platform/db';
import { commitPoints, txEntry, txMember } from '../points';
import { loadTierConfig, recordTierStep } from '../tiers';

const FRAUD_KINDS = Object.keys(FRAUD_REASONS) as FraudKind[];

interface FlagReview {
  flagId: string;
  decision: 'release' | 'confirm';
  note: string;
  reviewer: Actor;
  now: Date;
}

/** The order's other open flags (ids are `fraud:<orderId>:<kind>`): the same points are at stake. */
async function openSiblings(tx: Tx, orderId: string, flagId: string): Promise<string[]> {
  const siblings: string[] = [];
  for (const kind of FRAUD_KINDS) {
    const id = `fraud:${orderId}:${kind}`;
    if (id === flagId) continue;
    const other = await txGet<{ status: string }>(tx, 'fraud_flags', id);
    if (other?.status === 'open') siblings.push(id);
  }
  return siblings;
}

export async function reviewFraudFlag(review: FlagReview): Promise<ReviewFlagResult> {
  const tiers = await loadTierConfig();
  return inTransaction(async (tx) => {
    const flag = await txGet<FraudFlagDoc>(tx, 'fraud_flags', review.flagId);
    if (!flag) throw new AppError('NOT_FOUND', '风险记录不存在');
    if (flag.status !== 'open') return { flagId: review.flagId, status: flag.status, changed: false };
    const siblings = await openSiblings(tx, flag.orderId, review.flagId);
    const member = await txMember(tx, flag.memberId);
    const order = await txGet<OrderDoc>(tx, 'orders', flag.orderId);
    const forfeitRecorded = review.decision === 'confirm' && (await txEntry(tx, `forfeit:${flag.lotId}`)) !== null;
    const d = decideFraudReview({
      decision: review.decision,
      flag: { ...flag, _id: review.flagId },
      siblings,
      member,
      order: order && { ...order, _id: flag.orderId },
      forfeitRecorded,
      tiers,
      note: review.note,
      now: review.now,
    });
    await writeReview(tx, { review, member, orderId: flag.orderId, siblings, d, configVersion: tiers.version });
    return d.result;
  });
}

async function writeReview(
  tx: Tx,
  w: { review: FlagReview; member: MemberDoc; orderId: string; siblings: string[]; d: FraudReview; configVersion: number },
): Promise<void> {
  const { review, member, d } = w;
  const { reviewer, now } = review;
  await tx
    .collection('fraud_flags')
    .doc(review.flagId)
    .update({ data: { status: d.status, reviewedBy: reviewer.openid, reviewedAt: now, note: review.note } });
  if (d.status === 'confirmed')
    for (const id of w.siblings)
      await tx
        .collection('fraud_flags')
        .doc(id)
        .update({ data: { status: 'confirmed', reviewedBy: reviewer.openid, reviewedAt: now, note: `随 ${review.flagId} 确认` } });
  const tierFields = d.tier ? d.tier.fields : {};
  if (d.forfeit) await commitPoints(tx, member, d.forfeit.points, [{ ...d.forfeit.entry, actor: reviewer }], now, tierFields);
  else if (d.releasedPoints || d.tier) {
    const points = d.releasedPoints ? { points: database().command.set(d.releasedPoints) } : {};
    await tx
      .collection('members')
      .doc(member._id)
      .update({ data: { ...tierFields, ...points, updatedAt: now } });
  }
  if (d.tier) await recordTierStep(tx, member._id, d.tier, w.configVersion);
  if (Object.keys(d.orderUpdate).length > 0) await tx.collection('orders').doc(w.orderId).update({ data: d.orderUpdate });
}
