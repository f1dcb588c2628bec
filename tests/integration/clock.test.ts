import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer } from '../../local-cloud/server';
import { realNow } from '../../local-cloud/database';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { startTimers } from '../../local-cloud/runtime';
import { database } from '../../cloudfunctions/_lib/platform/cloud';

describe('the local cloud clock', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    cloud = openTestCloud();
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'merchant' }),
    });
    cookie = login.headers.get('set-cookie')!.split(';')[0];
  });
  afterEach(() => cloud.clock.reset());
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  const clock = async (body?: unknown, withCookie = true) => {
    const res = await fetch(`${base}/api/clock`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(withCookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      json: (await res.json()) as { ok: boolean; code?: string; data: { now: string; offsetMs: number; frozen: boolean; real: boolean } },
    };
  };

  it('is set, advanced and reset over HTTP, and refuses callers without a session and bad bodies', async () => {
    expect((await clock(undefined, false)).status).toBe(401);
    expect((await clock({ now: '2030-01-01T00:00:00Z' }, false)).status).toBe(401);
    expect((await clock()).json.data.real).toBe(true);
    const set = await clock({ now: '2030-02-28T16:00:00Z', frozen: true });
    expect(set.json).toMatchObject({ ok: true, data: { now: '2030-02-28T16:00:00.000Z', frozen: true, real: false } });
    expect(new Date().toISOString()).toBe('2030-02-28T16:00:00.000Z');
    expect((await clock({ advanceMs: 86_400_000 })).json.data.now).toBe('2030-03-01T16:00:00.000Z');
    expect(Date.now()).toBe(Date.parse('2030-03-01T16:00:00Z'));
    // A running clock keeps going from the instant it was set to.
    const running = await clock({ now: '2031-06-01T00:00:00Z' });
    expect(running.json.data.frozen).toBe(false);
    expect(Math.abs(Date.now() - Date.parse('2031-06-01T00:00:00Z'))).toBeLessThan(5_000);
    expect((await clock({ now: 'yesterday' })).status).toBe(400);
    expect((await clock({ advanceMs: 'a lot' })).status).toBe(400);
    expect((await clock({ reset: true })).json.data.real).toBe(true);
    expect(Math.abs(Date.now() - realNow())).toBeLessThan(50);
  });

  it('drives the functions: ctx.now, serverDate() and the dates they write', async () => {
    cloud.clock.set('2030-05-20T02:00:00Z', { frozen: true });
    const r = (await cloud.invoke('member', { action: 'join', agree: true }, { openid: 'o-clock' })) as { ok: boolean };
    expect(r.ok).toBe(true);
    const member = cloud.store.scan('members')[0].doc as unknown as { registeredAt: Date };
    expect(new Date(member.registeredAt).toISOString()).toBe('2030-05-20T02:00:00.000Z');
    const db = database();
    const added = (await db
      .collection('access_log')
      .add({ data: { at: db.serverDate(), memberId: 'x', actor: { openid: 'o-clerk', role: 'staff', name: '店员', storeId: null }, by: 'phone' } })) as {
      _id: string;
    };
    expect((cloud.store.get('access_log', added._id)!.doc as unknown as { at: Date }).at.toISOString()).toBe('2030-05-20T02:00:00.000Z');
    // Dates made before the clock moved are still dates.
    const before = new Date(0);
    expect(before instanceof Date).toBe(true);
    expect(new Date(2030, 0, 1).getFullYear()).toBe(2030);
    expect(typeof (Date as unknown as () => string)()).toBe('string');
  });

  it('re-arms the timers when the clock jumps, firing once what the jump passed over', async () => {
    cloud.clock.set('2030-01-01T00:00:00+08:00');
    const fired: string[] = [];
    const stop = startTimers(
      async () => void fired.push(new Date().toISOString()),
      () => undefined,
      [{ functionName: 'scheduler', triggerName: 'tick', cron: '0 0 9 * * * *' }],
      (l) => cloud.clock.onChange(l),
    );
    expect(fired).toEqual([]);
    cloud.clock.advance(3 * 86_400_000);
    await new Promise((r) => setImmediate(r)); // the firing the jump passed over runs on the change event, not on a timer
    expect(fired).toHaveLength(1);
    stop();
  });
});
