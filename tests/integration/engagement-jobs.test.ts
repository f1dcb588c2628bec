import { invokeOk, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import type { Any } from '../support/points-kit';
import { giveCredits, reopenCloud, runJobAndKill, useJobCloud } from '../support/engagement-kit';
import { DEFAULT_ENGAGEMENT_SETTINGS, birthdayTarget, birthdaysCelebratedOn } from '../../shared/rules/engagement';
import type { LocalCloud } from '../../local-cloud/services';
import { runPointsExpiryReminder } from '../../cloudfunctions/_lib/engagement';
import { creditsOf } from '../../cloudfunctions/_lib/messages/messages';

const EXPIRY_TPL = 'tplPointsExpiry0001';

describe('birthday rules', () => {
  it('celebrates 29 February on 28 February in other years', () => {
    expect(birthdaysCelebratedOn('2027-02-28')).toEqual(['02-28', '02-29']);
    expect(birthdaysCelebratedOn('2028-02-28')).toEqual(['02-28']);
    expect(birthdaysCelebratedOn('2028-02-29')).toEqual(['02-29']);
    expect(birthdayTarget('2027-02-25', 3)).toEqual({ day: '2027-02-28', year: 2027, monthDays: ['02-28', '02-29'] });
    // a gift in late December belongs to next year's birthday
    expect(birthdayTarget('2026-12-30', 3)).toMatchObject({ day: '2027-01-02', year: 2027 });
  });
});

describe('engagement jobs on the scheduler', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));

  it('gives a 29 February birthday its gift on 28 February of a non-leap year, once', async () => {
    setClock(shanghai('2027-01-10 10:00'));
    const { templateId } = await invokeOk(
      cloud,
      'coupon',
      'createTemplate',
      {
        title: '生日礼券',
        kind: 'cash',
        thresholdFen: 0,
        valueFen: 1000,
        validity: { type: 'relative', days: 30 },
        stock: 10,
        perMemberLimit: 5,
        channels: ['birthday'],
      },
      'o-boss',
    );
    await invokeOk(
      cloud,
      'marketing',
      'updateSettings',
      { expectedVersion: 0, settings: { ...DEFAULT_ENGAGEMENT_SETTINGS, birthday: { ...DEFAULT_ENGAGEMENT_SETTINGS.birthday, couponTemplateId: templateId } } },
      'o-boss',
    );
    await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-leap');
    await invokeOk(cloud, 'member', 'setBirthday', { month: 2, day: 29, year: 2000 }, 'o-leap');
    await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-mar1');
    await invokeOk(cloud, 'member', 'setBirthday', { month: 3, day: 1 }, 'o-mar1');

    setClock(shanghai('2027-02-24 09:00')); // target 27 Feb: nobody
    expect(await cloud.runJob('birthday')).toMatchObject({ ok: true, data: { processed: 0, counters: { target: '2027-02-27' } } });
    setClock(shanghai('2027-02-25 09:00')); // target 28 Feb: the 29 Feb member
    expect(await cloud.runJob('birthday')).toMatchObject({ ok: true, data: { processed: 1, counters: { target: '2027-02-28', issued: 1 } } });
    // the run's record is gone (say a restore): the coupon key still gives once a year
    cloud.store.remove('job_runs', 'birthday:20270225');
    expect(await cloud.runJob('birthday')).toMatchObject({ ok: true, data: { processed: 1, counters: { issued: 0 } } });
    setClock(shanghai('2027-02-26 09:00')); // target 1 Mar
    expect(await cloud.runJob('birthday')).toMatchObject({ ok: true, data: { processed: 1, counters: { target: '2027-03-01', issued: 1 } } });
    const coupons = cloud.store.scan('coupons').map((s) => s.doc as Any);
    expect(coupons.map((c) => c.issueKey).sort()).toEqual([expect.stringMatching(/^birthday:2027:/), expect.stringMatching(/^birthday:2027:/)]);
    expect(new Set(coupons.map((c) => c.memberId)).size).toBe(2);
  });

  /** Members with 40 points expiring in 7 days, each with one accepted subscription. */
  async function seedExpiring(target: LocalCloud, n: number, today: string, expiresOn: string) {
    await invokeOk(
      target,
      'marketing',
      'registerTemplate',
      {
        templateId: EXPIRY_TPL,
        title: '积分过期提醒',
        purpose: 'points_expiry',
        fields: [
          { key: 'number1', label: '积分' },
          { key: 'date2', label: '过期日期' },
          { key: 'thing3', label: '提示' },
        ],
      },
      'o-boss',
    );
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const id = `m-exp-${String(i).padStart(3, '0')}`;
      target.store.insert('members', {
        _id: id,
        openid: `o-exp-${i}`,
        cardNo: `C${i}`,
        nickname: `会员${i}`,
        tierId: 'base',
        growth: 0,
        registeredAt: new Date(),
        updatedAt: new Date(),
        points: {
          available: 40,
          pending: 0,
          lots: [{ id: `lot-${i}`, remaining: 40, earnedOn: today, expiresOn }],
          pendingLots: [],
          debt: 0,
          nextEventOn: expiresOn,
          seq: 1,
        },
      });
      // the app's count is written directly: the platform's own credits (what the phone's dialog grants) too
      giveCredits(target, { memberId: id, openid: `o-exp-${i}` }, EXPIRY_TPL, 3);
      ids.push(id);
    }
    return ids;
  }

  it('reminds each member once per occurrence, run twice or two runs overlapping', async () => {
    setClock(shanghai('2026-05-01 10:00'));
    const ids = await seedExpiring(cloud, 12, '2025-05-08', '2026-05-08');
    // two runs at once, without the scheduler's lease (as if a lease had expired under a slow run)
    const both = await Promise.all([runPointsExpiryReminder(new Date(), { chunkSize: 3 }), runPointsExpiryReminder(new Date(), { chunkSize: 3 })]);
    expect(both.every((r) => r.status === 'done')).toBe(true);
    // then the scheduler's run of the same day, and once more
    expect(await cloud.runJob('points-expiry-reminder')).toMatchObject({ ok: true, data: { status: 'done' } });
    cloud.store.remove('job_runs', 'points-expiry-reminder:20260501');
    expect(await cloud.runJob('points-expiry-reminder')).toMatchObject({ ok: true, data: { status: 'done', counters: { sent: 0 } } });
    const outbox = cloud.outbox.list(1000);
    expect(outbox).toHaveLength(12);
    expect(new Set(outbox.map((m) => m.touser)).size).toBe(12);
    expect(outbox[0].data).toMatchObject({ number1: { value: '40' }, date2: { value: '2026年5月8日' } });
    for (const id of ids) expect(await creditsOf(id, EXPIRY_TPL)).toBe(2);
    // 30 days before is another occurrence of the same lot: one more each
    setClock(shanghai('2026-04-08 10:00'));
    await cloud.runJob('points-expiry-reminder');
    expect(cloud.outbox.list(1000)).toHaveLength(24);
  });

  it('never sends twice across the window a kill can hit inside one send (claimed, sent, not yet logged sent)', async () => {
    setClock(shanghai('2026-05-01 10:00'));
    const ids = await seedExpiring(cloud, 3, '2025-05-08', '2026-05-08');
    expect(await cloud.runJob('points-expiry-reminder')).toMatchObject({ ok: true, data: { status: 'done' } });
    expect(cloud.outbox.list(1000)).toHaveLength(3);
    // As the kill would leave it: the message went out, the log still says `sending` (its update never
    // ran); and the day's run record gone, so the next run sees every member again.
    const [log] = cloud.store.scan('message_log').filter((l) => (l.doc as Any).memberId === ids[1]);
    cloud.store.replace('message_log', { ...(log.doc as Any), status: 'sending' });
    cloud.store.remove('job_runs', 'points-expiry-reminder:20260501');
    expect(await cloud.runJob('points-expiry-reminder')).toMatchObject({ ok: true, data: { status: 'done', counters: { sent: 0 } } });
    expect(cloud.outbox.list(1000)).toHaveLength(3);
    expect((cloud.store.get('message_log', (log.doc as Any)._id)!.doc as Any).status).toBe('sending');
    for (const id of ids) expect(await creditsOf(id, EXPIRY_TPL)).toBe(2);
  });

  it('resumes a job killed in the middle, and processes no member twice', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { businessDate, addBusinessDays } = await import('../../shared/calendar');
    const day = businessDate(new Date());
    const ids = await seedExpiring(cloud, 40, today, addBusinessDays(day, 7));
    // the child runs the job paced at 20 members a second; it is killed once some are done
    const before = await runJobAndKill(cloud, 'points-expiry-reminder', 8);
    expect(before).toBeGreaterThanOrEqual(8);
    expect(before).toBeLessThan(40);

    // reopened: the lease of the killed run holds for a while, then the next run resumes from the checkpoint
    const again = reopenCloud(cloud);
    try {
      expect(await again.runJob('points-expiry-reminder')).toMatchObject({ ok: true, data: { status: 'busy' } });
      setClock(new Date(Date.now() + 3 * 60_000));
      const resumed = (await again.runJob('points-expiry-reminder')) as Any;
      expect(resumed).toMatchObject({ ok: true, data: { status: 'done', processed: expect.any(Number) } });
      const outbox = again.outbox.list(1000);
      // nobody twice: each member's send is keyed (`message_log/<key>`, written `sending` with the credit
      // before the send), so the resumed run skips whoever the killed run had claimed
      expect(new Set(outbox.map((m) => m.touser)).size).toBe(outbox.length);
      const logs = again.store.scan('message_log').map((s) => s.doc as Any);
      expect(new Set(logs.map((l) => l.memberId))).toEqual(new Set(ids));
      expect(logs).toHaveLength(40);
      // If the kill landed inside one send (after its claim, before its log said `sent`), that member
      // stays `sending` — sent or not, never sent again (at most once); every other member was sent once.
      const sent = logs.filter((l) => l.status === 'sent').length;
      const inFlight = logs.filter((l) => l.status === 'sending').length;
      expect(inFlight).toBeLessThanOrEqual(1);
      expect(sent + inFlight).toBe(40);
      expect(outbox.length).toBeGreaterThanOrEqual(sent);
      expect(outbox.length).toBeLessThanOrEqual(sent + inFlight);
      for (const id of ids) expect((again.store.get('subscribe_credits', `${id}:${EXPIRY_TPL}`)!.doc as Any).credits).toBe(2);
    } finally {
      again.close();
    }
  });
});

describe('birthday points multiplier', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));

  it('multiplies an order’s points on the member’s birthday (default ×2), not the day after', async () => {
    setClock(shanghai('2026-06-01 10:00'));
    const { memberId } = await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-bp');
    await invokeOk(cloud, 'member', 'setBirthday', { month: 6, day: 18 }, 'o-bp');
    const order = (receiptNo: string, paidAt: string) => ({
      storeId: 'store-a',
      receiptNo,
      items: [{ sku: 'S1', category: 'coffee', priceFen: 10000, quantity: 1 }],
      amountFen: 10000,
      paidAt,
      member: { memberId },
    });
    setClock(shanghai('2026-06-18 12:00')); // a Thursday: no member day
    expect(await invokeOk(cloud, 'points', 'recordOrder', order('B1', shanghai('2026-06-18 11:00')), 'o-clerk')).toMatchObject({ points: 20 });
    setClock(shanghai('2026-06-19 12:00'));
    expect(await invokeOk(cloud, 'points', 'recordOrder', order('B2', shanghai('2026-06-19 11:00')), 'o-clerk')).toMatchObject({ points: 10 });
  });
});
