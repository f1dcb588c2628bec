import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud } from '../support/local-cloud';

describe('local HTTP contract', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    cloud = openTestCloud();
    server = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  async function post(path: string, body: unknown, cookie?: string) {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, cookie: res.headers.get('set-cookie')?.split(';')[0] };
  }

  it('signs in and calls a function with the session OPENID', async () => {
    const login = await post('/api/login', { role: 'consumer', openid: 'o-http-1' });
    expect(login.status).toBe(200);
    expect(login.json).toEqual({ ok: true, data: { role: 'consumer', openid: 'o-http-1' } });
    expect((await post('/api/fn/member', { action: 'getCard' }, login.cookie)).json).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
    const card = await post('/api/fn/member', { action: 'join', agree: true }, login.cookie);
    expect(card.json).toMatchObject({ ok: true, data: { isNew: true } });
    expect(cloud.store.scan('members').map((s) => s.doc.openid)).toContain('o-http-1');
  });

  it('refuses calls without a session, with a forged cookie, or with bad bodies', async () => {
    expect(await post('/api/fn/member', { action: 'getCard' })).toMatchObject({ status: 401, json: { ok: false, code: 'UNAUTHENTICATED' } });
    const forged = `hy_session=${Buffer.from(JSON.stringify({ role: 'merchant', openid: 'x' })).toString('base64url')}.AAAA`;
    expect(await post('/api/fn/member', { action: 'getCard' }, forged)).toMatchObject({ status: 401 });
    const login = await post('/api/login', { role: 'consumer', openid: 'o-http-2' });
    expect(await post('/api/fn/member', '{not json', login.cookie)).toMatchObject({ status: 400, json: { code: 'VALIDATION_FAILED' } });
    expect(await post('/api/fn/member', { action: 'teleport' }, login.cookie)).toMatchObject({ status: 200, json: { ok: false, code: 'UNKNOWN_ACTION' } });
    expect(await post('/api/fn/ghost', { action: 'x' }, login.cookie)).toMatchObject({ status: 404, json: { ok: false, code: 'FUNCTION_NOT_FOUND' } });
    expect(await post('/api/login', { role: 'admin' })).toMatchObject({ status: 400, json: { code: 'VALIDATION_FAILED' } });
    expect(await post('/api/login', { role: 'consumer', openid: '../../etc' })).toMatchObject({ status: 400 });
  });

  it('lists the outbox to the merchant only (a session is required)', async () => {
    expect((await fetch(`${base}/api/outbox`)).status).toBe(401);
    const consumer = await post('/api/login', { role: 'consumer', openid: 'o-http-3' });
    expect((await fetch(`${base}/api/outbox`, { headers: { cookie: consumer.cookie! } })).status).toBe(403);
    const merchant = await post('/api/login', { role: 'merchant', openid: 'o-http-boss' });
    const res = await fetch(`${base}/api/outbox`, { headers: { cookie: merchant.cookie! } });
    expect(await res.json()).toEqual({ ok: true, data: [] });
  });
});
