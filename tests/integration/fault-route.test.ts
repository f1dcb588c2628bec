import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { seedStoreAndStaff } from '../support/points-kit';

jest.setTimeout(60_000);

/** `/api/faults` (development mode, merchant only): an outage turned on and off while the cloud runs, for e2e tests. */
describe('the local cloud fault route', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [role, openid] of [
      ['merchant', 'o-boss'],
      ['staff', 'o-clerk'],
    ]) {
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role, openid }),
      });
      cookies[role] = login.headers.get('set-cookie')!.split(';')[0];
    }
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  const post = async (path: string, body: unknown, role = 'merchant') => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies[role] },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as { ok: boolean; code?: string; data?: unknown } };
  };

  it('sets rates at run time: an outage fails the functions, reset ends it; only the merchant; bad rates refused', async () => {
    expect(await post('/api/faults', { transient: 1 }, 'staff')).toMatchObject({ status: 403 });
    expect(await post('/api/faults', { transient: 2 })).toMatchObject({ status: 400 });
    expect(await post('/api/faults', { transient: 'all' })).toMatchObject({ status: 400 });

    expect((await post('/api/fn/member', { action: 'myRole' }, 'staff')).json).toMatchObject({ ok: true, data: { role: 'staff' } });
    expect(await post('/api/faults', { transient: 1 })).toMatchObject({ status: 200, json: { data: { transient: 1, conflict: 0, lostReply: 0 } } });
    const during = (await post('/api/fn/member', { action: 'myRole' }, 'staff')).json;
    expect(during.ok).toBe(false);
    // An outage reads as "try again" to the client (the till keeps its state on these), never as a wrong input.
    expect(['UNAVAILABLE', 'CONFLICT', 'INTERNAL']).toContain(during.code);
    expect(await post('/api/faults', { reset: true })).toMatchObject({ status: 200, json: { data: { transient: 0 } } });
    expect((await post('/api/fn/member', { action: 'myRole' }, 'staff')).json).toMatchObject({ ok: true, data: { role: 'staff' } });
  });
});
