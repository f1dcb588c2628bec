import { seedDemoData } from '../../local-cloud/tools';
import { DEMO_OPENIDS } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud } from './local-cloud';
import type { Result } from '../../shared/envelope';
import type { Any } from './points-kit';

/**
 * The demo as `npm start` seeds it, checked: no error logged, clean reconciliation, 小林 (the first
 * demo member, a year of orders) a silver member. `members`: how many demo members (the seed's
 * default, 300, in the soak project; a few dozen in the default run, 小林 among them).
 */
export function describeSeededDemo({ members }: { members?: number } = {}): void {
  describe(`seeded demo points (${members ?? 'default'} members)`, () => {
    let cloud: ReturnType<typeof openTestCloud>;
    beforeAll(async () => {
      cloud = openTestCloud({ logs: 'capture' });
      await seedDemoData(cloud, members === undefined ? {} : { members });
      // The seed walks every day of 15 months (joins, orders, the nightly snapshot for the dashboard).
    }, 600_000);
    afterAll(() => closeTestCloud(cloud));

    it('logs no error while seeding (the store hours counted by concurrent orders too)', () => {
      // An hour sent by another order's call while this one awaited was sent again as an increment of 0,
      // which updates nothing, so the hour's add failed as a duplicate: 26 errors in one seed.
      expect(cloud.logs.filter((l) => l.level === 'error').map((l) => `${l.fn} ${l.message}`)).toEqual([]);
    });

    it('reconciles clean for every member, and the nightly job finds nothing out of line', async () => {
      let after: string | undefined;
      let checked = 0;
      for (;;) {
        const page = (await cloud.invoke(
          'points',
          { action: 'reconcile', limit: 200, ...(after ? { after } : {}) },
          { openid: DEMO_OPENIDS.merchant },
        )) as Result<Any>;
        expect(page).toMatchObject({ ok: true, data: { drifts: [] } });
        if (!page.ok) return;
        checked += page.data.checked;
        if (!page.data.nextAfter) break;
        after = page.data.nextAfter;
      }
      expect(checked).toBe(cloud.store.scan('members').length);
      const nightly = (await cloud.invoke('scheduler', { action: 'runJob', job: 'points-nightly' }, { openid: DEMO_OPENIDS.merchant })) as Result<Any>;
      expect(nightly).toMatchObject({ ok: true, data: { status: 'done', counters: { drifts: [] } } });
    });

    it('shows 小林 as a silver member with the seeded balance, and her history', async () => {
      const card = (await cloud.invoke('member', { action: 'getCard' }, { openid: DEMO_OPENIDS.consumer })) as Result<Any>;
      expect(card).toMatchObject({ ok: true, data: { nickname: '小林', tier: { name: '银卡会员' } } });
      const history = (await cloud.invoke('points', { action: 'history' }, { openid: DEMO_OPENIDS.consumer })) as Result<Any>;
      expect(history.ok).toBe(true);
      if (!card.ok || !history.ok) return;
      expect(history.data.summary.available).toBe(card.data.points.available);
      expect(history.data.entries.length).toBeGreaterThan(10);
    });
  });
}
