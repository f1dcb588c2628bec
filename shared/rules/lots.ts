/**
 * Points lots: pure state transitions over a member's points (no I/O).
 *
 * Invariants, asserted by `checkPoints` and kept by every function here:
 *  I1 available == Σ lots.remaining − debt
 *  I2 debt > 0 ⇒ lots is empty (earnings repay the debt before they form a lot)
 *  I3 pending == Σ pendingLots.amount
 *  I4 every lot's remaining and every pending lot's amount is a positive integer
 *  I5 a spend never takes available below zero (it is refused instead)
 * Each transition also answers the movement (delta of available, delta of pending) that its ledger
 * entry records, so Σ entries == balance holds by construction.
 *
 * Dates are Shanghai business days `YYYY-MM-DD`; they compare as strings.
 */
import { businessDate, dayjs } from '../calendar';
import type { ExpiryPolicy, Lot, MemberPoints, PendingLot } from '../schemas/points';

export interface Movement {
  delta: number;
  pendingDelta: number;
}

export class PointsRuleError extends Error {
  constructor(
    readonly code: 'INSUFFICIENT_POINTS',
    message: string,
  ) {
    super(message);
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const byExpiry = (a: { expiresOn: string; id: string }, b: { expiresOn: string; id: string }) =>
  a.expiresOn < b.expiresOn ? -1 : a.expiresOn > b.expiresOn ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The first business day on which points earned on `earnedOn` no longer count. */
export function expiryDate(earnedOn: string, policy: ExpiryPolicy): string {
  if (policy.kind === 'rolling') return dayjs(earnedOn).add(policy.months, 'month').format('YYYY-MM-DD');
  return `${Number(earnedOn.slice(0, 4)) + 2}-01-01`;
}

/** Recomputes the derived fields (totals, next event) from the lots. */
export function normalise(p: MemberPoints): MemberPoints {
  const lots = p.lots.filter((l) => l.remaining > 0).sort(byExpiry);
  const pendingLots = p.pendingLots.filter((l) => l.amount > 0).sort((a, b) => (a.maturesOn < b.maturesOn ? -1 : a.maturesOn > b.maturesOn ? 1 : 0));
  const dates = [...lots.map((l) => l.expiresOn), ...pendingLots.filter((l) => !l.held).flatMap((l) => [l.maturesOn, l.expiresOn])].sort();
  return {
    ...p,
    lots,
    pendingLots,
    available: sum(lots.map((l) => l.remaining)) - p.debt,
    pending: sum(pendingLots.map((l) => l.amount)),
    nextEventOn: dates[0] ?? null,
  };
}

/** The invariants I1–I4; answers the broken ones (empty when consistent). */
export function checkPoints(p: MemberPoints): string[] {
  const problems: string[] = [];
  const lotSum = sum(p.lots.map((l) => l.remaining));
  if (p.available !== lotSum - p.debt) problems.push(`available ${p.available} ≠ Σ lots ${lotSum} − debt ${p.debt}`);
  if (p.debt < 0) problems.push(`negative debt ${p.debt}`);
  if (p.debt > 0 && p.lots.length > 0) problems.push(`debt ${p.debt} while ${p.lots.length} lots remain`);
  const pendingSum = sum(p.pendingLots.map((l) => l.amount));
  if (p.pending !== pendingSum) problems.push(`pending ${p.pending} ≠ Σ pending lots ${pendingSum}`);
  for (const l of p.lots) if (!(Number.isInteger(l.remaining) && l.remaining > 0)) problems.push(`lot ${l.id} holds ${l.remaining}`);
  for (const l of p.pendingLots) if (!(Number.isInteger(l.amount) && l.amount > 0)) problems.push(`pending lot ${l.id} holds ${l.amount}`);
  return problems;
}

/** Adds available points as a lot, repaying any debt first. */
function addAvailable(p: MemberPoints, lot: Lot): MemberPoints {
  const repaid = Math.min(p.debt, lot.remaining);
  const rest = lot.remaining - repaid;
  return normalise({ ...p, debt: p.debt - repaid, lots: rest > 0 ? [...p.lots, { ...lot, remaining: rest }] : p.lots });
}

interface EarnInput {
  id: string;
  amount: number;
  earnedOn: string;
  maturesOn: string;
  expiresOn: string;
  held?: boolean;
  today: string;
}

/** Earned points: pending until `maturesOn` (or held), available at once when already due. */
export function earn(p: MemberPoints, e: EarnInput): { points: MemberPoints; movement: Movement } {
  if (e.amount <= 0) return { points: normalise(p), movement: { delta: 0, pendingDelta: 0 } };
  if (!e.held && e.maturesOn <= e.today) {
    const next = addAvailable(p, { id: e.id, remaining: e.amount, earnedOn: e.earnedOn, expiresOn: e.expiresOn });
    return { points: next, movement: { delta: e.amount, pendingDelta: 0 } };
  }
  const lot: PendingLot = { id: e.id, amount: e.amount, earnedOn: e.earnedOn, maturesOn: e.maturesOn, expiresOn: e.expiresOn, held: e.held ?? false };
  return { points: normalise({ ...p, pendingLots: [...p.pendingLots, lot] }), movement: { delta: 0, pendingDelta: e.amount } };
}

/** Pending lots due on `today` (not held) become available; one movement per lot. */
export function mature(p: MemberPoints, today: string): { points: MemberPoints; matured: { lot: PendingLot; movement: Movement }[] } {
  let next = p;
  const matured: { lot: PendingLot; movement: Movement }[] = [];
  for (const lot of p.pendingLots) {
    if (lot.held || lot.maturesOn > today) continue;
    next = normalise({ ...next, pendingLots: next.pendingLots.filter((l) => l.id !== lot.id) });
    next = addAvailable(next, { id: lot.id, remaining: lot.amount, earnedOn: lot.earnedOn, expiresOn: lot.expiresOn });
    matured.push({ lot, movement: { delta: lot.amount, pendingDelta: -lot.amount } });
  }
  return { points: normalise(next), matured };
}

/** Releases a held pending lot (it matures on its date, or at the next run if already due). */
export function release(p: MemberPoints, lotId: string): MemberPoints {
  return normalise({ ...p, pendingLots: p.pendingLots.map((l) => (l.id === lotId ? { ...l, held: false } : l)) });
}

/** Lots whose expiry day has come lose exactly what is left of them; one movement per lot. */
export function expire(p: MemberPoints, today: string): { points: MemberPoints; expired: { lot: Lot; movement: Movement }[] } {
  const expired = p.lots.filter((l) => l.expiresOn <= today).map((lot) => ({ lot, movement: { delta: -lot.remaining, pendingDelta: 0 } }));
  return { points: normalise({ ...p, lots: p.lots.filter((l) => l.expiresOn > today) }), expired };
}

/** Consumes `amount` from the lots that expire first. Refused (I5) when available is short. */
export function spend(p: MemberPoints, amount: number): { points: MemberPoints; movement: Movement; consumed: { id: string; amount: number }[] } {
  if (!Number.isInteger(amount) || amount <= 0) throw new RangeError(`spend of ${amount}`);
  if (p.available < amount) throw new PointsRuleError('INSUFFICIENT_POINTS', `可用积分不足（可用 ${p.available}，需要 ${amount}）`);
  let left = amount;
  const consumed: { id: string; amount: number }[] = [];
  const lots = [...p.lots].sort(byExpiry).map((l) => {
    const take = Math.min(left, l.remaining);
    left -= take;
    if (take > 0) consumed.push({ id: l.id, amount: take });
    return { ...l, remaining: l.remaining - take };
  });
  return { points: normalise({ ...p, lots }), movement: { delta: -amount, pendingDelta: 0 }, consumed };
}

/**
 * Takes back `amount` points earned by lot `lotId` (a refund): from the lot while it is pending,
 * else from what is left of it, then from the lots that expire first; what was already spent is
 * the shortfall, carried as a debt or forfeited as the policy says.
 */
export function clawback(
  p: MemberPoints,
  lotId: string,
  amount: number,
  policy: 'debt' | 'forfeit',
): { points: MemberPoints; movement: Movement; shortfall: number } {
  if (amount <= 0) return { points: normalise(p), movement: { delta: 0, pendingDelta: 0 }, shortfall: 0 };
  let left = amount;
  let fromPending = 0;
  const pendingLots = p.pendingLots.map((l) => {
    if (l.id !== lotId) return l;
    const take = Math.min(left, l.amount);
    left -= take;
    fromPending += take;
    return { ...l, amount: l.amount - take };
  });
  let fromAvailable = 0;
  const own = p.lots.filter((l) => l.id === lotId);
  const others = p.lots.filter((l) => l.id !== lotId).sort(byExpiry);
  const lots = [...own, ...others].map((l) => {
    const take = Math.min(left, l.remaining);
    left -= take;
    fromAvailable += take;
    return { ...l, remaining: l.remaining - take };
  });
  const shortfall = left;
  const debt = policy === 'debt' ? p.debt + shortfall : p.debt;
  const next = normalise({ ...p, pendingLots, lots, debt });
  return {
    points: next,
    movement: { delta: -fromAvailable - (policy === 'debt' ? shortfall : 0), pendingDelta: -fromPending },
    shortfall,
  };
}

/** A lot a spend took from, with its dates: what restoring it needs. */
interface SpentFrom {
  id: string;
  amount: number;
  earnedOn: string;
  expiresOn: string;
}

/**
 * Gives back what a spend took (a cancelled redemption), lot by lot with the ORIGINAL earned and
 * expiry dates, under ids `<lotId>~<ref>` (so the nightly job's `expire:<lotId>` keys never meet
 * twice). A lot whose expiry day has come by `today` comes back expired: restored in the refund's
 * movement and expired at once, one movement per lot (`expire:<lotId>~<ref>`), so it is never
 * spendable and never repays a debt; the valid lots repay any debt first, as any earning does.
 */
export function restore(
  p: MemberPoints,
  spent: readonly SpentFrom[],
  ref: string,
  today: string,
): { points: MemberPoints; movement: Movement; expired: { lot: Lot; movement: Movement }[] } {
  let debt = p.debt;
  const lots = [...p.lots];
  const expired: { lot: Lot; movement: Movement }[] = [];
  for (const s of spent) {
    const lot: Lot = { id: `${s.id}~${ref}`, remaining: s.amount, earnedOn: s.earnedOn, expiresOn: s.expiresOn };
    if (s.expiresOn <= today) {
      expired.push({ lot, movement: { delta: -s.amount, pendingDelta: 0 } });
      continue;
    }
    const repaid = Math.min(debt, s.amount);
    debt -= repaid;
    if (s.amount > repaid) lots.push({ ...lot, remaining: s.amount - repaid });
  }
  return { points: normalise({ ...p, debt, lots }), movement: { delta: sum(spent.map((s) => s.amount)), pendingDelta: 0 }, expired };
}

/** Account deletion: everything available and pending is forfeited, any debt written off. */
export function forfeitAll(p: MemberPoints): { points: MemberPoints; movement: Movement } {
  const movement = { delta: -p.available, pendingDelta: -p.pending };
  return { points: normalise({ ...p, lots: [], pendingLots: [], debt: 0 }), movement };
}

/** Card and history figures: what is available, pending, and expires within `days` (default 30). */
export function pointsSummary(
  p: Partial<MemberPoints> & { available: number; pending: number },
  now: Date,
  days = 30,
): { available: number; pending: number; expiringSoon: number } {
  const today = businessDate(now);
  const horizon = dayjs(today).add(days, 'day').format('YYYY-MM-DD');
  const lots = p.lots ?? [];
  const expiringSoon = Math.max(0, Math.min(p.available, sum(lots.filter((l) => l.expiresOn <= horizon).map((l) => l.remaining))));
  return { available: p.available, pending: p.pending, expiringSoon };
}
