/**
 * Every versioned setting goes through one save with history (platform/settings.ts `saveVersioned`)
 * and is answered as `{ version, <value> }`: the check-in rules and the engagement settings, like the
 * earning rules, the referral rules, the lifecycle settings and the tier ladder. Each save is kept
 * as `<id>@<version>` with who saved it; a stale edit answers RULES_VERSION_CONFLICT and writes nothing.
 */
import { closeTestCloud, invoke, invokeOk, openTestCloud, type TestCloud } from '../support/local-cloud';
import { seedStoreAndStaff, type Any } from '../support/points-kit';

jest.setTimeout(60_000);

describe('versioned settings: check-in rules and engagement settings keep their history', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => closeTestCloud(cloud));
  const doc = (id: string) => cloud.store.get('settings', id)?.doc as Any;

  it('check-in rules: version 0 (defaults), then each save a new version kept in the history', async () => {
    const v0 = await invokeOk(cloud, 'checkin', 'getRules', {}, 'o-boss');
    expect(v0.version).toBe(0);
    expect(await invokeOk(cloud, 'checkin', 'updateRules', { expectedVersion: 0, rules: { ...v0.rules, dailyPoints: 5 } }, 'o-boss')).toEqual({ version: 1 });
    expect(await invokeOk(cloud, 'checkin', 'updateRules', { expectedVersion: 1, rules: { ...v0.rules, dailyPoints: 7 } }, 'o-boss')).toEqual({ version: 2 });
    const stale = await invoke(cloud, 'checkin', 'updateRules', { expectedVersion: 1, rules: { ...v0.rules, dailyPoints: 9 } }, 'o-boss');
    expect(stale).toMatchObject({ ok: false, code: 'RULES_VERSION_CONFLICT', details: { currentVersion: 2 } });

    expect(await invokeOk(cloud, 'checkin', 'getRules', {}, 'o-boss')).toEqual({ version: 2, rules: { ...v0.rules, dailyPoints: 7 } });
    expect(doc('checkin-rules@1')).toMatchObject({ version: 1, rules: { dailyPoints: 5 }, updatedBy: 'o-boss', updatedByName: '老板' });
    expect(doc('checkin-rules@2')).toMatchObject({ version: 2, rules: { dailyPoints: 7 }, updatedBy: 'o-boss', updatedByName: '老板' });
    expect(doc('checkin-rules@3')).toBeUndefined();
    expect(doc('checkin-rules')).toMatchObject({ version: 2, rules: { dailyPoints: 7 } });
  });

  it('engagement settings: the same save, the same shape, the same history', async () => {
    const v0 = await invokeOk(cloud, 'marketing', 'getSettings', {}, 'o-boss');
    expect(v0.version).toBe(0);
    const next = { ...v0.settings, couponExpiry: { daysBefore: 5 } };
    expect(await invokeOk(cloud, 'marketing', 'updateSettings', { expectedVersion: 0, settings: next }, 'o-boss')).toEqual({ version: 1 });
    const stale = await invoke(cloud, 'marketing', 'updateSettings', { expectedVersion: 0, settings: v0.settings }, 'o-boss');
    expect(stale).toMatchObject({ ok: false, code: 'RULES_VERSION_CONFLICT', details: { currentVersion: 1 } });
    expect(await invokeOk(cloud, 'marketing', 'getSettings', {}, 'o-boss')).toEqual({ version: 1, settings: next });
    expect(doc('engagement@1')).toMatchObject({ version: 1, settings: next, updatedBy: 'o-boss', updatedByName: '老板' });
    expect(doc('engagement@2')).toBeUndefined();
  });
});
