/**
 * The points mall's pure rules: when an item may be redeemed, and which lots a redemption spent from.
 * A cancellation gives the points back through the ledger's restore path (shared/rules/lots.ts
 * `restore`): every lot with its ORIGINAL dates, and a lot whose expiry passed meanwhile comes back
 * expired at once, never spendable.
 */
import type { MemberPoints } from '../schemas/points';
import type { MallItemDoc, SpentLot } from '../schemas/mall';

type Unavailable = 'off_shelf' | 'not_yet' | 'ended' | 'tier';

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
