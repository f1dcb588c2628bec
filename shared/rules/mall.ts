/**
 * The points mall's pure rules: when an item may be redeemed, and how a cancellation gives the points
 * back. Restoring is exact: every lot the redemption spent from comes back with its ORIGINAL earned
 * and expiry dates (a lot whose expiry has passed meanwhile expires at the next nightly run, as it
 * would have), under its own id `<lotId>~<orderId>` so the nightly job's `expire:<lotId>` keys never
 * meet twice. A debt (refund shortfall) is repaid first, as with any earning.
 */
import { normalise, type Movement } from './lots';
import type { MemberPoints } from '../schemas/points';
import type { MallItemDoc, SpentLot } from '../schemas/mall';

export type Unavailable = 'off_shelf' | 'not_yet' | 'ended' | 'tier';

/** Why an item cannot be redeemed by a member of `tierId` at `now` (null: it can). */
export function unavailableReason(item: Pick<MallItemDoc, 'status' | 'onShelfFrom' | 'onShelfTo' | 'tiers'>, tierId: string, now: Date): Unavailable | null {
  if (item.status !== 'on') return 'off_shelf';
  if (item.onShelfFrom && now.getTime() < new Date(item.onShelfFrom).getTime()) return 'not_yet';
  if (item.onShelfTo && now.getTime() >= new Date(item.onShelfTo).getTime()) return 'ended';
  if (item.tiers && !item.tiers.includes(tierId)) return 'tier';
  return null;
}

export const UNAVAILABLE_TEXT: Record<Unavailable, string> = {
  off_shelf: '商品已下架',
  not_yet: '商品尚未上架',
  ended: '兑换已结束',
  tier: '当前会员等级不可兑换',
};

/** The lots a spend took, with their dates, from the points before the spend and `consumed`. */
export function spentLots(before: MemberPoints, consumed: { id: string; amount: number }[]): SpentLot[] {
  return consumed.map((c) => {
    const lot = before.lots.find((l) => l.id === c.id);
    if (!lot) throw new Error(`spent lot ${c.id} not found`);
    return { id: c.id, amount: c.amount, earnedOn: lot.earnedOn, expiresOn: lot.expiresOn };
  });
}

/** Gives back what a redemption spent, lot by lot with the original dates (see above). */
export function restoreSpent(p: MemberPoints, spent: SpentLot[], orderId: string): { points: MemberPoints; movement: Movement } {
  let debt = p.debt;
  const lots = [...p.lots];
  let total = 0;
  for (const s of spent) {
    total += s.amount;
    const repaid = Math.min(debt, s.amount);
    debt -= repaid;
    const rest = s.amount - repaid;
    if (rest > 0) lots.push({ id: `${s.id}~${orderId}`, remaining: rest, earnedOn: s.earnedOn, expiresOn: s.expiresOn });
  }
  return { points: normalise({ ...p, debt, lots }), movement: { delta: total, pendingDelta: 0 } };
}
