/**
 * Issue 9, the local server's and the seed's edges: malformed requests (7), many-key bodies (8), the
 * demo seed under faults (13), the listening address and the local-only routes (14).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { countJsonKeys, createServer, listenHost, MAX_KEYS, parseCookies, SessionSigner } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { startServer } from '../support/server';
import { itSeedsUnderFaults } from '../support/seed-under-faults';

jest.setTimeout(120_000);

describe('the local server refuses malformed and oversized requests with a 4xx and a stable code', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  let staticDir: string;

  beforeAll(async () => {
    cloud = openTestCloud();
    staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-static-'));
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>h5</title>');
    server = createServer({ cloud, mode: 'development', staticDir, sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
    fs.rmSync(staticDir, { recursive: true, force: true });
  });

  async function login(role: string, openid: string): Promise<string> {
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
    return res.headers.get('set-cookie')!.split(';')[0];
  }
  /** A raw request (fetch would refuse some of these headers). */
  function raw(
    method: string,
    pathname: string,
    headers: Record<string, string>,
    body = '',
  ): Promise<{ status: number; json: Record<string, unknown> | null; length: number }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${base}${pathname}`, { method, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | null = null;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json, length: text.length });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('7. a cookie with a bad %-escape, a static path with a bad escape, a multibyte session MAC: 4xx, never 500', async () => {
    const good = await login('consumer', 'o-edge-1');
    const body = JSON.stringify({ action: 'myRole' });
    for (const cookie of ['hy_session=%E0%A4%A', `hy_session=%`, 'hy_session=abc.%FF%FE', '__proto__=1; constructor=2; hy_session=%']) {
      const r = await raw('POST', '/api/fn/member', { 'content-type': 'application/json', cookie }, body);
      expect({ cookie, status: r.status < 500 }).toEqual({ cookie, status: true });
      expect(r.json).toHaveProperty('code');
    }
    // A good session next to a malformed cookie still works.
    expect((await raw('POST', '/api/fn/member', { 'content-type': 'application/json', cookie: `${good}; other=%ZZ` }, body)).json).toMatchObject({ ok: true });
    // A session MAC with multibyte characters of the same string length as a real one.
    const [payload, mac] = good.slice('hy_session='.length).split('.');
    const multibyte = `hy_session=${payload}.${'é'.repeat(mac.length)}`;
    expect(await raw('POST', '/api/fn/member', { 'content-type': 'application/json', cookie: multibyte }, body)).toMatchObject({
      status: 401,
      json: { code: 'UNAUTHENTICATED' },
    });
    expect(new SessionSigner(Buffer.from('k')).verify(`${payload}.${'漢'.repeat(43)}`)).toBeNull();
    for (const p of ['/%E0%A4%A', '/%', '/pages/%zz/index', '/%00']) {
      expect(await raw('GET', p, {})).toMatchObject({ status: 400, json: { code: 'VALIDATION_FAILED' } });
    }
    const parsed = parseCookies('a=%E0%A4%A; __proto__=x');
    expect(parsed.a).toBe('%E0%A4%A');
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__') && parsed['__proto__']).toBe('x');
  });

  it('8. a many-key body is refused before it is parsed, and validation errors echo a few issues with their count', async () => {
    const cookie = await login('consumer', 'o-edge-2');
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [`k${i}`, 1])));
    const big = await raw('POST', '/api/fn/member', { 'content-type': 'application/json', cookie }, many);
    expect(big).toMatchObject({ status: 413, json: { ok: false, code: 'VALIDATION_FAILED' } });
    expect(big.length).toBeLessThan(1000);
    const overKeys = JSON.stringify(Object.fromEntries(Array.from({ length: MAX_KEYS + 1 }, (_, i) => [`${i}`, 0])));
    expect(Buffer.byteLength(overKeys)).toBeLessThan(256 * 1024);
    expect(await raw('POST', '/api/fn/member', { 'content-type': 'application/json', cookie }, overKeys)).toMatchObject({ status: 413 });
    // Under the cap: answered, but not echoed — a few issues and the count.
    const unknown = JSON.stringify({ action: 'myRole', ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`unknown_key_${i}`, i])) });
    const answer = await raw('POST', '/api/fn/member', { 'content-type': 'application/json', cookie }, unknown);
    expect(answer.json).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(answer.length).toBeLessThan(3000);
    const wrong = JSON.stringify({
      action: 'recordOrder',
      ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i])),
      storeId: 1,
      receiptNo: 2,
      items: 3,
      amountFen: 'x',
      paidAt: 5,
      member: 6,
    });
    const staff = await login('staff', 'o-edge-3');
    const issues = (await raw('POST', '/api/fn/points', { 'content-type': 'application/json', cookie: staff }, wrong)).json as {
      details?: { issues: unknown[]; issueCount: number };
    };
    expect(issues.details!.issues.length).toBeLessThanOrEqual(12);
    expect(issues.details!.issueCount).toBeGreaterThanOrEqual(7);
    // The key counter counts keys, not colons inside strings.
    expect(countJsonKeys('{"a":"x:y","b":{"c":"\\":"}}')).toBe(3);
  });

  it('14. the server binds loopback by default; jobs, the clock and the outbox need a merchant session', async () => {
    const warnings: string[] = [];
    expect(listenHost({}, (l) => warnings.push(l))).toBe('127.0.0.1');
    expect(warnings).toEqual([]);
    expect(listenHost({ HOST: '0.0.0.0' }, (l) => warnings.push(l))).toBe('0.0.0.0');
    expect(warnings.join()).toMatch(/WARNING/);
    expect(await raw('POST', '/api/jobs/points/run', {})).toMatchObject({ status: 401, json: { code: 'UNAUTHENTICATED' } });
    expect(await raw('GET', '/api/outbox', {})).toMatchObject({ status: 401 });
    expect(await raw('GET', '/api/jobs', {})).toMatchObject({ status: 401 });
    expect(await raw('POST', '/api/clock', {})).toMatchObject({ status: 401 });
    const staff = await login('staff', 'o-edge-4');
    // Issue 25 (10): the control routes answer the merchant only.
    expect(await raw('GET', '/api/jobs', { cookie: staff })).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
    expect(await raw('GET', '/api/outbox', { cookie: staff })).toMatchObject({ status: 403 });
    const merchant = await login('merchant', 'o-edge-boss');
    expect(await raw('GET', '/api/outbox', { cookie: merchant })).toMatchObject({ status: 200, json: { ok: true } });
    expect(await raw('GET', '/api/jobs', { cookie: merchant })).toMatchObject({ status: 200, json: { ok: true } });
  });
});

describe('13. the demo seed under injected faults', () => {
  // A few members here; a hundred in the soak project (tests/soak/seed.test.ts).
  // The default run seeds two months of history under faults; the soak run the full fifteen.
  itSeedsUnderFaults(15, 60);

  it('npm start refuses to serve a store whose seed did not finish', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-partial-'));
    const cloud = openTestCloud({ file: path.join(dir, 'cloud.sqlite'), durable: true });
    cloud.store.insert('stores', { _id: 'store-half', name: '半途' });
    cloud.close();
    await expect(startServer({ LOCAL_DATA_DIR: dir })).rejects.toThrow(/incomplete|seed -- --reset/);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(cloud.dir, { recursive: true, force: true });
  });
});
