import { seededRandom } from '../../local-cloud/database';
import { addBusinessDays } from '../../shared/calendar';
import {
  computeEarning,
  earnedDaysOf,
  earnedOnDay,
  earnWindowStart,
  EARN_WINDOW_DAYS,
  isMemberDay,
  recordEarnedDay,
  refundShare,
  weightedAmountFen,
} from '../../shared/rules/earning';
import { fraudFlags } from '../../shared/rules/fraud';
import {
  checkPoints,
  clawback,
  earn,
  expire,
  expiryDate,
  forfeitAll,
  mature,
  pointsSummary,
  PointsRuleError,
  spend,
  type Movement,
} from '../../shared/rules/lots';
import { DEFAULT_TIER_CONFIG, DEFAULT_TIERS, earningTierOf } from '../../shared/rules/tiers';
import { DEFAULT_EARNING_RULES as R, EMPTY_POINTS, earningRulesSchema, withoutLegacyEarningKeys, type MemberPoints } from '../../shared/schemas/points';
import { tierBenefitsSchema } from '../../shared/schemas/tiers';

const item = (sku: string, category: string, priceFen: number, quantity = 1) => ({ sku, category, priceFen, quantity });
/** The tier side of earning, from the default tier configuration (its single source). */
const tier = (tierId: string) => earningTierOf(DEFAULT_TIER_CONFIG, tierId);

describe('earning rules', () => {
  const monday = new Date('2026-03-02T04:00:00Z'); // 12:00 in Shanghai, a Monday
  const wednesday = new Date('2026-03-04T04:00:00Z');

  it('gives 10 points per full ¥100, growth per ¥1, T+1 maturity and a 12-month expiry', () => {
    const e = computeEarning({ items: [item('A', 'coffee', 25999)], amountFen: 25999, paidAt: monday, earnedThatDay: 0 }, R, tier('normal'));
    expect(e).toMatchObject({ points: 20, growth: 259, earnedOn: '2026-03-02', maturesOn: '2026-03-03', expiresOn: '2027-03-02', memberDay: false });
  });
  it('multiplies by tier and member day (Wednesday ×2 by default), rounding once at the end', () => {
    const base = { items: [item('A', 'coffee', 10000)], amountFen: 10000, earnedThatDay: 0 };
    expect(computeEarning({ ...base, paidAt: monday }, R, tier('silver')).points).toBe(12);
    expect(computeEarning({ ...base, paidAt: monday }, R, tier('gold')).points).toBe(15);
    expect(computeEarning({ ...base, paidAt: wednesday }, R, tier('diamond')).points).toBe(40);
    expect(isMemberDay('2026-03-04', R)).toBe(true);
    expect(isMemberDay('2026-03-04', { ...R, memberDay: { kind: 'monthly', day: 4, multiplier: 3 } })).toBe(true);
    expect(isMemberDay('2026-03-05', { ...R, memberDay: { kind: 'monthly', day: 4, multiplier: 3 } })).toBe(false);
  });
  it('applies SKU before category multipliers on the paid amount split by list price', () => {
    const rules = { ...R, categoryMultipliers: { beans: 2 }, skuMultipliers: { 'BEAN-X': 3 } };
    // paid 200 of a 400 list: each item's share is half its list price
    expect(weightedAmountFen([item('BEAN-X', 'beans', 20000), item('BEAN-Y', 'beans', 20000)], 20000, rules)).toBe(10000 * 3 + 10000 * 2);
    expect(computeEarning({ items: [item('BEAN-Y', 'beans', 10000)], amountFen: 10000, paidAt: monday, earnedThatDay: 0 }, rules, tier('normal')).points).toBe(
      20,
    );
  });
  it('caps the points earned per member per day', () => {
    const e = computeEarning({ items: [item('A', 'x', 1_000_000)], amountFen: 1_000_000, paidAt: monday, earnedThatDay: 4950 }, R, tier('normal'));
    expect(e).toMatchObject({ uncapped: 1000, points: 50 });
    expect(computeEarning({ items: [item('A', 'x', 10000)], amountFen: 10000, paidAt: monday, earnedThatDay: 6000 }, R, tier('normal')).points).toBe(0);
  });
  it('supports end-of-following-year expiry and validates merchant rules', () => {
    expect(expiryDate('2026-03-02', { kind: 'endOfFollowingYear' })).toBe('2028-01-01');
    expect(expiryDate('2026-01-31', { kind: 'rolling', months: 1 })).toBe('2026-02-28');
    expect(earningRulesSchema.safeParse(R).success).toBe(true);
    expect(earningRulesSchema.safeParse({ ...R, stepFen: 0 }).success).toBe(false);
    // tier multipliers are no longer earning rules (strict schema: unknown key); the tier benefits validate them
    expect(earningRulesSchema.safeParse({ ...R, tierMultipliers: { gold: -1 } }).success).toBe(false);
    expect(tierBenefitsSchema.safeParse({ ...DEFAULT_TIERS[2].benefits, pointsMultiplier: -1 }).success).toBe(false);
    expect(earningRulesSchema.safeParse({ ...R, memberDay: { kind: 'weekly', weekday: 7, multiplier: 2 } }).success).toBe(false);
  });
  it('takes the tier multiplier and growth per yuan from the tier configuration, with the old defaults', () => {
    // the defaults the earning rules used to carry: tierMultipliers { normal: 1, silver: 1.2, gold: 1.5, diamond: 2 }, growthPerYuan 1
    expect(Object.fromEntries(DEFAULT_TIERS.map((t) => [t.id, t.benefits.pointsMultiplier]))).toEqual({ normal: 1, silver: 1.2, gold: 1.5, diamond: 2 });
    expect(DEFAULT_TIER_CONFIG.growthPerYuan).toBe(1);
    expect(R).not.toHaveProperty('tierMultipliers');
    expect(R).not.toHaveProperty('growthPerYuan');
    // a merchant's change to the tier configuration is what earning uses
    const config = {
      ...DEFAULT_TIER_CONFIG,
      growthPerYuan: 2,
      tiers: DEFAULT_TIER_CONFIG.tiers.map((t) => (t.id === 'gold' ? { ...t, benefits: { ...t.benefits, pointsMultiplier: 3 } } : t)),
    };
    const order = { items: [item('A', 'coffee', 10050)], amountFen: 10050, paidAt: monday, earnedThatDay: 0 };
    expect(earningTierOf(config, 'gold')).toEqual({ pointsMultiplier: 3, growthPerYuan: 2 });
    expect(computeEarning(order, R, earningTierOf(config, 'gold'))).toMatchObject({ points: 30, growth: 200, multiplier: 3 });
    // a tier the merchant removed counts as the base tier, as in the tier engine
    expect(earningTierOf(config, 'platinum').pointsMultiplier).toBe(config.tiers[0].benefits.pointsMultiplier);
    // a fractional growth per yuan still yields whole growth
    expect(computeEarning(order, R, { pointsMultiplier: 1, growthPerYuan: 1.5 }).growth).toBe(150);
    expect(computeEarning({ ...order, amountFen: 10150 }, R, { pointsMultiplier: 1, growthPerYuan: 1.5 }).growth).toBe(151);
  });
  it('still loads rules stored before tierMultipliers and growthPerYuan moved to the tier configuration', () => {
    const stored = { ...R, registrationBonus: 250, pendingDays: 3, tierMultipliers: { normal: 1, silver: 1.3 }, growthPerYuan: 2 };
    // the strict schema refuses the legacy keys as such…
    expect(earningRulesSchema.safeParse(stored).success).toBe(false);
    // …so reading strips them and keeps the merchant's other settings
    const parsed = earningRulesSchema.safeParse(withoutLegacyEarningKeys(stored));
    expect(parsed.success).toBe(true);
    expect(parsed.success && parsed.data).toEqual({ ...R, registrationBonus: 250, pendingDays: 3 });
    expect(stored).toHaveProperty('tierMultipliers'); // the stored document itself is not modified
    // anything else that is wrong is still refused
    expect(earningRulesSchema.safeParse(withoutLegacyEarningKeys({ ...stored, bogus: 1 })).success).toBe(false);
    expect(earningRulesSchema.safeParse(withoutLegacyEarningKeys({ ...stored, stepFen: 0 })).success).toBe(false);
    expect(withoutLegacyEarningKeys(null)).toBeNull();
  });
  it('splits refunds so that partial refunds add up to the whole', () => {
    const random = seededRandom(5);
    for (let run = 0; run < 500; run += 1) {
      const amount = 1 + Math.floor(random() * 100000);
      const total = Math.floor(random() * 500);
      let refunded = 0;
      let back = 0;
      while (refunded < amount) {
        const part = Math.min(amount - refunded, 1 + Math.floor(random() * amount));
        const share = refundShare(total, amount, refunded, part);
        expect(share).toBeGreaterThanOrEqual(0);
        back += share;
        refunded += part;
      }
      expect(back).toBe(total);
    }
  });
  it('flags velocity, repeated clerk credits and receipts just under the threshold', () => {
    const quiet = { memberOrdersToday: 1, staffSameMemberToday: 1, storeOrdersLastHour: 1, justUnderToday: 0 };
    expect(fraudFlags(quiet, 5000, R)).toEqual([]);
    expect(fraudFlags({ ...quiet, memberOrdersToday: 9 }, 5000, R)).toEqual(['member_velocity']);
    expect(fraudFlags({ ...quiet, staffSameMemberToday: 5 }, 5000, R)).toEqual(['staff_repeat']);
    expect(fraudFlags({ ...quiet, storeOrdersLastHour: 121 }, 5000, R)).toEqual(['store_velocity']);
    expect(fraudFlags({ ...quiet, justUnderToday: 3 }, 99000, R)).toEqual(['split_receipts']);
    expect(fraudFlags({ ...quiet, justUnderToday: 3 }, 100000, R)).toEqual([]);
  });
});

describe('lots: property test over random sequences', () => {
  const START = '2026-01-01';

  function run(seed: number, steps: number, policy: 'debt' | 'forfeit') {
    const random = seededRandom(seed);
    const int = (n: number) => Math.floor(random() * n);
    let p: MemberPoints = { ...EMPTY_POINTS };
    let day = 0;
    let ledgerAvailable = 0;
    let ledgerPending = 0;
    const earned: string[] = [];
    const book = (m: Movement) => {
      ledgerAvailable += m.delta;
      ledgerPending += m.pendingDelta;
    };
    for (let step = 0; step < steps; step += 1) {
      const today = addBusinessDays(START, day);
      const before = p;
      const op = random();
      if (op < 0.35) {
        const id = `lot-${seed}-${step}`;
        const r = earn(p, {
          id,
          amount: 1 + int(300),
          earnedOn: today,
          maturesOn: addBusinessDays(today, int(3)),
          expiresOn: addBusinessDays(today, 20 + int(60)),
          held: random() < 0.1,
          today,
        });
        p = r.points;
        book(r.movement);
        earned.push(id);
      } else if (op < 0.6) {
        const amount = 1 + int(400);
        try {
          const r = spend(p, amount);
          expect(before.available).toBeGreaterThanOrEqual(amount);
          // earliest expiry first: a lot left untouched never expires before one that was drawn on
          const touched = r.consumed.map((c) => before.lots.find((l) => l.id === c.id)!);
          const lastTouched = touched[touched.length - 1];
          for (const l of r.points.lots) if (!r.consumed.some((c) => c.id === l.id)) expect(l.expiresOn >= lastTouched.expiresOn).toBe(true);
          p = r.points;
          book(r.movement);
          expect(p.available).toBeGreaterThanOrEqual(0);
        } catch (e) {
          expect(e).toBeInstanceOf(PointsRuleError);
          expect(before.available).toBeLessThan(amount);
          expect(p).toBe(before);
        }
      } else if (op < 0.75) {
        day += int(10);
        const t = addBusinessDays(START, day);
        const m = mature(p, t);
        m.matured.forEach((x) => book(x.movement));
        const x = expire(m.points, t);
        for (const e of x.expired) {
          // expiry removes exactly what was left of the lot
          expect(-e.movement.delta).toBe(m.points.lots.find((l) => l.id === e.lot.id)!.remaining);
          book(e.movement);
        }
        p = x.points;
        expect(p.lots.every((l) => l.expiresOn > t)).toBe(true);
        expect(p.pendingLots.every((l) => l.held || l.maturesOn > t)).toBe(true);
      } else if (op < 0.95 && earned.length) {
        const r = clawback(p, earned[int(earned.length)], 1 + int(200), policy);
        p = r.points;
        book(r.movement);
        if (policy === 'forfeit') expect(p.debt).toBe(0);
        const takenBack = -(r.movement.delta + r.movement.pendingDelta);
        expect(takenBack + (policy === 'forfeit' ? r.shortfall : 0)).toBeGreaterThanOrEqual(0);
      } else if (op < 0.97) {
        const r = forfeitAll(p);
        p = r.points;
        book(r.movement);
        expect(p).toMatchObject({ available: 0, pending: 0, debt: 0 });
      }
      expect(checkPoints(p)).toEqual([]);
      expect(ledgerAvailable).toBe(p.available);
      expect(ledgerPending).toBe(p.pending);
      expect(p.debt === 0 ? p.available >= 0 : p.available === -p.debt).toBe(true);
    }
    return p;
  }

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('keeps every invariant (seed %i, debt policy)', (seed) => {
    run(seed, 400, 'debt');
  });
  it.each([11, 12, 13, 14])('keeps every invariant (seed %i, forfeit policy)', (seed) => {
    run(seed, 400, 'forfeit');
  });

  it('repays a debt from later earnings before forming a lot', () => {
    let p = earn({ ...EMPTY_POINTS }, { id: 'a', amount: 50, earnedOn: START, maturesOn: START, expiresOn: '2027-01-01', today: START }).points;
    p = spend(p, 40).points;
    const c = clawback(p, 'a', 50, 'debt');
    expect(c).toMatchObject({ shortfall: 40, points: { available: -40, debt: 40, lots: [] } });
    const e = earn(c.points, { id: 'b', amount: 100, earnedOn: START, maturesOn: START, expiresOn: '2027-01-01', today: START });
    expect(e.points).toMatchObject({ available: 60, debt: 0, lots: [{ id: 'b', remaining: 60 }] });
    expect(e.movement).toEqual({ delta: 100, pendingDelta: 0 });
    expect(() => spend(e.points, 61)).toThrow(PointsRuleError);
  });

  it('summarises what expires within 30 days for the card', () => {
    let p = earn({ ...EMPTY_POINTS }, { id: 'a', amount: 30, earnedOn: START, maturesOn: START, expiresOn: '2026-02-10', today: START }).points;
    p = earn(p, { id: 'b', amount: 70, earnedOn: START, maturesOn: START, expiresOn: '2026-06-01', today: START }).points;
    expect(pointsSummary(p, new Date('2026-01-20T04:00:00Z'))).toEqual({ available: 100, pending: 0, expiringSoon: 30 });
    expect(pointsSummary({ available: 5, pending: 0 }, new Date())).toEqual({ available: 5, pending: 0, expiringSoon: 0 });
  });
});

describe('daily cap per business day', () => {
  it('keeps each day separately, prunes days before the window, and folds in the former single day', () => {
    let days = recordEarnedDay([], '2026-11-23', 80, '2026-11-23');
    days = recordEarnedDay(days, '2026-11-22', 70, '2026-11-23');
    expect(earnedOnDay(days, '2026-11-22')).toBe(70);
    expect(earnedOnDay(days, '2026-11-23')).toBe(80);
    // a late order for yesterday is capped against yesterday, not against the latest day
    const capped = { ...R, dailyCapPerMember: 100 };
    const late = computeEarning(
      { items: [item('A', 'x', 70000)], amountFen: 70000, paidAt: new Date('2026-11-22T08:00:00Z'), earnedThatDay: earnedOnDay(days, '2026-11-22') },
      capped,
      tier('normal'),
    );
    expect(late).toMatchObject({ uncapped: 70, points: 30, earnedOn: '2026-11-22' });
    days = recordEarnedDay(days, '2026-11-22', late.points, '2026-11-23');
    expect(days).toEqual([
      { on: '2026-11-22', amount: 100 },
      { on: '2026-11-23', amount: 80 },
    ]);
    // the window: days before today − EARN_WINDOW_DAYS are dropped; the window's first day is kept
    const today = '2027-01-22';
    const start = earnWindowStart(today);
    expect(start).toBe(addBusinessDays(today, -EARN_WINDOW_DAYS));
    const pruned = recordEarnedDay(
      [
        { on: addBusinessDays(start, -1), amount: 5 },
        { on: start, amount: 6 },
      ],
      today,
      1,
      today,
    );
    expect(pruned).toEqual([
      { on: start, amount: 6 },
      { on: today, amount: 1 },
    ]);
    expect(earnedDaysOf({ earnedDays: [], earnedDay: { on: '2026-11-23', amount: 90 } })).toEqual([{ on: '2026-11-23', amount: 90 }]);
    expect(earnedDaysOf({ earnedDays: [{ on: '2026-11-23', amount: 95 }], earnedDay: { on: '2026-11-23', amount: 90 } })).toEqual([
      { on: '2026-11-23', amount: 95 },
    ]);
  });
});
