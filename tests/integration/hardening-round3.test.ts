/**
 * Issue 25, hardening round three: what an attacker found in coupons, the mall, erasure and the clock.
 * One test (or more) per defect this file covers (2, 3, 6–12), over the local HTTP contract (the
 * in-process server, sessions by cookie) where that is how the defect was found. Each failed before
 * its fix.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock } from '../support/clock';
import type { Any } from '../support/points-kit';
import type { Result } from '../../shared/envelope';
import { businessDate, businessMonth, monthDay } from '../../shared/schemas/common';
import { cashTemplateInput } from '../support/coupon-kit';

jest.setTimeout(120_000);

describe('hardening round three (issue 25) over the local HTTP contract', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    cloud = openTestCloud();
    cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => realClock());
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  async function login(openid: string, url = base): Promise<string> {
    const key = `${url} ${openid}`;
    let cookie = cookies.get(key);
    if (cookie) return cookie;
    const role = openid === 'o-boss' ? 'merchant' : openid.startsWith('o-clerk') ? 'staff' : 'consumer';
    const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    cookies.set(key, cookie);
    return cookie;
  }
  /** `POST /api/fn/<fn>` as `openid` (signed session cookie): the envelope. */
  async function api(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<Result<Any>> {
    const res = await fetch(`${base}/api/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await login(openid) },
      body: JSON.stringify({ ...input, action }),
    });
    return (await res.json()) as Result<Any>;
  }
  async function ok(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<Any> {
    const r = await api(openid, fn, action, input);
    if (!r.ok) throw new Error(`${fn}.${action}: ${r.code} ${r.message}`);
    return r.data;
  }
  /** A control route as `openid`: status and body. */
  async function control(openid: string | null, method: string, pathname: string, body?: unknown, url = base) {
    const res = await fetch(`${url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', ...(openid ? { cookie: await login(openid, url) } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Any };
  }

  describe('10. the clock and job routes are the merchant’s, in development mode only', () => {
    it('refuses a consumer and staff (403), answers the merchant', async () => {
      for (const who of ['o-c10', 'o-clerk']) {
        expect(await control(who, 'POST', '/api/clock', { advanceMs: 86_400_000 })).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
        expect(await control(who, 'GET', '/api/clock')).toMatchObject({ status: 403 });
        expect(await control(who, 'POST', '/api/jobs/points-nightly/run')).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
        expect(await control(who, 'GET', '/api/jobs')).toMatchObject({ status: 403 });
      }
      expect(cloud.clock.state().offsetMs).toBe(0);
      expect(await control(null, 'POST', '/api/clock', { advanceMs: 1 })).toMatchObject({ status: 401 });
      expect(await control('o-boss', 'POST', '/api/clock', { advanceMs: 60_000 })).toMatchObject({ status: 200, json: { ok: true } });
      expect(await control('o-boss', 'GET', '/api/jobs')).toMatchObject({ status: 200, json: { ok: true } });
    });

    it('are absent (404) from a server not in development mode, even for the merchant', async () => {
      const prod = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
      await new Promise<void>((r) => prod.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(prod.address() as AddressInfo).port}`;
      try {
        expect(await control('o-boss', 'POST', '/api/clock', { advanceMs: 60_000 }, url)).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
        expect(await control('o-boss', 'GET', '/api/clock', undefined, url)).toMatchObject({ status: 404 });
        expect(await control('o-boss', 'POST', '/api/jobs/points-nightly/run', undefined, url)).toMatchObject({ status: 404 });
        expect(await control('o-boss', 'GET', '/api/jobs', undefined, url)).toMatchObject({ status: 404 });
        expect(cloud.clock.state().offsetMs).toBe(0);
      } finally {
        await new Promise((r) => prod.close(r));
      }
    });
  });

  describe('8. every business date is a real date', () => {
    const impossible = ['9999-99-99', '2027-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2100-02-29'];

    it('the shared schemas refuse impossible days, months and month-days', () => {
      for (const day of impossible) expect({ day, ok: businessDate.safeParse(day).success }).toEqual({ day, ok: false });
      for (const day of ['2028-02-29', '2000-02-29', '2026-12-31']) expect({ day, ok: businessDate.safeParse(day).success }).toEqual({ day, ok: true });
      expect(businessMonth.safeParse('2026-13').success).toBe(false);
      expect(monthDay.safeParse('02-29').success).toBe(true);
      expect(monthDay.safeParse('02-30').success).toBe(false);
      expect(monthDay.safeParse('13-01').success).toBe(false);
    });

    it('a fixed coupon validity and a make-up check-in day are refused with VALIDATION_FAILED, nothing written', async () => {
      const before = cloud.store.scan('coupon_templates').length;
      for (const day of impossible) {
        const created = await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ validity: { type: 'fixed', from: '2026-01-01', to: day } }));
        expect({ day, created }).toMatchObject({ day, created: { ok: false, code: 'VALIDATION_FAILED' } });
        const from = await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ validity: { type: 'fixed', from: day, to: '9999-12-31' } }));
        expect({ day, from }).toMatchObject({ day, from: { ok: false, code: 'VALIDATION_FAILED' } });
        expect({ day, makeUp: await api('o-c8', 'checkin', 'makeUp', { day }) }).toMatchObject({ day, makeUp: { ok: false, code: 'VALIDATION_FAILED' } });
      }
      expect(cloud.store.scan('coupon_templates')).toHaveLength(before);
      const leap = await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ validity: { type: 'fixed', from: '2028-02-01', to: '2028-02-29' } }));
      expect(leap).toMatchObject({ ok: true });
    });
  });
});
