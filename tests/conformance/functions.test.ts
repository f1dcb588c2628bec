import path from 'node:path';
import { FunctionInvocationError } from '../../local-cloud/services';
import { ManualDeadlines } from '../support/deadlines';
import { useCloud } from './sdk';

const FIXTURES = path.join(__dirname, 'fixtures', 'functions');
type CallerAnswer = { ok: boolean; result?: unknown; errMsg?: string | null; errCode?: number | null; message?: string | null; isError?: boolean };

/**
 * Cloud functions as the cloud runs them (fixture functions in fixtures/functions):
 * - callFunction of a callee that throws rejects with errCode -504002, "functions execute fail" (the
 *   code wx-server-sdk names FUNCTIONS_EXECUTE_FAIL; seen on the cloud as "cloud function service error
 *   code -504002, error message …");
 * - the timeout of config.json (default 3 s, 云函数配置) ends the invocation with errCode -504003
 *   "Invoking task timed out after N seconds" (as the cloud reports it);
 * - a function's environment variables are its own (config.json, the local file), never the host's.
 * Timeouts are fired by moving the deadlines' clock (`ManualDeadlines`), not waited for.
 */
describe('conformance: cloud functions', () => {
  const deadlines = new ManualDeadlines();
  const ctx = useCloud({ functionsDir: FIXTURES, deadlines });
  const call = (target: string, data: Record<string, unknown> = {}) => ctx.cloud.invoke('caller', { target, data }) as Promise<CallerAnswer>;

  it('callFunction answers the callee result through wx-server-sdk, with the caller identity', async () => {
    const res = (await ctx.cloud.invoke('caller', { target: 'echo', data: { echo: { a: [1, 2] } } }, { openid: 'o-1' })) as CallerAnswer;
    expect(res).toMatchObject({ ok: true, errMsg: 'callFunction:ok', result: { echo: { a: [1, 2] }, openid: 'o-1' } });
  });

  it('a callee that throws makes callFunction reject with errCode -504002 and "functions execute fail | errMsg: …"', async () => {
    const res = await call('thrower');
    expect(res.ok).toBe(false);
    expect(res.isError).toBe(true);
    expect(res.errCode).toBe(-504002);
    expect(res.errMsg).toMatch(
      /^callFunction:fail -504002 functions execute fail\. requestID [0-9a-f-]+, TypeError: Cannot read properties of undefined \(reading 'points'\)$/,
    );
  });

  it('callFunction of an unknown function rejects', async () => {
    const res = await call('no-such-function');
    expect(res.ok).toBe(false);
    expect(res.errCode).toBe(-501001);
    expect(res.errMsg).toMatch(/ResourceNotFound\.Function/);
  });

  it("the config.json timeout ends the invocation with -504003 'Invoking task timed out after 1 seconds'", async () => {
    const pending = ctx.cloud.invoke('sleeper', { ms: 1500 }).catch((e: unknown) => e);
    await deadlines.whenArmed(1);
    deadlines.advance(999);
    expect(deadlines.pending).toBe(1); // not yet: the timeout is 1 s
    deadlines.advance(1);
    const direct = await pending;
    expect(direct).toBeInstanceOf(FunctionInvocationError);
    expect(direct).toMatchObject({ errCode: -504003, errMsg: 'Invoking task timed out after 1 seconds' });
    // one that ends in time answers, and its deadline is cancelled
    expect(await ctx.cloud.invoke('sleeper', { ms: 10 })).toEqual({ slept: 10 });
    expect(deadlines.pending).toBe(0);
    // through wx-server-sdk: the caller (3 s) and the callee (1 s) each have their deadline; the callee's ends first
    const viaSdkPending = call('sleeper', { ms: 1500 });
    await deadlines.whenArmed(2);
    deadlines.advance(1000);
    const viaSdk = await viaSdkPending;
    expect(viaSdk).toMatchObject({ ok: false, errCode: -504003, errMsg: expect.stringContaining('Invoking task timed out after 1 seconds') });
  });

  it('a function without a timeout in config.json gets the cloud default of 3 s', async () => {
    const pending = ctx.cloud.invoke('slow-default', { ms: 3400 }).catch((x: unknown) => x);
    await deadlines.whenArmed(1);
    deadlines.advance(2999);
    expect(deadlines.pending).toBe(1);
    deadlines.advance(1);
    const e = await pending;
    expect(e).toMatchObject({ errCode: -504003, errMsg: 'Invoking task timed out after 3 seconds' });
  });

  it("a function's environment comes from its config.json and the local file, never from the host process", async () => {
    process.env.HOST_ONLY_SECRET = 'leak';
    try {
      const res = (await ctx.cloud.invoke('echo', { names: ['GREETING', 'SHARED', 'HOST_ONLY_SECRET', 'HY_PII_KEY', 'HY_JOB_ITEMS_PER_SECOND', 'PATH'] })) as {
        env: Record<string, string | null>;
      };
      expect(res.env.GREETING).toBe('你好');
      expect(res.env.SHARED).toBe('from-config');
      expect(res.env.HOST_ONLY_SECRET).toBeNull();
      // The local secrets file and the test's overrides are the function's own environment.
      expect(res.env.HY_PII_KEY).toMatch(/^[0-9a-f]{64}$/);
      expect(res.env.HY_JOB_ITEMS_PER_SECOND).toBe('Infinity');
      expect(res.env.PATH).toBe(process.env.PATH);
      // Outside an invocation the host's environment is untouched.
      expect(process.env.HOST_ONLY_SECRET).toBe('leak');
    } finally {
      delete process.env.HOST_ONLY_SECRET;
    }
  });

  it('a function that sets process.env changes only its own invocation, never the host or the next invocation', async () => {
    const first = (await ctx.cloud.invoke('echo', { set: { GREETING: 'changed', NEW_VAR: 'x' }, names: ['GREETING', 'NEW_VAR'] })) as {
      env: Record<string, string | null>;
    };
    expect(first.env).toEqual({ GREETING: 'changed', NEW_VAR: 'x' });
    const second = (await ctx.cloud.invoke('echo', { names: ['GREETING', 'NEW_VAR'] })) as { env: Record<string, string | null> };
    expect(second.env).toEqual({ GREETING: '你好', NEW_VAR: null });
    expect(process.env.NEW_VAR).toBeUndefined();
  });
});

describe('conformance: function failures over the local HTTP contract', () => {
  const deadlines = new ManualDeadlines();
  const ctx = useCloud({ functionsDir: FIXTURES, deadlines });

  it('a function that throws answers 500 INTERNAL with errCode -504002; one past its timeout 504 UNAVAILABLE with -504003', async () => {
    const { createServer } = await import('../../local-cloud/server');
    const server = createServer({ cloud: ctx.cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('s') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'consumer' }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const post = (fn: string, body: unknown) =>
        fetch(`${base}/api/fn/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
      const thrown = await post('thrower', {});
      expect(thrown.status).toBe(500);
      expect(await thrown.json()).toMatchObject({ ok: false, code: 'INTERNAL', errCode: -504002 });
      const slowPending = post('sleeper', { ms: 1300 });
      await deadlines.whenArmed(1);
      deadlines.advance(1000);
      const slow = await slowPending;
      expect(slow.status).toBe(504);
      expect(await slow.json()).toMatchObject({ ok: false, code: 'UNAVAILABLE', errCode: -504003, errMsg: 'Invoking task timed out after 1 seconds' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('conformance: function environment from the local file', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kept local to this block
  const fs = require('node:fs') as typeof import('node:fs');
  const ctx = useCloud({ functionsDir: FIXTURES });

  it('function-env.json beside the store sets variables for every function ("*") and for one by name', async () => {
    ctx.cloud.close();
    const file = path.join(ctx.cloud.dir, 'cloud.sqlite');
    fs.writeFileSync(path.join(ctx.cloud.dir, 'function-env.json'), JSON.stringify({ '*': { SHARED: 'from-file', ALL: '1' }, echo: { ONLY_ECHO: 'yes' } }));
    const { LocalCloud } = await import('../../local-cloud/services');
    const reopened = new LocalCloud({ file, functionsDir: FIXTURES, functionSource: 'source', durable: false });
    try {
      const res = (await reopened.invoke('echo', { names: ['SHARED', 'ALL', 'ONLY_ECHO', 'GREETING'] })) as { env: Record<string, string | null> };
      expect(res.env).toEqual({ SHARED: 'from-file', ALL: '1', ONLY_ECHO: 'yes', GREETING: '你好' });
    } finally {
      reopened.close();
    }
  });
});
