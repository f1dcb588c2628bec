import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { seedStoreAndStaff, type Any } from '../support/points-kit';
import { DEFAULT_ENGAGEMENT_SETTINGS } from '../../shared/rules/engagement';

const BIRTHDAY_TPL = 'tplBirthdayGreet01';

/** Over HTTP only, as the demo and a tester would: the clock, the job route, the wallet and the outbox. */
describe('birthday gift through the local HTTP contract', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    cloud.clock.reset();
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  const login = async (openid: string, role: 'consumer' | 'merchant') => {
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
    return res.headers.get('set-cookie')!.split(';')[0];
  };
  const post = async (path: string, body: unknown, cookie: string) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
    return (await res.json()) as Any;
  };
  const fn = async (name: string, data: Record<string, unknown>, cookie: string) => {
    const r = await post(`/api/fn/${name}`, data, cookie);
    if (!r.ok) throw new Error(`${name}.${String(data.action)}: ${r.code} ${r.message}`);
    return r.data;
  };
  const outbox = async (cookie: string) => ((await (await fetch(`${base}/api/outbox`, { headers: { cookie } })).json()) as Any).data as Any[];

  it('issues the coupon and the greeting three days before, once', async () => {
    const boss = await login('o-boss', 'merchant');
    const me = await login('o-bday', 'consumer');
    expect(await post('/api/clock', { now: '2026-06-10T02:00:00Z' }, boss)).toMatchObject({ ok: true });

    // the merchant: a birthday coupon template, the gift setting, the greeting's message template
    const { templateId } = await fn(
      'coupon',
      {
        action: 'createTemplate',
        title: '生日礼券',
        kind: 'cash',
        thresholdFen: 0,
        valueFen: 2000,
        validity: { type: 'relative', days: 30 },
        stock: 100,
        perMemberLimit: 5,
        channels: ['birthday'],
      },
      boss,
    );
    await fn(
      'marketing',
      {
        action: 'updateSettings',
        expectedVersion: 0,
        settings: { ...DEFAULT_ENGAGEMENT_SETTINGS, birthday: { ...DEFAULT_ENGAGEMENT_SETTINGS.birthday, couponTemplateId: templateId } },
      },
      boss,
    );
    await fn(
      'marketing',
      {
        action: 'registerTemplate',
        templateId: BIRTHDAY_TPL,
        title: '生日祝福',
        purpose: 'birthday',
        fields: [
          { key: 'thing1', label: '祝福语' },
          { key: 'thing2', label: '礼遇' },
          { key: 'date3', label: '生日' },
        ],
        page: 'pages/coupons/mine/index',
      },
      boss,
    );

    // the member: a card, a birthday on 18 June, one accepted subscription
    await fn('member', { action: 'join', agree: true }, me);
    await fn('member', { action: 'setBirthday', month: 6, day: 18 }, me);
    await fn('member', { action: 'recordSubscriptions', accepted: [BIRTHDAY_TPL] }, me);

    // three days before (15 June, Shanghai), the job by its name
    expect(await post('/api/clock', { now: '2026-06-15T09:00:00+08:00' }, boss)).toMatchObject({ ok: true, data: { now: '2026-06-15T01:00:00.000Z' } });
    const run = await post('/api/jobs/birthday/run', {}, boss);
    expect(run).toMatchObject({
      ok: true,
      data: { job: 'birthday', runId: 'birthday:20260615', status: 'done', processed: 1, counters: { target: '2026-06-18', issued: 1, sent: 1 } },
    });

    const wallet = await fn('coupon', { action: 'listMine' }, me);
    expect(wallet.coupons).toEqual([expect.objectContaining({ title: '生日礼券', status: 'unused' })]);
    const messages = await outbox(boss);
    expect(messages).toEqual([
      expect.objectContaining({
        touser: 'o-bday',
        templateId: BIRTHDAY_TPL,
        page: 'pages/coupons/mine/index',
        data: { thing1: { value: expect.stringContaining('生日快乐') }, thing2: { value: '生日礼券已到账，记得使用' }, date3: { value: '2026年6月18日' } },
      }),
    ]);

    // again, and again later that day: nothing new
    expect(await post('/api/jobs/birthday/run', {}, boss)).toMatchObject({ ok: true, data: { status: 'done', counters: { issued: 1, sent: 1 } } });
    await post('/api/clock', { advanceMs: 3 * 3600_000 }, boss);
    await post('/api/jobs/birthday/run', {}, boss);
    expect((await fn('coupon', { action: 'listMine' }, me)).coupons).toHaveLength(1);
    expect(await outbox(boss)).toHaveLength(1);
    // and the job lists its last run
    const jobs = ((await (await fetch(`${base}/api/jobs`, { headers: { cookie: boss } })).json()) as Any).data as Any[];
    expect(jobs.find((j) => j.job === 'birthday')).toMatchObject({
      cron: '0 0 9 * * * *',
      lastRun: { runId: 'birthday:20260615', status: 'done', processed: 1, errors: 0 },
    });
  });
});
