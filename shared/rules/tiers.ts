/**
 * Tier ladder (defaults; the merchant's versioned configuration replaces them).
 * Invariant: thresholds strictly increase and the first tier starts at 0 growth.
 */
export interface TierDef {
  id: string;
  name: string;
  /** growth value needed to qualify */
  threshold: number;
  color: string;
}

export const DEFAULT_TIERS: readonly TierDef[] = [
  { id: 'normal', name: '普通会员', threshold: 0, color: '#8a8f99' },
  { id: 'silver', name: '银卡会员', threshold: 1000, color: '#9aa7b8' },
  { id: 'gold', name: '金卡会员', threshold: 5000, color: '#c9a227' },
  { id: 'diamond', name: '钻石会员', threshold: 20000, color: '#3f51b5' },
];

/** The highest tier whose threshold the growth value reaches. */
export function tierForGrowth(growth: number, tiers: readonly TierDef[] = DEFAULT_TIERS): TierDef {
  let current = tiers[0];
  for (const tier of tiers) if (growth >= tier.threshold) current = tier;
  return current;
}

export function tierById(id: string, tiers: readonly TierDef[] = DEFAULT_TIERS): TierDef {
  return tiers.find((t) => t.id === id) ?? tiers[0];
}

/** The tier after `current` and the growth still needed to reach it; null at the top. */
export function nextTier(current: TierDef, growth: number, tiers: readonly TierDef[] = DEFAULT_TIERS): { tier: TierDef; growthNeeded: number } | null {
  const index = tiers.findIndex((t) => t.id === current.id);
  const next = tiers[index + 1];
  if (!next) return null;
  return { tier: next, growthNeeded: Math.max(0, next.threshold - growth) };
}
