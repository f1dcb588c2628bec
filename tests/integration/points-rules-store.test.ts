import { DEFAULT_TIER_CONFIG } from '../../shared/rules/tiers';
import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedEarningRules, seedStoreAndStaff, type Any } from '../support/points-kit';

/**
 * The earning rules and the tier configuration define nothing twice: the tier multiplier and growth
 * per yuan come from the tier configuration, and rules stored before that change still load.
 */
describe('earning rules store and the tier configuration', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => closeTestCloud(cloud));

  // no clock is set here: orders are paid now
  const { call, ok, order } = pointsKit(() => cloud);

  it('loads rules stored with the legacy tierMultipliers and growthPerYuan, and saves over them', async () => {
    const legacy = {
      ...DEFAULT_EARNING_RULES,
      registrationBonus: 250,
      memberDay: { kind: 'none' },
      tierMultipliers: { normal: 5, silver: 5, gold: 5, diamond: 5 },
      growthPerYuan: 7,
    };
    cloud.store.insert('settings', { _id: 'points-rules', version: 3, rules: legacy, updatedAt: new Date(), updatedBy: 'o-boss' });

    const loaded = await ok('points', { action: 'getRules' }, 'o-boss');
    expect(loaded.version).toBe(3);
    expect(loaded.rules).toEqual({ ...DEFAULT_EARNING_RULES, registrationBonus: 250, memberDay: { kind: 'none' } });

    // the stored rules are in force (registration bonus 250, no member day); the legacy numbers are not
    const card = await ok('member', { action: 'join', agree: true }, 'o-ann');
    expect(cloud.store.get('members', card.memberId)?.doc).toMatchObject({ points: { available: 250 } });
    const credited = await ok('points', order('R1', card.memberId, 10000), 'o-clerk');
    expect(credited).toMatchObject({ points: 10, growth: 100 });

    // the merchant saves over the legacy document: the new one has no legacy keys
    expect(await call({ action: 'updateRules', expectedVersion: 3, rules: legacy }, 'o-boss')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const saved = await ok('points', { action: 'updateRules', expectedVersion: 3, rules: loaded.rules }, 'o-boss');
    expect(saved.version).toBe(4);
    const stored = cloud.store.get('settings', 'points-rules')?.doc as Any;
    expect(stored.rules).not.toHaveProperty('tierMultipliers');
    expect(stored.rules).not.toHaveProperty('growthPerYuan');
  });

  it('earns with the multiplier and growth per yuan the merchant set in the tier configuration', async () => {
    seedEarningRules(cloud, { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' } });
    const card = await ok('member', { action: 'join', agree: true }, 'o-bea');
    const member = cloud.store.get('members', card.memberId)?.doc as Any;
    cloud.store.replace('members', { ...member, tierId: 'gold', growth: 6000 });

    // defaults: gold ×1.5, 1 growth per yuan
    expect(await ok('points', order('R1', card.memberId, 10000), 'o-clerk')).toMatchObject({ points: 15, growth: 100 });

    const settings = {
      basis: DEFAULT_TIER_CONFIG.basis,
      growthPerYuan: 2,
      graceDays: DEFAULT_TIER_CONFIG.graceDays,
      tiers: DEFAULT_TIER_CONFIG.tiers.map((t) => (t.id === 'gold' ? { ...t, benefits: { ...t.benefits, pointsMultiplier: 3 } } : t)),
    };
    await ok('member', { action: 'updateTierConfig', expectedVersion: 1, settings }, 'o-boss');
    expect(await ok('points', order('R2', card.memberId, 10000), 'o-clerk')).toMatchObject({ points: 30, growth: 200 });
  });
});
