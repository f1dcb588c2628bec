import { seededRandom } from '../../local-cloud/database';
import {
  benefitsFromStored,
  clerkNotes,
  DEFAULT_TIER_CONFIG,
  applyGrowthChange,
  describeBenefits,
  graceEndsAt,
  reviewTier,
  tierForGrowth,
  tierLadderProblems,
  tierProgressText,
  tierRank,
  nextPeriodStart,
  tierReviewDueOn,
  type MemberTierState,
} from '../../shared/rules/tiers';
import { tierSettingsSchema } from '../../shared/schemas/tiers';

const config = DEFAULT_TIER_CONFIG;
const DAY = 24 * 3600 * 1000;
const t0 = new Date('2026-01-01T04:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * DAY);

describe('upgrade on a qualifying event', () => {
  it('upgrades exactly at the threshold, not one below', () => {
    const state: MemberTierState = { tierId: 'normal', growth: 900 };
    expect(applyGrowthChange(state, 999, config, t0).change).toBeNull();
    const up = applyGrowthChange(state, 1000, config, t0);
    expect(up.state.tierId).toBe('silver');
    expect(up.change).toMatchObject({ kind: 'upgrade', fromTierId: 'normal', toTierId: 'silver', growth: 1000 });
    expect(up.state.tierSince).toEqual(t0);
  });

  it('goes straight to the highest tier reached by one big purchase', () => {
    const up = applyGrowthChange({ tierId: 'normal', growth: 0 }, 5000, config, t0);
    expect(up.state.tierId).toBe('gold');
    expect(up.change?.toTierId).toBe('gold');
  });

  it('never downgrades on a refund that drops growth below the threshold (that waits for the review)', () => {
    const refunded = applyGrowthChange({ tierId: 'gold', growth: 5200 }, 4800, config, t0);
    expect(refunded.state).toMatchObject({ tierId: 'gold', growth: 4800 });
    expect(refunded.change).toBeNull();
  });

  it('clears a running grace once the member qualifies again', () => {
    const r = applyGrowthChange({ tierId: 'gold', growth: 4000, graceStartedAt: t0 }, 5000, config, at(3));
    expect(r.state.graceStartedAt).toBeNull();
    expect(r.change).toBeNull();
  });
});

describe('periodic review', () => {
  it('starts a grace period instead of downgrading, then drops one level after it', () => {
    const first = reviewTier({ tierId: 'gold', growth: 5200 }, 1200, config, at(0), '2026-01');
    expect(first.state.tierId).toBe('gold');
    expect(first.changes).toEqual([expect.objectContaining({ kind: 'grace', fromTierId: 'gold', toTierId: 'gold' })]);
    expect(graceEndsAt(first.state, config)).toEqual(at(30));

    // Next review within the grace period: still gold.
    const during = reviewTier(first.state, 1200, config, at(29), '2026-01b');
    expect(during.state.tierId).toBe('gold');
    expect(during.changes).toEqual([]);

    // Exactly at the end of grace: one level down (growth 500 qualifies only for normal: normal waits for the next review).
    const after = reviewTier(during.state, 500, config, at(30), '2026-02');
    expect(after.state.tierId).toBe('silver');
    expect(after.changes).toEqual([expect.objectContaining({ kind: 'downgrade', fromTierId: 'gold', toTierId: 'silver' })]);
    // still below silver: grace keeps running, next review drops one more level
    expect(after.state.graceStartedAt).toEqual(at(0));
    const next = reviewTier(after.state, 500, config, at(60), '2026-03');
    expect(next.state.tierId).toBe('normal');
    expect(next.state.graceStartedAt).toBeNull();
  });

  it('is idempotent per period', () => {
    const once = reviewTier({ tierId: 'gold', growth: 5200 }, 100, config, t0, '2026-01');
    const twice = reviewTier(once.state, 100, config, at(40), '2026-01');
    expect(twice.state).toBe(once.state);
    expect(twice.changes).toEqual([]);
  });

  it('keeps the tier when the member qualifies exactly at the threshold, and clears grace', () => {
    const r = reviewTier({ tierId: 'gold', growth: 4000, graceStartedAt: at(-40) }, 5000, config, t0, '2026-01');
    expect(r.state.tierId).toBe('gold');
    expect(r.state.graceStartedAt).toBeNull();
    expect(r.changes).toEqual([]);
  });

  it('upgrades at the review too when the growth qualifies', () => {
    const r = reviewTier({ tierId: 'normal', growth: 0 }, 20000, config, t0, '2026-01');
    expect(r.state.tierId).toBe('diamond');
    expect(r.changes[0]).toMatchObject({ kind: 'upgrade', period: '2026-01' });
  });
});

describe('words on the card', () => {
  it('says how much more to spend and which tier follows', () => {
    expect(tierProgressText(config.tiers[2], 4800, config)).toBe('再消费 ¥15200 / 再得 15200 成长值 升级钻石会员');
    expect(tierProgressText(config.tiers[1], 4800, { ...config, growthPerYuan: 2 })).toBe('再消费 ¥100 / 再得 200 成长值 升级金卡会员');
    expect(tierProgressText(config.tiers[1], 4800, config)).toBe('再消费 ¥200 / 再得 200 成长值 升级金卡会员');
    expect(tierProgressText(config.tiers[3], 30000, config)).toContain('最高等级');
    // Benefits are entitlements: the words come from them, and nothing undeliverable is listed.
    expect(describeBenefits(config.tiers[2].benefits)).toEqual(['消费积分 1.5 倍', '会员日到店 9 折']);
    expect(describeBenefits({ ...config.tiers[2].benefits, birthdayCouponTemplateId: 'tpl-birthday' })).toContain('生日礼券');
    expect(describeBenefits(config.tiers[3].benefits)).toContain('每月赠美式咖啡 1 份');
    expect(describeBenefits(config.tiers[0].benefits).join()).not.toMatch(/兑换|免运费|优先/);
  });

  it('loads benefits stored before they were entitlements: keeps what can be delivered, drops the rest', () => {
    expect(
      benefitsFromStored({ pointsMultiplier: 1.5, birthdayCoupon: true, memberDayDiscountPercent: 90, freeShipping: true, priorityService: false }),
    ).toEqual({
      pointsMultiplier: 1.5,
      birthdayCouponTemplateId: null,
      memberDay: { discountPercent: 90 },
      freeItems: [],
    });
    expect(
      benefitsFromStored({ pointsMultiplier: 1, birthdayCoupon: false, memberDayDiscountPercent: 100, freeShipping: false, priorityService: false }).memberDay,
    ).toBeNull();
    expect(clerkNotes(config.tiers[1].benefits, true)).toContain('今天是会员日：本单可享 9.5 折');
  });
});

describe('tier settings validation', () => {
  const settings = { basis: 'rolling12m', growthPerYuan: 1, graceDays: 30, tiers: config.tiers };
  it('accepts the defaults', () => {
    expect(tierSettingsSchema.safeParse(settings).success).toBe(true);
  });
  it('refuses a first threshold above 0, thresholds not strictly increasing, duplicate ids', () => {
    expect(tierLadderProblems([{ id: 'a', threshold: 10 }])).toHaveLength(1);
    const flat = { ...settings, tiers: [config.tiers[0], { ...config.tiers[1], threshold: 0 }] };
    expect(tierSettingsSchema.safeParse(flat).success).toBe(false);
    const dup = { ...settings, tiers: [config.tiers[0], { ...config.tiers[1], id: 'normal' }] };
    expect(tierSettingsSchema.safeParse(dup).success).toBe(false);
    expect(tierSettingsSchema.safeParse({ ...settings, tiers: [] }).success).toBe(false);
    expect(tierSettingsSchema.safeParse({ ...settings, basis: 'forever' }).success).toBe(false);
  });
});

describe('properties (seeded random)', () => {
  it('upgrades never skip a qualifying tier and never go above it; downgrades are one level at a time', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const random = seededRandom(seed);
      let state: MemberTierState = { tierId: 'normal', growth: 0 };
      let now = t0;
      for (let step = 0; step < 60; step += 1) {
        now = new Date(now.getTime() + Math.floor(random() * 20) * DAY);
        const before = state;
        if (random() < 0.8) {
          // a purchase (or a refund) moves the growth value
          const delta = Math.floor((random() - 0.25) * 6000);
          const r = applyGrowthChange(state, Math.max(0, state.growth + delta), config, now);
          state = r.state;
          const qualifying = tierRank(tierForGrowth(state.growth, config.tiers).id, config.tiers);
          // at least the qualifying tier; never dropped by an event
          expect(tierRank(state.tierId, config.tiers)).toBe(Math.max(qualifying, tierRank(before.tierId, config.tiers)));
          if (r.change) expect(r.change.toTierId).toBe(tierForGrowth(state.growth, config.tiers).id);
        } else {
          const r = reviewTier(state, state.growth, config, now, `p${step}`);
          state = r.state;
          const drop = tierRank(before.tierId, config.tiers) - tierRank(state.tierId, config.tiers);
          expect(drop).toBeLessThanOrEqual(1);
          if (drop === 1) expect(now.getTime() - new Date(before.graceStartedAt as Date).getTime()).toBeGreaterThanOrEqual(config.graceDays * DAY);
        }
      }
    }
  });
});

describe("tierReviewDueOn (the review job's index)", () => {
  it('is null with nothing to review: base tier, no growth, no grace', () => {
    expect(tierReviewDueOn({ tierId: 'normal', growth: 0 }, 'normal', '2026-03-15')).toBeNull();
    expect(tierReviewDueOn({ tierId: 'normal', growth: 0, lastReviewPeriod: '2026-02' }, 'normal', '2026-03-15')).toBeNull();
  });

  it("is due this month until this month's review is applied, then on the first of the next", () => {
    expect(tierReviewDueOn({ tierId: 'silver', growth: 1200 }, 'normal', '2026-03-15')).toBe('2026-03-01');
    expect(tierReviewDueOn({ tierId: 'normal', growth: 300, lastReviewPeriod: '2026-02' }, 'normal', '2026-03-15')).toBe('2026-03-01');
    expect(tierReviewDueOn({ tierId: 'gold', growth: 10, graceStartedAt: t0, lastReviewPeriod: '2026-03' }, 'normal', '2026-03-15')).toBe('2026-04-01');
    expect(tierReviewDueOn({ tierId: 'gold', growth: 6000, lastReviewPeriod: '2026-12' }, 'normal', '2026-12-02')).toBe('2027-01-01');
    expect(nextPeriodStart('2026-09')).toBe('2026-10-01');
  });

  it('agrees with the review: a reviewed member is not due again in the same period', () => {
    const reviewed = reviewTier({ tierId: 'gold', growth: 6000, lastReviewPeriod: '2026-02' }, 1200, config, at(60), '2026-03');
    const due = tierReviewDueOn(reviewed.state, 'normal', '2026-03-02') as string;
    expect(due > '2026-03-31').toBe(true);
    expect(reviewTier(reviewed.state, 1200, config, at(61), '2026-03').changes).toEqual([]);
  });
});
