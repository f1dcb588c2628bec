/**
 * One error mapping (cloudfunctions/_lib/platform/failure.ts) shared by the router and `pos`: the
 * same thrown error gets the same code, message and details from both; `pos` adds the HTTP status.
 */
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { act } from '../../shared/contract';
import { createMain } from '../../cloudfunctions/_lib/platform/router';
import { failureOf } from '../../cloudfunctions/_lib/platform/failure';
import { main as pos } from '../../cloudfunctions/pos';
import { installSdkTransport, invocationContext } from '../../local-cloud/runtime';
import { withCapturedLogs } from '../support/local-cloud';

installSdkTransport({
  handleDatabase: async () => ({ code: 'DATABASE_REQUEST_FAILED', message: 'no database in this test' }),
  callFunction: async () => ({ code: 'FUNCTIONS_EXECUTE_FAIL', message: 'no functions in this test' }),
  openapi: async () => null,
  storage: async () => ({ code: 'STORAGE_REQUEST_FAIL', message: 'no storage in this test' }),
});

/** What wx-server-sdk throws for a conflict and for a timeout (db.ts recognises both). */
const conflict = { errCode: -501001, errMsg: 'runTransaction:fail -501001 resource system error. Transaction is conflict' };
const timeout = { errCode: -1, errMsg: 'ESOCKETTIMEDOUT' };

describe('failureOf: the one error mapping', () => {
  it('answers an AppError as it is, a spent platform fault with a stable code, anything else INTERNAL (logged)', async () => {
    expect(failureOf(new AppError('NOT_A_MEMBER'), 't')).toEqual({ ok: false, code: 'NOT_A_MEMBER', message: expect.any(String) });
    expect(failureOf(new AppError('IDEMPOTENCY_KEY_REUSED', 'used', { key: 'k' }), 't')).toEqual({
      ok: false,
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'used',
      details: { key: 'k' },
    });
    expect(failureOf(timeout, 't')).toMatchObject({ ok: false, code: 'UNAVAILABLE' });
    expect(failureOf(conflict, 't')).toMatchObject({ ok: false, code: 'CONFLICT' });
    const { result, logs } = await withCapturedLogs(async () => failureOf(new Error('secret internals'), 'tag'));
    expect(result).toEqual({ ok: false, code: 'INTERNAL', message: '系统错误，请稍后重试' });
    expect(logs).toEqual([{ level: 'error', message: '[tag] unhandled error', detail: [expect.any(Error)] }]);
  });

  it('the router answers exactly what failureOf does, for every kind of error', async () => {
    const errors: unknown[] = [
      new AppError('FORBIDDEN'),
      new AppError('COUPON_ALREADY_USED', '已核销', { storeName: 'A店' }),
      timeout,
      conflict,
      new Error('x'),
    ];
    for (const error of errors) {
      const main = createMain({ go: act(z.object({})).returns<never>() }, { go: async () => Promise.reject(error) });
      const { result } = await withCapturedLogs(() =>
        invocationContext.run({ OPENID: 'o-1', APPID: 'wx', ENV: 'local', SOURCE: 'wx_client' }, () => main({ action: 'go' })),
      );
      const { result: expected } = await withCapturedLogs(async () => failureOf(error, 'cloudfunction'));
      expect(result).toEqual(expected);
    }
  });

  it('pos answers the same body, with the status of its code', async () => {
    const res = await pos({ httpMethod: 'POST', path: '/orders', headers: {}, body: '{}' });
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toEqual(failureOf(new AppError('POS_BAD_SIGNATURE', JSON.parse(res.body).message), 'pos'));
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, code: 'POS_BAD_SIGNATURE' });
  });
});
