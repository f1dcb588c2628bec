import { invokeOk, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import type { Any } from '../support/points-kit';
import { buy, createCouponTemplate, giveCredits, join, registerMessageTemplate, reopenCloud, runJobAndKill, useJobCloud } from '../support/engagement-kit';
import { addBusinessDays, businessDate, startOfBusinessDate } from '../../shared/calendar';
import { DEFAULT_LIFECYCLE_SETTINGS, currentStage } from '../../shared/rules/lifecycle';
import { runDormancy } from '../../cloudfunctions/_lib/lifecycle/dormancy';

const DORMANCY_TPL = 'tplDormancy00001';
const REPURCHASE_TPL = 'tplRepurchase0001';

/** `day` days after 5 January 2026 (a Monday), at `time` in Shanghai. */
const dayAt = (day: number, time = '10:00') => shanghai(`${addBusinessDays('2026-01-05', day)} ${time}`);

describe('purchase statistics on the member', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));

  it('counts each order, lowers the amount on a refund and the count when an order is revoked', async () => {
    setClock(dayAt(0, '12:00'));
    const m = await join(cloud, 'o-p');
    await buy(cloud, m.memberId, 'P1', dayAt(0, '11:00'), 'coffee', 3000);
    setClock(dayAt(1, '12:00'));
    const second = await buy(cloud, m.memberId, 'P2', dayAt(1, '11:00'), 'tea', 2000);
    const purchases = () => (cloud.store.get('members', m.memberId)!.doc as Any).purchases;
    expect(purchases()).toEqual({ count: 2, amountFen: 5000, firstAt: new Date(dayAt(0, '11:00')), lastAt: new Date(dayAt(1, '11:00')) });
    await invokeOk(cloud, 'points', 'refundOrder', { orderId: second.orderId, refundId: 'refund-part-01', amountFen: 500 }, 'o-clerk');
    expect(purchases()).toMatchObject({ count: 2, amountFen: 4500 });
    await invokeOk(cloud, 'points', 'revokeOrder', { orderId: second.orderId }, 'o-clerk');
    expect(purchases()).toMatchObject({ count: 1, amountFen: 3000, lastAt: new Date(dayAt(1, '11:00')) });
  });
});

describe('dormancy lifecycle', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));

  /** The coupon templates in the settings, the message template; a member who buys on day 0 and one who never buys. */
  async function arrange() {
    setClock(dayAt(0, '09:00'));
    const warning = await createCouponTemplate(cloud, '回归券', ['campaign']);
    const recall = await createCouponTemplate(cloud, '老友回归礼', ['campaign']);
    await invokeOk(
      cloud,
      'marketing',
      'updateLifecycleSettings',
      {
        expectedVersion: 0,
        settings: {
          ...DEFAULT_LIFECYCLE_SETTINGS,
          dormancy: { ...DEFAULT_LIFECYCLE_SETTINGS.dormancy, warningCouponTemplateId: warning, recallCouponTemplateId: recall },
        },
      },
      'o-boss',
    );
    await registerMessageTemplate(cloud, 'dormancy', DORMANCY_TPL);
    const buyer = await join(cloud, 'o-buyer');
    const idle = await join(cloud, 'o-idle');
    giveCredits(cloud, buyer, DORMANCY_TPL, 5);
    giveCredits(cloud, idle, DORMANCY_TPL, 5);
    setClock(dayAt(0, '12:00'));
    await buy(cloud, buyer.memberId, 'D0', dayAt(0, '11:30'));
    return { warning, recall, buyer, idle };
  }

  const couponsOf = (memberId: string) =>
    cloud.store
      .scan('coupons')
      .map((s) => s.doc as Any)
      .filter((c) => c.memberId === memberId);
  const messagesTo = (openid: string) => cloud.outbox.list(1000).filter((m) => m.touser === openid);
  const lifecycle = (memberId: string) => (cloud.store.get('member_lifecycle', memberId)?.doc as Any) ?? null;
  const stageOf = (memberId: string) => {
    const doc = lifecycle(memberId);
    return currentStage(cloud.store.get('members', memberId)!.doc as Any, doc ? { stage: doc.stage, episodeLastAt: doc.episodeLastAt } : null);
  };
  const runOn = async (day: number) => {
    setClock(dayAt(day, '03:00'));
    const r = (await cloud.runJob('dormancy')) as Any;
    expect(r).toMatchObject({ ok: true, data: { status: 'done' } });
    return r.data;
  };

  it('30 days: 预警 with a coupon and a message; 90: 沉睡; 180: 流失 with the recall; a purchase ends it and a new episode starts', async () => {
    const { warning, recall, buyer, idle } = await arrange();
    await runOn(29);
    expect(couponsOf(buyer.memberId)).toHaveLength(0);
    expect(stageOf(buyer.memberId)).toBe('active');

    const d30 = await runOn(30);
    expect(d30.counters).toMatchObject({ warning: 2, issued: 2, sent: 2 });
    for (const m of [buyer, idle]) {
      expect(couponsOf(m.memberId).map((c) => c.templateId)).toEqual([warning]);
      expect(messagesTo(m.openid)).toHaveLength(1);
      expect(stageOf(m.memberId)).toBe('warning');
    }
    expect(lifecycle(buyer.memberId)).toMatchObject({
      stage: 'warning',
      episodeLastAt: new Date(dayAt(0, '11:30')),
      couponIds: [couponsOf(buyer.memberId)[0]._id],
    });
    expect(messagesTo(buyer.openid)[0].data).toMatchObject({ thing1: { value: '好久不见，回归券已到账' }, phrase3: { value: '回归有礼' } });

    // the days between, and a gap of several days without a run: nothing more
    await runOn(31);
    await runOn(60);
    expect(couponsOf(buyer.memberId)).toHaveLength(1);

    const d90 = await runOn(90);
    expect(d90.counters).toMatchObject({ sleeping: 2, issued: 0, sent: 0 });
    expect(stageOf(buyer.memberId)).toBe('sleeping');
    expect(messagesTo(buyer.openid)).toHaveLength(1);
    expect(await invokeOk(cloud, 'marketing', 'getMemberLifecycle', { memberId: buyer.memberId }, 'o-boss')).toEqual({
      memberId: buyer.memberId,
      stage: 'sleeping',
      label: '沉睡',
      stageSince: new Date(dayAt(90, '03:00')).toISOString(),
      purchases: { count: 1, amountFen: 1000, firstAt: new Date(dayAt(0, '11:30')).toISOString(), lastAt: new Date(dayAt(0, '11:30')).toISOString() },
      idleDays: 90,
    });

    await runOn(179);
    const d180 = await runOn(180);
    expect(d180.counters).toMatchObject({ lost: 2, issued: 2, sent: 2 });
    for (const m of [buyer, idle]) {
      expect(couponsOf(m.memberId).map((c) => c.templateId)).toEqual([warning, recall]);
      expect(messagesTo(m.openid)).toHaveLength(2);
      expect(stageOf(m.memberId)).toBe('lost');
    }
    expect(lifecycle(buyer.memberId).couponIds).toHaveLength(2);
    await runOn(181);
    expect(cloud.outbox.list(1000)).toHaveLength(4);

    // the buyer comes back on day 200: active at once, no job needed
    setClock(dayAt(200, '12:00'));
    await buy(cloud, buyer.memberId, 'D200', dayAt(200, '11:00'));
    expect(stageOf(buyer.memberId)).toBe('active');
    expect(stageOf(idle.memberId)).toBe('lost');
    expect(await invokeOk(cloud, 'marketing', 'getMemberLifecycle', { memberId: buyer.memberId }, 'o-boss')).toMatchObject({
      stage: 'active',
      label: '活跃',
      stageSince: null,
      idleDays: 0,
    });
    await runOn(229);
    expect(couponsOf(buyer.memberId)).toHaveLength(2);
    // 30 days after that purchase: a new episode, a new 预警
    const again = await runOn(230);
    expect(again.counters).toMatchObject({ warning: 1, issued: 1, sent: 1 });
    expect(couponsOf(buyer.memberId).map((c) => c.templateId)).toEqual([warning, recall, warning]);
    expect(lifecycle(buyer.memberId)).toMatchObject({ stage: 'warning', episodeLastAt: new Date(dayAt(200, '11:00')) });
    expect(lifecycle(buyer.memberId).couponIds).toHaveLength(1);
    expect(messagesTo(buyer.openid)).toHaveLength(3);

    // the run records the merchant reads
    const runs = await invokeOk(cloud, 'marketing', 'listJobRuns', { job: 'dormancy', limit: 20 }, 'o-boss');
    expect(runs.length).toBeGreaterThanOrEqual(10);
    expect(runs[0]).toMatchObject({ job: 'dormancy', status: 'done', processed: 1, errors: 0 });
  });

  it('gives and sends once, run twice, run again after its record is lost, or two runs at once', async () => {
    const { buyer, idle } = await arrange();
    await runOn(29);
    setClock(dayAt(30, '03:00'));
    const both = await Promise.all([runDormancy(new Date(), { chunkSize: 1 }), runDormancy(new Date(), { chunkSize: 1 })]);
    expect(both.every((r) => r.status === 'done')).toBe(true);
    expect(await cloud.runJob('dormancy')).toMatchObject({ ok: true, data: { status: 'done' } });
    cloud.store.remove('job_runs', `dormancy:${addBusinessDays('2026-01-05', 30).replace(/-/g, '')}`);
    expect(await cloud.runJob('dormancy')).toMatchObject({ ok: true, data: { status: 'done', counters: { issued: 0, sent: 0 } } });
    for (const m of [buyer, idle]) {
      expect(couponsOf(m.memberId)).toHaveLength(1);
      expect(messagesTo(m.openid)).toHaveLength(1);
      expect((cloud.store.get('subscribe_credits', `${m.memberId}:${DORMANCY_TPL}`)!.doc as Any).credits).toBe(4);
    }
  });

  it('sends no message without a credit, and still records the stage and gives the coupon', async () => {
    const { buyer } = await arrange();
    cloud.store.remove('subscribe_credits', `${buyer.memberId}:${DORMANCY_TPL}`);
    await runOn(29);
    const d30 = await runOn(30);
    expect(d30.counters).toMatchObject({ warning: 2, sent: 1, notSent: 1 });
    expect(messagesTo(buyer.openid)).toHaveLength(0);
    expect(couponsOf(buyer.memberId)).toHaveLength(1);
    expect((cloud.store.get('message_log', `dormancy:${buyer.memberId}:warning:${new Date(dayAt(0, '11:30')).toISOString()}`)!.doc as Any).status).toBe(
      'no_credit',
    );
  });

  it('resumes a run killed in the middle and gives no member anything twice', async () => {
    // The child runs on the real clock: members who bought exactly 30 business days ago, this morning.
    const today = businessDate(new Date());
    const lastAt = new Date(startOfBusinessDate(addBusinessDays(today, -30)).getTime() + 2 * 3_600_000);
    const warning = await createCouponTemplate(cloud, '回归券', ['campaign']);
    await invokeOk(
      cloud,
      'marketing',
      'updateLifecycleSettings',
      {
        expectedVersion: 0,
        settings: { ...DEFAULT_LIFECYCLE_SETTINGS, dormancy: { ...DEFAULT_LIFECYCLE_SETTINGS.dormancy, warningCouponTemplateId: warning } },
      },
      'o-boss',
    );
    await registerMessageTemplate(cloud, 'dormancy', DORMANCY_TPL);
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const id = `m-dorm-${String(i).padStart(3, '0')}`;
      cloud.store.insert('members', {
        _id: id,
        openid: `o-dorm-${i}`,
        cardNo: `D${i}`,
        nickname: `会员${i}`,
        tierId: 'base',
        growth: 0,
        registeredAt: new Date(lastAt.getTime() - 86_400_000),
        // Several members share one instant: the cursor walks them by id.
        purchases: { count: 1, amountFen: 1000, firstAt: lastAt, lastAt: new Date(lastAt.getTime() + Math.floor(i / 3) * 1000) },
      });
      giveCredits(cloud, { memberId: id, openid: `o-dorm-${i}` }, DORMANCY_TPL, 2);
      ids.push(id);
    }
    // paced at 4 a second: chunks of 20, checkpointed; killed in the second chunk (the cursor lands inside a group sharing an instant)
    const before = await runJobAndKill(cloud, 'dormancy', 23, 4);
    expect(before).toBeGreaterThanOrEqual(23);
    expect(before).toBeLessThan(40);

    // reopened: the lease of the killed run holds for a while, then the next run resumes from the checkpoint
    const again = reopenCloud(cloud);
    try {
      expect(await again.runJob('dormancy')).toMatchObject({ ok: true, data: { status: 'busy' } });
      setClock(new Date(Date.now() + 3 * 60_000));
      expect(await again.runJob('dormancy')).toMatchObject({ ok: true, data: { status: 'done' } });
      const outbox = again.outbox.list(1000);
      expect(outbox).toHaveLength(40);
      expect(new Set(outbox.map((m) => m.touser)).size).toBe(40);
      const coupons = again.store.scan('coupons').map((s) => s.doc as Any);
      expect(coupons).toHaveLength(40);
      expect(new Set(coupons.map((c) => c.memberId)).size).toBe(40);
      for (const id of ids) {
        expect((again.store.get('subscribe_credits', `${id}:${DORMANCY_TPL}`)!.doc as Any).credits).toBe(1);
        expect((again.store.get('member_lifecycle', id)!.doc as Any).stage).toBe('warning');
      }
    } finally {
      again.close();
    }
  }, 90_000);
});

describe('repurchase-cycle reminders', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));

  const cycles = (memberId: string) => (cloud.store.get('purchase_cycles', memberId)?.doc as Any) ?? null;
  const messagesTo = (openid: string) => cloud.outbox.list(1000).filter((m) => m.touser === openid);

  it('reminds a member who buys coffee every 7 days on day 4 after the last purchase, once; one purchase takes the category median', async () => {
    setClock(dayAt(0, '09:00'));
    await registerMessageTemplate(cloud, 'repurchase', REPURCHASE_TPL);
    const weekly = await join(cloud, 'o-weekly');
    const every8 = await join(cloud, 'o-8');
    const every10 = await join(cloud, 'o-10');
    const once = await join(cloud, 'o-once');
    for (const m of [weekly, every8, every10, once]) giveCredits(cloud, m, REPURCHASE_TPL, 5);
    // who buys on which day (at 10:00; the job runs at 03:00 every day)
    const plan: Record<number, { memberId: string }[]> = {
      0: [weekly, every8, every10],
      7: [weekly],
      8: [every8],
      10: [every10],
      14: [weekly],
      16: [every8],
      20: [every10, once],
    };
    const sentOn: Record<number, string[]> = {};
    for (let day = 0; day <= 26; day += 1) {
      setClock(dayAt(day, '03:00'));
      const before = cloud.outbox.list(1000).length;
      expect(await cloud.runJob('repurchase')).toMatchObject({ ok: true, data: { status: 'done', errors: 0 } });
      sentOn[day] = cloud.outbox
        .list(1000)
        .slice(0, cloud.outbox.list(1000).length - before)
        .map((m) => m.touser);
      setClock(dayAt(day, '10:00'));
      for (const [i, m] of (plan[day] ?? []).entries()) await buy(cloud, m.memberId, `R${day}-${i}`, dayAt(day, '09:55'));
    }
    // weekly: bought on days 0, 7, 14 → expected on 21, reminded on 18, and only then
    expect(cycles(weekly.memberId).categories[0]).toMatchObject({
      category: 'coffee',
      intervalDays: 7,
      source: 'own',
      expectedOn: addBusinessDays('2026-01-05', 21),
    });
    expect(Object.entries(sentOn).filter(([, to]) => to.includes('o-weekly'))).toEqual([['18', ['o-weekly']]]);
    expect(messagesTo('o-weekly')).toHaveLength(1);
    expect(messagesTo('o-weekly')[0].data).toMatchObject({ thing1: { value: 'coffee' }, date2: { value: '2026年1月26日' } });
    // once: one purchase on day 20 → the median of 7, 8 and 10 days: expected on 28, reminded on 25
    expect(cycles(once.memberId).categories[0]).toMatchObject({
      days: [addBusinessDays('2026-01-05', 20)],
      intervalDays: 8,
      source: 'category',
      remindedFor: addBusinessDays('2026-01-05', 20),
    });
    expect(sentOn[25]).toContain('o-once');
    expect(messagesTo('o-once')).toHaveLength(1);
    expect(cloud.store.get('job_state', 'repurchase-stats')!.doc).toMatchObject({
      categories: [{ category: 'coffee', histogram: { 7: 1, 8: 1, 10: 1 }, median: 8 }],
    });

    // the day's run again after its record is lost: nothing new
    cloud.store.remove('job_runs', `repurchase:${addBusinessDays('2026-01-05', 26).replace(/-/g, '')}`);
    setClock(dayAt(26, '04:00'));
    await cloud.runJob('repurchase');
    expect(messagesTo('o-weekly')).toHaveLength(1);
    expect(messagesTo('o-once')).toHaveLength(1);
  });
});
