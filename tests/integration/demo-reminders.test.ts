/**
 * Issue 26 item 1, done when: from a freshly seeded demo, with no set-up of any kind, every reminder
 * goes out — only the clock moves and the jobs run by name through the scheduler, over HTTP — and each
 * message in `GET /api/outbox` carries its member's name.
 */
import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer, DEMO_OPENIDS } from '../../local-cloud/server';
import { DEMO_MESSAGE_TEMPLATES, seedDemoData } from '../../local-cloud/tools';
import { loadTemplates, DEFAULT_TEMPLATES_FILE } from '../../local-cloud/services/openapi';
import { addBusinessDays, businessDate, startOfBusinessDate } from '../../shared/calendar';
import { asName } from '../../shared/rules/message-fields';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import type { Any } from '../support/points-kit';

jest.setTimeout(240_000);

const NOW = new Date('2026-06-10T02:00:00Z'); // 10:00 in Shanghai
const shanghai = (day: string, hhmm: string) => new Date(`${day}T${hhmm}:00+08:00`);

describe('the demo’s reminders reach people out of the box', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  let boss: string;
  beforeAll(async () => {
    cloud = openTestCloud({ logs: 'capture' });
    cloud.clock.set(NOW, { frozen: true });
    await seedDemoData(cloud, { members: 60, now: NOW });
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'merchant' }),
    });
    boss = res.headers.get('set-cookie')!.split(';')[0];
  });
  afterAll(async () => {
    cloud.clock.reset();
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  const post = async (path: string, body: unknown) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie: boss }, body: JSON.stringify(body) });
    return (await res.json()) as Any;
  };
  const docs = (collection: string) => cloud.store.scan(collection).map((s) => s.doc as Any);

  it('registers the same templates in the app and on the platform', () => {
    const platform = loadTemplates(DEFAULT_TEMPLATES_FILE);
    for (const t of DEMO_MESSAGE_TEMPLATES) expect(platform.get(t.templateId)?.fields).toEqual(t.fields.map((f) => f.key));
    expect(new Set(DEMO_MESSAGE_TEMPLATES.map((t) => t.purpose))).toEqual(
      new Set(['birthday', 'points_expiry', 'coupon_expiry', 'checkin_reminder', 'dormancy', 'repurchase']),
    );
  });

  it('sends birthday, points-expiry, coupon-expiry, check-in, dormancy and repurchase reminders, each naming its member', async () => {
    const today = businessDate(NOW);
    const members = docs('members');
    const demo = members.find((m) => m.openid === DEMO_OPENIDS.consumer);
    const daysFrom = (day: string) => Math.round((startOfBusinessDate(day).getTime() - startOfBusinessDate(today).getTime()) / 86_400_000);

    // When each job finds someone, read from the seeded data (the test sets nothing up).
    const birthdayDay = addBusinessDays(`2026-${demo.birthdayMD}`, -3); // 小林 on 18 June: 3 days before
    const lotDays = members.flatMap((m) =>
      (m.points?.lots ?? []).filter((l: Any) => l.remaining > 0).flatMap((l: Any) => [30, 7].map((lead) => addBusinessDays(l.expiresOn, -lead))),
    );
    const pointsDay = lotDays.filter((d) => d > today).sort()[0];
    const couponDays = docs('coupons')
      .filter((c) => c.status === 'unused')
      .map((c) => addBusinessDays(businessDate(new Date(new Date(c.endsAt).getTime() - 1)), -3));
    const couponDay = couponDays.filter((d) => d > today).sort()[0];
    const lastBought = members
      .map((m) => (m.purchases ? businessDate(new Date(m.purchases.lastAt)) : ''))
      .sort()
      .pop()!;
    const dormancyDay = addBusinessDays(lastBought, 31);
    const plan: { job: string; day: string; at: string }[] = [
      { job: 'checkin-reminder', day: today, at: '20:00' }, // members 1–3 checked in up to yesterday, reminder on
      { job: 'birthday', day: birthdayDay, at: '09:00' },
      { job: 'points-expiry-reminder', day: pointsDay, at: '10:00' },
      { job: 'coupon-expiry-reminder', day: couponDay, at: '10:30' },
      { job: 'dormancy', day: dormancyDay, at: '04:30' },
      { job: 'repurchase', day: today, at: '05:00' }, // learns the cycles from the year's orders
    ];
    for (const { day } of plan) expect(daysFrom(day)).toBeGreaterThanOrEqual(0);
    const runAt = async (job: string, day: string, at: string) => {
      expect(await post('/api/clock', { now: shanghai(day, at).toISOString(), frozen: true })).toMatchObject({ ok: true });
      const run = await post(`/api/jobs/${job}/run`, {});
      expect(run).toMatchObject({ ok: true, data: { job, status: 'done' } });
      return run.data;
    };
    for (const { job, day, at } of plan.sort((a, b) => (a.day + a.at < b.day + b.at ? -1 : 1))) await runAt(job, day, at);
    // The repurchase reminder: on the earliest day a learned cycle is due.
    const due = docs('purchase_cycles')
      .map((c) => c.remindOn as string | null)
      .filter((d): d is string => d !== null && d >= businessDate(new Date(cloud.clock.state().now)))
      .sort()[0];
    expect(due).toBeDefined();
    await runAt('repurchase', due, '05:00');

    const outbox = (await (await fetch(`${base}/api/outbox?limit=1000`, { headers: { cookie: boss } })).json()) as Any;
    expect(outbox.ok).toBe(true);
    const byOpenid = new Map(members.map((m) => [m.openid, m]));
    const sent = outbox.data as Any[];
    const counts = Object.fromEntries(DEMO_MESSAGE_TEMPLATES.map((t) => [t.purpose, sent.filter((m) => m.templateId === t.templateId).length]));
    for (const [purpose, n] of Object.entries(counts)) expect({ purpose, sent: n > 0 }).toEqual({ purpose, sent: true });
    // every message names its member (the 姓名 field in the form it accepts)
    for (const m of sent) {
      const member = byOpenid.get(m.touser);
      const values = Object.values(m.data as Record<string, { value: string }>).map((v) => v.value);
      expect({ to: member?.nickname, values }).toEqual({
        to: member?.nickname,
        values: expect.arrayContaining([expect.stringContaining(asName(member?.nickname))]),
      });
    }
    // 小林's birthday greeting: her name, the demo's birthday coupon, the day
    expect(sent.find((m) => m.touser === DEMO_OPENIDS.consumer && m.templateId === 'DEMO_TPL_BIRTHDAY')?.data).toEqual({
      name1: { value: '小林' },
      thing2: { value: '生日免费饮品券已到账，记得使用' },
      date3: { value: '2026年6月18日' },
      thing4: { value: '小林，生日快乐' },
    });
    // each value where the merchant's label asks for it: the coupon's name, then the advice
    expect(sent.find((m) => m.templateId === 'DEMO_TPL_COUPON_EXPIRY')?.data).toMatchObject({
      thing1: { value: expect.not.stringContaining('请尽快使用') },
      thing4: { value: '优惠券即将过期，请尽快使用' },
    });
    // nothing refused or skipped for want of a valid value
    expect(
      docs('message_log')
        .filter((l) => l.status !== 'sent')
        .map((l) => `${l._id} ${l.status}`),
    ).toEqual([]);
    console.log(`demo reminders sent: ${JSON.stringify(counts)}; plan ${JSON.stringify(plan.map((p) => `${p.job}@${p.day}`))}, repurchase@${due}`);
  });

  it('gifts a birthday set inside the lead window this year, once, with the demo’s birthday coupon', async () => {
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'consumer', openid: 'o-late-bday' }),
    });
    const me = login.headers.get('set-cookie')!.split(';')[0];
    const fn = async (name: string, data: Record<string, unknown>) => {
      const res = await fetch(`${base}/api/fn/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: me },
        body: JSON.stringify(data),
      });
      const body = (await res.json()) as Any;
      if (!body.ok) throw new Error(`${name}.${String(data.action)}: ${body.code} ${body.message}`);
      return body.data;
    };
    // A day on which no seeded member's birthday is within a week: the gift counted is this member's alone.
    const seeded = new Set(docs('members').map((m) => m.birthdayMD as string));
    const clear = (day: string) => [0, 1, 2, 3, 4, 5, 6, 7].every((n) => !seeded.has(addBusinessDays(day, n).slice(5)));
    let today = businessDate(new Date(cloud.clock.state().now));
    while (!clear(today)) today = addBusinessDays(today, 1);
    await post('/api/clock', { now: shanghai(today, '08:00').toISOString(), frozen: true });
    await fn('member', { action: 'join', agree: true });
    await fn('member', { action: 'updateProfile', nickname: '晚来的小周1' });
    // the birthday two days from now: inside the 3-day lead, after the run that would have gifted it
    const birthday = addBusinessDays(today, 2);
    await fn('member', { action: 'setBirthday', month: Number(birthday.slice(5, 7)), day: Number(birthday.slice(8)) });
    await fn('member', { action: 'recordSubscriptions', accepted: ['DEMO_TPL_BIRTHDAY'] });
    const run = async (day: string) => {
      expect(await post('/api/clock', { now: shanghai(day, '09:00').toISOString(), frozen: true })).toMatchObject({ ok: true });
      return (await post('/api/jobs/birthday/run', {})).data;
    };
    expect(await run(today)).toMatchObject({ status: 'done', counters: { issued: 1, sent: 1 } });
    expect(await run(addBusinessDays(today, 1))).toMatchObject({ status: 'done', counters: { issued: 0, sent: 0 } });
    const wallet = await fn('coupon', { action: 'listMine' });
    expect(wallet.coupons.filter((c: Any) => c.title === '生日免费饮品券')).toHaveLength(1);
    const outbox = (await (await fetch(`${base}/api/outbox?limit=1000`, { headers: { cookie: boss } })).json()) as Any;
    const greeting = (outbox.data as Any[]).filter((m) => m.touser === 'o-late-bday');
    expect(greeting).toHaveLength(1);
    // the nickname fails the 姓名 check (a digit): its Chinese characters stand in, the greeting keeps it whole
    expect(greeting[0].data.name1.value).toBe('晚来的小周');
    expect(greeting[0].data.thing4.value).toBe('晚来的小周1，生日快乐');
  });
});
