import { DEFAULT_TIERS, nextTier, tierById, tierForGrowth } from '../../shared/rules/tiers';
import { addBusinessDays, businessDate, businessDateKey, startOfBusinessDate } from '../../shared/calendar';

describe('tier ladder', () => {
  it('qualifies exactly at a threshold, not one below', () => {
    expect(tierForGrowth(999).id).toBe('normal');
    expect(tierForGrowth(1000).id).toBe('silver');
    expect(tierForGrowth(4999).id).toBe('silver');
    expect(tierForGrowth(5000).id).toBe('gold');
    expect(tierForGrowth(10 ** 9).id).toBe('diamond');
    expect(tierForGrowth(0).id).toBe('normal');
  });
  it('tells the growth still needed for the next tier, and nothing at the top', () => {
    expect(nextTier(tierById('silver'), 2718)).toEqual({ tier: DEFAULT_TIERS[2], growthNeeded: 2282 });
    expect(nextTier(tierById('diamond'), 30000)).toBeNull();
    expect(tierById('unknown').id).toBe('normal');
  });
  it('keeps thresholds strictly increasing from 0', () => {
    expect(DEFAULT_TIERS[0].threshold).toBe(0);
    for (let i = 1; i < DEFAULT_TIERS.length; i += 1) expect(DEFAULT_TIERS[i].threshold).toBeGreaterThan(DEFAULT_TIERS[i - 1].threshold);
  });
});

describe('business calendar (Asia/Shanghai)', () => {
  it('puts 16:00 UTC on the next Shanghai day', () => {
    expect(businessDate('2026-11-23T15:59:59Z')).toBe('2026-11-23');
    expect(businessDate('2026-11-23T16:00:00Z')).toBe('2026-11-24');
    expect(businessDateKey('2026-12-31T16:30:00Z')).toBe('20270101');
  });
  it('starts a business day at 16:00 UTC of the day before', () => {
    expect(startOfBusinessDate('2026-11-24').toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(addBusinessDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addBusinessDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('store velocity limit (issue 10 item 6)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { storeHourlyLimit } = require('../../shared/rules/fraud') as typeof import('../../shared/rules/fraud');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DEFAULT_EARNING_RULES } = require('../../shared/schemas/points') as typeof import('../../shared/schemas/points');
  it('is a multiple of the trailing hourly median, never below the floor', () => {
    expect(storeHourlyLimit([], DEFAULT_EARNING_RULES)).toBe(120);
    expect(storeHourlyLimit([10, 12, 8], DEFAULT_EARNING_RULES)).toBe(120);
    expect(storeHourlyLimit([200, 180, 220, 0, 0], DEFAULT_EARNING_RULES)).toBe(600);
    expect(storeHourlyLimit([100, 300], DEFAULT_EARNING_RULES)).toBe(600);
  });
});
