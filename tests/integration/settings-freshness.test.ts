/**
 * Settings are read once per call, in one request (cloudfunctions/_lib/platform/settings-read.ts), and the tier
 * ladder is kept per function instance, checked on every call by its stamp (_lib/tiers/tiers.ts): a
 * merchant's edit must apply to the very next accrual on an instance that is already warm.
 */
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';
import { ROLE_CACHE_MS } from '../../cloudfunctions/_lib/platform/auth';

jest.setTimeout(60_000);

describe('a merchant edit applies to the next accrual', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => closeTestCloud(cloud));
  const kit = pointsKit(() => cloud);
  // 100 yuan, on a day that is not the default member day (Wednesday) nor anyone's birthday
  const paidAt = () => new Date().toISOString();
  const accrue = (receiptNo: string, memberId: string) => kit.ok('points', kit.order(receiptNo, memberId, 10000, paidAt()), 'o-clerk');
  const isMemberDay = () => new Date(Date.now() + 8 * 3600_000).getUTCDay() === 3;
  /** A document written straight into the database, as another instance's commit (or an operator) leaves it. */
  const put = (coll: string, doc: { _id: string } & Record<string, unknown>) =>
    cloud.store.get(coll, doc._id) ? cloud.store.replace(coll, doc) : cloud.store.insert(coll, doc);

  it('earning rules saved by the merchant: the next order earns by them', async () => {
    const memberId = await kit.register('o-fresh-1');
    const multiplier = isMemberDay() ? 2 : 1;
    expect((await accrue('F1', memberId)).points).toBe(10 * multiplier); // the defaults: 10 per 100 yuan, the instance warm
    const { version, rules } = await kit.ok('points', { action: 'getRules' }, 'o-boss');
    await kit.ok('points', { action: 'updateRules', expectedVersion: version, rules: { ...rules, pointsPerStep: 30 } }, 'o-boss');
    expect((await accrue('F2', memberId)).points).toBe(30 * multiplier);
    expect((cloud.store.get('orders', 'pos:store-a:F2')!.doc as Any).rulesVersion).toBe(version + 1);
  });

  it('earning rules written straight into the database (no save path): seen by the next order too', async () => {
    const memberId = await kit.register('o-fresh-2');
    const multiplier = isMemberDay() ? 2 : 1;
    expect((await accrue('G1', memberId)).points).toBe(10 * multiplier);
    const { rules } = await kit.ok('points', { action: 'getRules' }, 'o-boss');
    put('settings', { _id: 'points-rules', version: 9, rules: { ...rules, pointsPerStep: 50 }, updatedAt: new Date(), updatedBy: 'ops' });
    expect((await accrue('G2', memberId)).points).toBe(50 * multiplier);
  });

  it('a tier ladder saved by the merchant: the next order grows by it (the instance kept the old one)', async () => {
    const memberId = await kit.register('o-fresh-3');
    expect((await accrue('T1', memberId)).growth).toBe(100); // 1 growth per yuan (defaults)
    const { config } = await kit.ok('member', { action: 'getTierConfig' }, 'o-boss');
    const settings = { basis: config.basis, growthPerYuan: 3, graceDays: config.graceDays, tiers: config.tiers };
    await kit.ok('member', { action: 'updateTierConfig', expectedVersion: config.version, settings }, 'o-boss');
    expect((await accrue('T2', memberId)).growth).toBe(300);
  });

  it("another instance's save (the ladder and its stamp written elsewhere): the next order here grows by it", async () => {
    const memberId = await kit.register('o-fresh-4');
    expect((await accrue('S1', memberId)).growth).toBe(100);
    const { config } = await kit.ok('member', { action: 'getTierConfig' }, 'o-boss');
    // What a save on another instance commits: the ladder in force and a new stamp; this instance's copy is the old one.
    put('tier_configs', {
      _id: 'current',
      ...{ basis: config.basis, growthPerYuan: 2, graceDays: config.graceDays, tiers: config.tiers },
      version: config.version + 1,
      updatedAt: new Date(),
      updatedBy: 'o-boss',
    });
    put('settings', { _id: 'tier-config-stamp', version: config.version + 1, token: 'elsewhere' });
    expect((await accrue('S2', memberId)).growth).toBe(200);
  });
});

describe('revoking a clerk', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => {
    jest.useRealTimers();
    closeTestCloud(cloud);
  });
  const kit = pointsKit(() => cloud);

  it(`takes effect on a warm instance once its copy of the role is older than ROLE_CACHE_MS (${ROLE_CACHE_MS / 1000} s)`, async () => {
    const memberId = await kit.register('o-fresh-r');
    await kit.ok('points', kit.order('RV1', memberId, 10000), 'o-clerk'); // the role is now kept by the instance
    cloud.store.remove('roles', 'o-clerk'); // the merchant removes the clerk (console)
    // Within the window a warm instance still knows the clerk (the chosen trade: no billed read per staff action).
    expect((await kit.call(kit.order('RV2', memberId, 10000), 'o-clerk')).ok).toBe(true);
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask'] });
    jest.setSystemTime(Date.now() + ROLE_CACHE_MS + 1000);
    expect(await kit.call(kit.order('RV3', memberId, 10000), 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // and a refusal is not kept: nothing negative is cached (a clerk added is seen at once)
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
    expect((await kit.call(kit.order('RV4', memberId, 10000), 'o-clerk')).ok).toBe(true);
  });
});
