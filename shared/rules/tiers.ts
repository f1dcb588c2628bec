/**
 * Tier engine: pure rules, no I/O.
 *
 * Invariants
 * - A ladder's thresholds strictly increase and its first tier starts at 0 growth.
 * - Upgrades happen at once, on the qualifying event, straight to the highest tier the growth value
 *   reaches (never skipping a qualifying tier, never above it).
 * - Downgrades happen only at the periodic review, at most one level per review, and only after a
 *   grace period that starts at the first review at which the member no longer qualifies.
 * - Every change of tier (and the start of a grace period) yields a `TierChange` the caller records.
 * - A review is idempotent per member per period: reviewing a period already reviewed changes nothing.
 */

/**
 * A tier's benefits as entitlements the code honours (never free text): the points multiplier (the
 * earning rules apply it), the birthday coupon template (the birthday job issues it), the member-day
 * discount (shown to the clerk at the till on member days) and free items (shown to the clerk, so many
 * a month). The member's words are derived from them (`describeBenefits`); nothing else is listed.
 */
interface TierBenefits {
  /** points earned per point-earning yuan are multiplied by this (1 = no bonus) */
  pointsMultiplier: number;
  /** the coupon template the birthday job issues to members of this tier; null = none */
  birthdayCouponTemplateId: string | null;
  /** member-day price as a percentage (95 = 9.5 折), shown to the clerk on member days; null = none */
  memberDay: { discountPercent: number } | null;
  /** items the clerk may give a member of this tier, at most `perMonth` each a month */
  freeItems: { name: string; perMonth: number }[];
}

/**
 * Benefits as stored before they became entitlements (booleans and free text): what still has a
 * meaning is kept (multiplier, member-day discount); promises nothing delivered (free shipping,
 * priority service, a birthday coupon without a template) are dropped.
 */
export function benefitsFromStored(raw: unknown): TierBenefits {
  const b = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const multiplier = typeof b.pointsMultiplier === 'number' && b.pointsMultiplier >= 1 ? b.pointsMultiplier : 1;
  const legacyPercent = typeof b.memberDayDiscountPercent === 'number' && b.memberDayDiscountPercent < 100 ? b.memberDayDiscountPercent : null;
  const memberDay =
    b.memberDay && typeof b.memberDay === 'object' && typeof (b.memberDay as { discountPercent?: unknown }).discountPercent === 'number'
      ? { discountPercent: (b.memberDay as { discountPercent: number }).discountPercent }
      : legacyPercent !== null
        ? { discountPercent: legacyPercent }
        : null;
  const freeItems = Array.isArray(b.freeItems)
    ? (b.freeItems as { name?: unknown; perMonth?: unknown }[])
        .filter((f) => typeof f?.name === 'string' && typeof f?.perMonth === 'number')
        .map((f) => ({ name: f.name as string, perMonth: f.perMonth as number }))
    : [];
  return {
    pointsMultiplier: multiplier,
    birthdayCouponTemplateId: typeof b.birthdayCouponTemplateId === 'string' && b.birthdayCouponTemplateId ? b.birthdayCouponTemplateId : null,
    memberDay,
    freeItems,
  };
}

export interface TierDef {
  id: string;
  name: string;
  /** growth value needed to qualify */
  threshold: number;
  color: string;
  benefits: TierBenefits;
}

export type GrowthBasis = 'rolling12m' | 'cumulative';

/** The merchant's tier settings (versioned: each saved update bumps `version`). */
export interface TierConfig {
  version: number;
  /** growth value = spend in the last 12 months (default) or all-time */
  basis: GrowthBasis;
  /** growth value earned per yuan spent */
  growthPerYuan: number;
  /** days a member keeps a tier after first found not qualifying at a review */
  graceDays: number;
  tiers: TierDef[];
}

const NO_BENEFITS: TierBenefits = { pointsMultiplier: 1, birthdayCouponTemplateId: null, memberDay: null, freeItems: [] };

// No birthday template by default: the merchant names one once a template exists (a promise the
// product cannot keep is not listed).
export const DEFAULT_TIERS: readonly TierDef[] = [
  { id: 'normal', name: '普通会员', threshold: 0, color: '#8a8f99', benefits: { ...NO_BENEFITS } },
  {
    id: 'silver',
    name: '银卡会员',
    threshold: 1000,
    color: '#9aa7b8',
    benefits: { ...NO_BENEFITS, pointsMultiplier: 1.2, memberDay: { discountPercent: 95 } },
  },
  { id: 'gold', name: '金卡会员', threshold: 5000, color: '#c9a227', benefits: { ...NO_BENEFITS, pointsMultiplier: 1.5, memberDay: { discountPercent: 90 } } },
  {
    id: 'diamond',
    name: '钻石会员',
    threshold: 20000,
    color: '#3f51b5',
    benefits: { ...NO_BENEFITS, pointsMultiplier: 2, memberDay: { discountPercent: 85 }, freeItems: [{ name: '美式咖啡', perMonth: 1 }] },
  },
];

const copyBenefits = (b: TierBenefits): TierBenefits => ({
  ...b,
  memberDay: b.memberDay ? { ...b.memberDay } : null,
  freeItems: b.freeItems.map((f) => ({ ...f })),
});

export const DEFAULT_TIER_CONFIG: TierConfig = {
  version: 1,
  basis: 'rolling12m',
  growthPerYuan: 1,
  graceDays: 30,
  tiers: DEFAULT_TIERS.map((t) => ({ ...t, benefits: copyBenefits(t.benefits) })),
};

/** The highest tier whose threshold the growth value reaches. */
export function tierForGrowth(growth: number, tiers: readonly TierDef[] = DEFAULT_TIERS): TierDef {
  let current = tiers[0];
  for (const tier of tiers) if (growth >= tier.threshold) current = tier;
  return current;
}

export function tierById(id: string, tiers: readonly TierDef[] = DEFAULT_TIERS): TierDef {
  return tiers.find((t) => t.id === id) ?? tiers[0];
}

/** Position of a tier in the ladder; an unknown id (removed by a config change) counts as the base. */
export function tierRank(id: string, tiers: readonly TierDef[] = DEFAULT_TIERS): number {
  return Math.max(
    0,
    tiers.findIndex((t) => t.id === id),
  );
}

/** The tier after `current` and the growth still needed to reach it; null at the top. */
export function nextTier(current: TierDef, growth: number, tiers: readonly TierDef[] = DEFAULT_TIERS): { tier: TierDef; growthNeeded: number } | null {
  const index = tiers.findIndex((t) => t.id === current.id);
  const next = tiers[index + 1];
  if (!next) return null;
  return { tier: next, growthNeeded: Math.max(0, next.threshold - growth) };
}

/**
 * What the earning rules take from the tier configuration for a member in tier `tierId`: the tier's
 * points multiplier (an unknown id — a tier removed by a config change — counts as the base tier, as
 * everywhere in the tier engine) and the growth value per yuan.
 */
export function earningTierOf(config: Pick<TierConfig, 'tiers' | 'growthPerYuan'>, tierId: string): { pointsMultiplier: number; growthPerYuan: number } {
  return { pointsMultiplier: tierById(tierId, config.tiers).benefits.pointsMultiplier, growthPerYuan: config.growthPerYuan };
}

/** Words a member understands: "再消费 ¥200 / 再得 200 成长值 升级金卡会员". */
export function tierProgressText(current: TierDef, growth: number, config: Pick<TierConfig, 'tiers' | 'growthPerYuan'>): string {
  const next = nextTier(current, growth, config.tiers);
  if (!next) return `您已是最高等级「${current.name}」`;
  const yuan = Math.ceil(next.growthNeeded / Math.max(config.growthPerYuan, 1e-9));
  return `再消费 ¥${yuan} / 再得 ${next.growthNeeded} 成长值 升级${next.tier.name}`;
}

/** Benefits in a member's words, one line each, derived from the entitlements only. */
export function describeBenefits(b: TierBenefits): string[] {
  const lines: string[] = [];
  lines.push(b.pointsMultiplier > 1 ? `消费积分 ${b.pointsMultiplier} 倍` : '消费累积积分和成长值');
  if (b.birthdayCouponTemplateId) lines.push('生日礼券');
  if (b.memberDay && b.memberDay.discountPercent < 100) lines.push(`会员日到店 ${(b.memberDay.discountPercent / 10).toString()} 折`);
  for (const f of b.freeItems) lines.push(`每月赠${f.name} ${f.perMonth} 份`);
  return lines;
}

/** What the clerk sees at the till for a member of this tier today (member day or not). */
export function clerkNotes(b: TierBenefits, memberDayToday: boolean): string[] {
  const notes: string[] = [];
  if (b.memberDay && b.memberDay.discountPercent < 100)
    notes.push(
      memberDayToday
        ? `今天是会员日：本单可享 ${(b.memberDay.discountPercent / 10).toString()} 折`
        : `会员日可享 ${(b.memberDay.discountPercent / 10).toString()} 折`,
    );
  for (const f of b.freeItems) notes.push(`每月可赠${f.name} ${f.perMonth} 份`);
  if (b.pointsMultiplier > 1) notes.push(`积分 ${b.pointsMultiplier} 倍（录入时自动计算）`);
  return notes;
}

/** What the tier engine keeps on a member document. */
export interface MemberTierState {
  tierId: string;
  growth: number;
  /** when the member's current tier started */
  tierSince?: Date;
  /** set when a review found the member below their tier; cleared once they qualify again */
  graceStartedAt?: Date | null;
  /** the last review period applied (e.g. '2026-11'); makes the review idempotent */
  lastReviewPeriod?: string | null;
}

export type TierChangeKind = 'upgrade' | 'downgrade' | 'grace';

export interface TierChange {
  kind: TierChangeKind;
  fromTierId: string;
  toTierId: string;
  growth: number;
  reason: string;
  at: Date;
  /** the review period for review-made changes */
  period?: string;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * A qualifying event changed the growth value (a purchase credited it, a refund took some back).
 * Upgrades at once to the highest tier the new growth reaches; never downgrades (that waits for the
 * review). Clears a running grace period when the member qualifies for their tier again.
 */
export function applyGrowthChange(
  state: MemberTierState,
  newGrowth: number,
  config: Pick<TierConfig, 'tiers'>,
  now: Date,
): { state: MemberTierState; change: TierChange | null } {
  const tiers = config.tiers;
  const growth = Math.max(0, Math.floor(newGrowth));
  const current = tierById(state.tierId, tiers);
  const qualifying = tierForGrowth(growth, tiers);
  const currentRank = tierRank(current.id, tiers);
  const qualifyingRank = tierRank(qualifying.id, tiers);
  if (qualifyingRank > currentRank) {
    return {
      state: { ...state, tierId: qualifying.id, growth, tierSince: now, graceStartedAt: null },
      change: {
        kind: 'upgrade',
        fromTierId: current.id,
        toTierId: qualifying.id,
        growth,
        reason: `成长值达到 ${qualifying.threshold}，升级为${qualifying.name}`,
        at: now,
      },
    };
  }
  const next: MemberTierState = { ...state, tierId: current.id, growth };
  if (qualifyingRank >= currentRank && state.graceStartedAt) next.graceStartedAt = null;
  return { state: next, change: null };
}

/** Grace end for a member in grace; null when not in grace. */
export function graceEndsAt(state: MemberTierState, config: Pick<TierConfig, 'graceDays'>): Date | null {
  if (!state.graceStartedAt) return null;
  return new Date(new Date(state.graceStartedAt).getTime() + config.graceDays * DAY_MS);
}

/**
 * The periodic review for one member: `growth` is the growth value recomputed for the review (for the
 * rolling basis, the last 12 months' spend). Upgrades if qualifying; below the tier, starts a grace
 * period, or — once the grace has run out — drops exactly one level. Idempotent per `period`.
 */
export function reviewTier(
  state: MemberTierState,
  growth: number,
  config: Pick<TierConfig, 'tiers' | 'graceDays'>,
  now: Date,
  period: string,
): { state: MemberTierState; changes: TierChange[] } {
  if (state.lastReviewPeriod === period) return { state, changes: [] };
  const tiers = config.tiers;
  const up = applyGrowthChange(state, growth, config, now);
  const changes: TierChange[] = [];
  if (up.change) changes.push({ ...up.change, period, reason: `定期评级：${up.change.reason}` });
  let next: MemberTierState = { ...up.state, lastReviewPeriod: period };
  const current = tierById(next.tierId, tiers);
  const currentRank = tierRank(current.id, tiers);
  const qualifyingRank = tierRank(tierForGrowth(next.growth, tiers).id, tiers);
  if (qualifyingRank < currentRank) {
    if (!next.graceStartedAt) {
      next = { ...next, graceStartedAt: now };
      const until = new Date(now.getTime() + config.graceDays * DAY_MS);
      changes.push({
        kind: 'grace',
        fromTierId: current.id,
        toTierId: current.id,
        growth: next.growth,
        reason: `成长值 ${next.growth} 未达到${current.name}标准 ${current.threshold}，等级保留至 ${until.toISOString().slice(0, 10)}`,
        at: now,
        period,
      });
    } else if (now.getTime() >= (graceEndsAt(next, config) as Date).getTime()) {
      const lower = tiers[currentRank - 1];
      const stillBelow = qualifyingRank < currentRank - 1;
      // Keep the grace running while still below the new tier: the next review drops one more level.
      next = { ...next, tierId: lower.id, tierSince: now, graceStartedAt: stillBelow ? next.graceStartedAt : null };
      changes.push({
        kind: 'downgrade',
        fromTierId: current.id,
        toTierId: lower.id,
        growth: next.growth,
        reason: `保级期结束，成长值 ${next.growth} 未达到${current.name}标准 ${current.threshold}，调整为${lower.name}`,
        at: now,
        period,
      });
    }
  }
  return { state: next, changes };
}

/** Review period key: the Shanghai calendar month of the review, e.g. '2026-11'. */
export function reviewPeriodOf(businessDate: string): string {
  return businessDate.slice(0, 7);
}

/** First day ('YYYY-MM-DD') of the review period after `period` ('YYYY-MM'). */
export function nextPeriodStart(period: string): string {
  const [y, m] = period.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The member's `tierReviewDueOn` (indexed; the review job finds its members by `<= today`): null when
 * there is nothing to review (base tier, no growth value, no grace); otherwise the first day of the
 * current period if this period's review has not been applied yet, else the first day of the next.
 * Kept by every write of tier state (growth changes, the review, account deletion).
 */
export function tierReviewDueOn(state: MemberTierState & { graceStartedAt?: Date | null }, baseTierId: string, today: string): string | null {
  if (state.tierId === baseTierId && !(state.growth > 0) && !state.graceStartedAt) return null;
  const period = reviewPeriodOf(today);
  return state.lastReviewPeriod && state.lastReviewPeriod >= period ? nextPeriodStart(state.lastReviewPeriod) : `${period}-01`;
}

/** Problems with a tier ladder, in words for the merchant; empty when valid. */
export function tierLadderProblems(tiers: readonly Pick<TierDef, 'id' | 'threshold'>[]): string[] {
  const problems: string[] = [];
  if (tiers.length === 0) problems.push('至少需要一个等级');
  else if (tiers[0].threshold !== 0) problems.push('第一个等级的成长值门槛必须为 0');
  for (let i = 1; i < tiers.length; i += 1) {
    if (!(tiers[i].threshold > tiers[i - 1].threshold)) problems.push(`等级 ${i + 1} 的门槛必须高于上一等级`);
  }
  const ids = new Set(tiers.map((t) => t.id));
  if (ids.size !== tiers.length) problems.push('等级编号不能重复');
  return problems;
}

/** The tier fields a growth change writes on the member (the review index kept with them). */
export interface TierFields {
  tierId: string;
  growth: number;
  tierSince?: Date;
  graceStartedAt?: Date | null;
  tierReviewDueOn: string | null;
}

/** A growth change decided: the member fields to write and the tier change to record (if any). */
export interface GrowthStep {
  fields: TierFields;
  change: TierChange | null;
}

function fieldsOf(state: MemberTierState, config: Pick<TierConfig, 'tiers'>, today: string): TierFields {
  const fields: TierFields = { tierId: state.tierId, growth: state.growth, tierReviewDueOn: tierReviewDueOn(state, config.tiers[0].id, today) };
  if (state.tierSince !== undefined) fields.tierSince = state.tierSince;
  if (state.graceStartedAt !== undefined) fields.graceStartedAt = state.graceStartedAt;
  return fields;
}

/**
 * A qualifying event moved the growth value (a purchase, a refund, a released hold): the upgrade rule
 * of `applyGrowthChange`, answered as the fields to write. `today` is the Shanghai business day of `now`.
 */
export function growthStep(state: MemberTierState, newGrowth: number, config: Pick<TierConfig, 'tiers'>, now: Date, today: string): GrowthStep {
  const { state: next, change } = applyGrowthChange(state, newGrowth, config, now);
  return { fields: fieldsOf(next, config, today), change };
}

/**
 * Growth taken back by a fraud verdict: growth that was never earned honestly bought no tier. When the
 * member qualified for their tier before and no longer does, the tier drops at once (no grace, no
 * review) to the highest tier the remaining growth reaches; a member already below their tier (in
 * grace from a review) keeps it for the review to settle, as the tier rules say.
 */
export function revokeGrowth(state: MemberTierState, growthBack: number, config: Pick<TierConfig, 'tiers'>, now: Date, today: string): GrowthStep {
  const tiers = config.tiers;
  const growth = Math.max(0, Math.floor(state.growth - growthBack));
  const current = tierById(state.tierId, tiers);
  const rank = tierRank(current.id, tiers);
  const qualifiedBefore = tierRank(tierForGrowth(state.growth, tiers).id, tiers) >= rank;
  const reaches = tierForGrowth(growth, tiers);
  if (!qualifiedBefore || tierRank(reaches.id, tiers) >= rank) return { fields: fieldsOf({ ...state, growth }, config, today), change: null };
  const next: MemberTierState = { ...state, tierId: reaches.id, growth, tierSince: now, graceStartedAt: null };
  return {
    fields: fieldsOf(next, config, today),
    change: {
      kind: 'downgrade',
      fromTierId: current.id,
      toTierId: reaches.id,
      growth,
      reason: `风险订单成长值扣回，成长值 ${growth} 未达到${current.name}标准 ${current.threshold}，调整为${reaches.name}`,
      at: now,
    },
  };
}
