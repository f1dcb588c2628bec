/**
 * The points write path. Every change of a member's points goes through `commitPoints`: in ONE
 * transaction it writes the member's new `points` (and any other member fields given) and adds the
 * ledger entries, each keyed by its idempotency key. Invariants:
 *  - an entry's `_id` is its idempotency key; `applyEntry` reads it first (txGet), so a retry, a
 *    lost reply or a replay finds it and changes nothing;
 *  - Σ entry.delta == points.available and Σ entry.pendingDelta == points.pending (balanceAfter /
 *    pendingAfter are those running sums);
 *  - the lots invariants (shared/rules/lots.ts `checkPoints`) hold before anything is written, or
 *    nothing is written (INTERNAL);
 *  - callbacks are re-runnable: nothing here has effects outside the transaction.
 */
import { AppError } from '../../../shared/errors';
import type { MemberDoc } from '../../../shared/schemas/member';
import { memberPointsSchema, type LedgerEntry, type LedgerKind, type MemberPoints } from '../../../shared/schemas/points';
import { checkPoints, forfeitAll, type Movement } from '../../../shared/rules/lots';
import { MAX_POINTS } from '../../../shared/schemas/common';
import { database } from '../platform/cloud';
import { txGet, type Tx } from '../platform/db';
import { log } from '../platform/log';

export interface EntryDraft {
  id: string;
  kind: LedgerKind;
  movement: Movement;
  reason: string;
  ref: { type: string; id: string };
  maturesOn?: string;
  shortfall?: LedgerEntry['shortfall'];
  refund?: LedgerEntry['refund'];
  actor?: LedgerEntry['actor'];
  fingerprint?: string;
}

/** The member's points with defaults filled in (documents written before lots existed read as empty lots). */
export function memberPoints(member: Pick<MemberDoc, 'points'>): MemberPoints {
  return memberPointsSchema.parse(member.points ?? { available: 0, pending: 0 });
}

/**
 * The member, read inside the transaction; MEMBER_NOT_FOUND when missing. With `live`, an erased
 * account (deletedAt) is MEMBER_NOT_FOUND too: every path that credits or spends passes it, so an
 * account erased between the look-up and the write takes nothing. Jobs and reviews that settle
 * what is already booked read erased members as they are.
 */
export async function txMember(tx: Tx, memberId: string, options: { live?: boolean } = {}): Promise<MemberDoc> {
  const member = await txGet<MemberDoc>(tx, 'members', memberId);
  if (!member || (options.live && member.deletedAt)) throw new AppError('MEMBER_NOT_FOUND');
  return { ...member, _id: memberId };
}

export async function txEntry(tx: Tx, id: string): Promise<LedgerEntry | null> {
  const e = await txGet<LedgerEntry>(tx, 'ledger', id);
  return e ? { ...e, _id: id } : null;
}

/**
 * The entries that explain the change from the member's current points to `next`, and the points
 * to write (sequence moved on, due for reconciliation). Throws INTERNAL if the movements do not add
 * up or an invariant breaks. `commitPoints` writes both; a new member is added with them (register).
 */
export function pointsChange(
  member: Pick<MemberDoc, '_id' | 'points'>,
  next: MemberPoints,
  drafts: readonly EntryDraft[],
  now: Date,
): { points: MemberPoints; entries: LedgerEntry[] } {
  const before = memberPoints(member);
  let available = before.available;
  let pending = before.pending;
  const entries: LedgerEntry[] = drafts.map((d) => {
    available += d.movement.delta;
    pending += d.movement.pendingDelta;
    const entry: LedgerEntry = {
      _id: d.id,
      memberId: member._id,
      kind: d.kind,
      delta: d.movement.delta,
      pendingDelta: d.movement.pendingDelta,
      reason: d.reason,
      ref: d.ref,
      balanceAfter: available,
      pendingAfter: pending,
      createdAt: now,
    };
    if (d.maturesOn) entry.maturesOn = d.maturesOn;
    if (d.shortfall) entry.shortfall = d.shortfall;
    if (d.refund) entry.refund = d.refund;
    if (d.actor) entry.actor = d.actor;
    if (d.fingerprint) entry.fingerprint = d.fingerprint;
    return entry;
  });
  const problems = checkPoints(next);
  if (available !== next.available) problems.push(`entries give available ${available}, points say ${next.available}`);
  if (pending !== next.pending) problems.push(`entries give pending ${pending}, points say ${next.pending}`);
  if (next.available > MAX_POINTS || next.pending > MAX_POINTS) {
    // Far beyond any real balance, and inside the safe integers: nothing is ever silently rounded away.
    throw new AppError('POINTS_LIMIT_EXCEEDED', undefined, { max: MAX_POINTS });
  }
  if (problems.length) {
    log.error('[ledger] refusing an inconsistent change', member._id, problems);
    throw new AppError('INTERNAL', undefined, { problems });
  }
  return { points: { ...next, seq: before.seq + 1, reconcileDue: true }, entries };
}

/**
 * Writes `next` as the member's points with the entries that explain the change from the member's
 * current points. Throws INTERNAL (writing nothing) if the movements do not add up or an invariant breaks.
 */
export async function commitPoints(
  tx: Tx,
  member: MemberDoc,
  next: MemberPoints,
  drafts: readonly EntryDraft[],
  now: Date,
  memberFields: Record<string, unknown> = {},
  /** the caller proved the new points against the ledger in this transaction (the nightly job): not due for reconciliation */
  options: { reconciled?: boolean } = {},
): Promise<LedgerEntry[]> {
  const change = pointsChange(member, next, drafts, now);
  const entries = change.entries;
  const points: MemberPoints = { ...change.points, reconcileDue: !options.reconciled };
  const _ = database().command;
  await tx
    .collection('members')
    .doc(member._id)
    .update({ data: { ...memberFields, points: _.set(points), updatedAt: now } });
  for (const entry of entries) await tx.collection('ledger').add({ data: entry });
  return entries;
}

/**
 * One idempotent change: if the entry `draft.id` exists, answers it and changes nothing; otherwise
 * applies `transition` to the member's points and commits it with the entry.
 */
export async function applyEntry(
  tx: Tx,
  member: MemberDoc,
  draft: Omit<EntryDraft, 'movement'>,
  transition: (points: MemberPoints) => { points: MemberPoints; movement: Movement; shortfall?: number },
  now: Date,
  memberFields: Record<string, unknown> = {},
  /** the caller already read the key and found nothing (saves a request) */
  options: { knownAbsent?: boolean } = {},
): Promise<{ applied: boolean; entry: LedgerEntry }> {
  const existing = options.knownAbsent ? null : await txEntry(tx, draft.id);
  if (existing) return { applied: false, entry: existing };
  const result = transition(memberPoints(member));
  const [entry] = await commitPoints(tx, member, result.points, [{ ...draft, movement: result.movement }], now, memberFields);
  return { applied: true, entry };
}

/**
 * Account deletion: forfeits everything available and pending (any debt is written off), in the
 * caller's transaction, keyed `forfeit:<memberId>` so a retried deletion forfeits once. Answers the
 * entry, or null when there was nothing to forfeit or it was already done.
 */
export async function forfeitAllPoints(tx: Tx, member: MemberDoc, reason: string, now: Date = new Date()): Promise<LedgerEntry | null> {
  const p = memberPoints(member);
  if (p.available === 0 && p.pending === 0 && p.debt === 0 && p.lots.length === 0 && p.pendingLots.length === 0) return null;
  const { applied, entry } = await applyEntry(
    tx,
    member,
    { id: `forfeit:${member._id}`, kind: 'forfeit', reason, ref: { type: 'member', id: member._id } },
    forfeitAll,
    now,
  );
  return applied ? entry : null;
}
