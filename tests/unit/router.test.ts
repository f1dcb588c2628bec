import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { createMain } from '../../cloudfunctions/_lib/platform/router';
import { act } from '../../shared/contract';
import { installSdkTransport, invocationContext } from '../../local-cloud/runtime';
import { withCapturedLogs } from '../support/local-cloud';

installSdkTransport({
  handleDatabase: async () => ({ code: 'DATABASE_REQUEST_FAILED', message: 'no database in this test' }),
  callFunction: async () => ({ code: 'FUNCTIONS_EXECUTE_FAIL', message: 'no functions in this test' }),
  openapi: async () => null,
  storage: async () => ({ code: 'STORAGE_REQUEST_FAIL', message: 'no storage in this test' }),
});

const contract = {
  add: act(z.object({ a: z.number().int(), b: z.number().int() }).strict()).returns<{ sum: number; openid: string }>(),
  boom: act(z.object({})).returns<never>(),
  denied: act(z.object({})).returns<never>(),
  nightly: act(z.object({}).passthrough()).returns<{ openid: string }>(),
};

const main = createMain(
  contract,
  {
    add: async ({ a, b }, ctx) => ({ sum: a + b, openid: ctx.openid }),
    boom: async () => {
      throw new Error('secret internals');
    },
    denied: async () => {
      throw new AppError('FORBIDDEN');
    },
    nightly: async (_i, ctx) => ({ openid: ctx.openid }),
  },
  { timerAction: 'nightly' },
);

const asUser = <T>(openid: string, fn: () => Promise<T>) => invocationContext.run({ OPENID: openid, APPID: 'wx', ENV: 'local', SOURCE: 'wx_client' }, fn);

describe('createMain: routing, validation, envelope', () => {
  it('routes on action and validates with the action schema', async () => {
    expect(await asUser('o1', () => main({ action: 'add', a: 1, b: 2 }))).toEqual({ ok: true, data: { sum: 3, openid: 'o1' } });
    const bad = await asUser('o1', () => main({ action: 'add', a: 1.5, b: 'x' }));
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect((bad as { details: { issues: { path: string }[] } }).details.issues.map((i) => i.path)).toEqual(['a', 'b']);
  });
  it('answers stable codes for unknown or missing actions', async () => {
    expect(await main({ action: 'nope' })).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await main({})).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await main(null)).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await main({ action: 'toString' })).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
  });
  it('maps domain errors to their code and hides unexpected ones', async () => {
    expect(await main({ action: 'denied' })).toEqual({ ok: false, code: 'FORBIDDEN', message: '没有权限执行此操作' });
    const { result: res, logs } = await withCapturedLogs(() => main({ action: 'boom' }));
    expect(res).toEqual({ ok: false, code: 'INTERNAL', message: '系统错误，请稍后重试' });
    // the detail the answer hides is in the function's log
    expect(logs).toEqual([{ level: 'error', message: '[cloudfunction] unhandled error', detail: [expect.any(Error)] }]);
  });
  it('runs the timer action for a timer trigger (known from the context), with no OPENID', async () => {
    const timer = { Type: 'Timer', TriggerName: 'nightly', Time: '2026-11-23T18:00:00Z' };
    const asTrigger = <T>(fn: () => Promise<T>) => invocationContext.run({ OPENID: '', APPID: 'wx', ENV: 'local', SOURCE: 'wx_trigger' }, fn);
    expect(await asTrigger(() => main(timer))).toEqual({ ok: true, data: { openid: '' } });
    // The same event from a client, or through another function, is not a timer: no action, no route.
    expect(await asUser('o1', () => main(timer))).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    const viaFunction = await invocationContext.run({ OPENID: '', APPID: 'wx', ENV: 'local', SOURCE: 'wx_trigger,scf' }, () => main(timer));
    expect(viaFunction).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
  });
  it('answers health in every function, outside its contract, with the deployed code hash as the version', async () => {
    const before = process.env.HY_CODE_SHA;
    try {
      delete process.env.HY_CODE_SHA;
      expect(await main({ action: 'health' })).toEqual({ ok: true, data: { ok: true, version: 'local' } });
      process.env.HY_CODE_SHA = 'abc123';
      expect(await asUser('o1', () => main({ action: 'health' }))).toEqual({ ok: true, data: { ok: true, version: 'abc123' } });
    } finally {
      if (before === undefined) delete process.env.HY_CODE_SHA;
      else process.env.HY_CODE_SHA = before;
    }
    // A contract that declares its own `health` keeps it.
    const own = createMain({ health: act(z.object({})).returns<{ mine: true }>() }, { health: async () => ({ mine: true as const }) });
    expect(await own({ action: 'health' })).toEqual({ ok: true, data: { mine: true } });
  });
  it('strips userInfo the SDK adds, so strict schemas still accept the call', async () => {
    expect(await asUser('o2', () => main({ action: 'add', a: 2, b: 2, userInfo: { openId: 'o2', appId: 'wx' } }))).toMatchObject({ ok: true });
  });
});
