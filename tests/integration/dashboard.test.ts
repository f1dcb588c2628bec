/**
 * Issue 21 item 5: the dashboard on the seeded demo (a year and more of history written by the
 * functions, a snapshot every night). The points agree with the ledger: issued − redeemed − expired −
 * forfeited over every snapshot is the outstanding points, is Σ members' balances, is the liability.
 */
import { DEMO_OPENIDS } from '../../local-cloud/server';
import { seedDemoData } from '../../local-cloud/tools';
import { addBusinessDays, businessDate } from '../../shared/calendar';
import { netOf } from '../../shared/rules/dashboard';
import { statsDailyDocSchema } from '../../shared/schemas/stats';
import type { MemberDoc } from '../../shared/schemas/member';
import type { LedgerEntry } from '../../shared/schemas/points';
import { closeTestCloud, invoke, invokeOk, openTestCloud, type TestCloud } from '../support/local-cloud';

jest.setTimeout(600_000);

const NOW = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const TODAY = businessDate(NOW);
const YESTERDAY = addBusinessDays(TODAY, -1);

describe('the dashboard on the seeded demo', () => {
  let cloud: TestCloud;
  let seedMs = 0;
  beforeAll(async () => {
    cloud = openTestCloud({ logs: 'capture' });
    cloud.clock.set(NOW, { frozen: true });
    const t0 = performance.now();
    await seedDemoData(cloud, { members: 40, now: NOW });
    seedMs = performance.now() - t0;
  });
  afterAll(() => {
    cloud.clock.reset();
    closeTestCloud(cloud);
  });

  const snapshots = () =>
    cloud.store
      .scan('stats_daily')
      .map((s) => statsDailyDocSchema.parse(s.doc))
      .sort((a, b) => a.day.localeCompare(b.day));
  const year = { from: addBusinessDays(TODAY, -364), to: TODAY };

  it('seeds a snapshot for every day of the history, without an error logged', () => {
    const days = snapshots().map((s) => s.day);
    expect(days[days.length - 1]).toBe(YESTERDAY);
    expect(days.length).toBeGreaterThan(365);
    for (let i = 1; i < days.length; i += 1) expect(days[i]).toBe(addBusinessDays(days[i - 1], 1));
    expect(cloud.logs.filter((l) => l.level === 'error').map((l) => `${l.fn} ${l.message}`)).toEqual([]);
    console.log(`seeded 41 members with ${days.length} daily snapshots in ${(seedMs / 1000).toFixed(1)} s`);
  });

  it('agrees with the ledger: issued − redeemed − expired − forfeited == outstanding == Σ balances == the liability', async () => {
    const snaps = snapshots();
    const ledger = cloud.store.scan('ledger').map((s) => s.doc as unknown as LedgerEntry);
    const balances = cloud.store.scan('members').reduce((sum, s) => sum + (s.doc as unknown as MemberDoc).points.available, 0);
    const ledgerSum = ledger.reduce((sum, e) => sum + e.delta, 0);
    expect(ledgerSum).toBe(balances);
    // Every night's outstanding is the one before plus the day's flows, from zero before the first member.
    let running = 0;
    for (const s of snaps) {
      running += netOf(s.points);
      expect(s.outstanding).toBe(running);
    }
    const byDay = new Map<string, number>();
    for (const e of ledger) byDay.set(businessDate(e.createdAt), (byDay.get(businessDate(e.createdAt)) ?? 0) + e.delta);
    // Each night's flows are that day's ledger entries (nothing written later with an earlier date).
    const off = snaps
      .filter((s) => netOf(s.points) !== (byDay.get(s.day) ?? 0))
      .map((s) => [
        s.day,
        netOf(s.points),
        byDay.get(s.day),
        ledger.filter((e) => businessDate(e.createdAt) === s.day).map((e) => `${e._id} ${e.kind} ${e.delta} ${e.createdAt.toISOString()}`),
      ]);
    expect(off).toEqual([]);
    const endOfYesterday = ledger.filter((e) => businessDate(e.createdAt) <= YESTERDAY).reduce((sum, e) => sum + e.delta, 0);
    expect(running).toBe(endOfYesterday);
    const today = ledger.filter((e) => businessDate(e.createdAt) === TODAY).reduce((sum, e) => sum + e.delta, 0);
    expect(running + today).toBe(balances);

    // The longest range (400 days): its flows are the change of the outstanding points over it.
    const from = addBusinessDays(TODAY, -399);
    const view = await invokeOk(cloud, 'crm', 'dashboard', { from, to: TODAY }, DEMO_OPENIDS.merchant);
    const before = snaps.filter((s) => s.day < from).pop()?.outstanding ?? 0;
    expect(netOf(view.points)).toBe(running - before);
    expect(view.pointsLiability.points).toBe(balances);
    expect(view.pointsLiability.valueFen).toBe(balances * view.settings.pointValueFen);
    expect(view.points.issued).toBeGreaterThan(0);
    expect(view.points.redeemed).toBeGreaterThan(0);
    expect(view.points.expired).toBeGreaterThan(0);
  });

  it('gives every chart of the last year a shape', async () => {
    const view = await invokeOk(cloud, 'crm', 'dashboard', year, DEMO_OPENIDS.merchant);
    expect(view.missingDays).toBe(0);
    expect(view.months.length).toBe(13);
    expect(view.months.filter((m) => m.newMembers > 0).length).toBeGreaterThanOrEqual(10);
    expect(view.months.filter((m) => m.issued > 0).length).toBeGreaterThanOrEqual(12);
    expect(view.members.total).toBe(41);
    expect(view.members.active30d).toBeGreaterThan(0);
    expect(view.repurchaseRate).not.toBeNull();
    expect(view.cohorts.length).toBeGreaterThanOrEqual(10);
    expect(view.cohorts.some((c) => c.months.length > 3)).toBe(true);
    expect(view.stores.map((s) => s.name).sort()).toEqual(['徐汇滨江店', '静安寺店']);
    expect(view.tiers.reduce((sum, t) => sum + t.count, 0)).toBe(41);
    // RFM scored on the last night: every member who bought in the window is in a segment.
    expect(view.rfm.reduce((sum, r) => sum + r.count, 0)).toBe(view.buyers);
    expect(view.coupons.issued).toBeGreaterThan(0);
    expect(view.coupons.used).toBeGreaterThan(0);
    expect(view.mall.redemptions).toBeGreaterThan(0);
    expect(view.redemptionRate).toBeGreaterThan(0);
    expect(view.pointsLiability.expiring90).toBeGreaterThanOrEqual(view.pointsLiability.expiring30);
  });

  it('refuses staff and consumers (FORBIDDEN)', async () => {
    for (const who of [DEMO_OPENIDS.staff, DEMO_OPENIDS.consumer])
      expect(await invoke(cloud, 'crm', 'dashboard', year, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('answers a bad range with VALIDATION_FAILED', async () => {
    const bad: unknown[] = [
      { from: TODAY, to: YESTERDAY },
      { from: addBusinessDays(TODAY, -400), to: TODAY },
      { from: '2026-02-30', to: TODAY },
      { from: 'yesterday', to: TODAY },
      { from: TODAY },
      { from: TODAY, to: TODAY, extra: 1 },
    ];
    for (const input of bad)
      expect(await cloud.invoke('crm', { action: 'dashboard', ...(input as object) }, { openid: DEMO_OPENIDS.merchant })).toMatchObject({
        ok: false,
        code: 'VALIDATION_FAILED',
      });
    expect(await invoke(cloud, 'crm', 'dashboard', { from: addBusinessDays(TODAY, -399), to: TODAY }, DEMO_OPENIDS.merchant)).toMatchObject({ ok: true });
  });
});
