import { decode, fromStorage, toStorage } from '../../local-cloud/store/ejson';
import { parseFaults, seededRandom } from '../../local-cloud/database';
import { SessionSigner, parseCookies } from '../../local-cloud/server';
import { parseWeChatCron } from '../../local-cloud/runtime/timers';
import { isDuplicateKey, isTransactionConflict, isTransient, withRetry } from '../../cloudfunctions/_lib/platform/db';

describe('EJSON decoding of SDK requests', () => {
  it('decodes numbers, dates, server dates and regular expressions', () => {
    const now = () => Date.parse('2026-11-23T00:00:00Z');
    const v = decode(
      '{"n":{"$numberInt":"5"},"d":{"$date":{"$numberLong":"0"}},"s":{"$tcb_server_date":{"offset":{"$numberInt":"1000"}}},"r":{"$regularExpression":{"pattern":"^a","options":"i"}}}',
      now,
    ) as Record<string, unknown>;
    expect(v.n).toBe(5);
    expect(v.d).toEqual(new Date(0));
    expect(v.s).toEqual(new Date('2026-11-23T00:00:01Z'));
    expect(v.r).toEqual(/^a/i);
  });
});

describe('storage form of documents', () => {
  it('round-trips dates anywhere, big integers and look-alike strings', () => {
    const doc = {
      _id: 'a',
      at: new Date('2026-11-23T01:02:03.004Z'),
      lots: [{ expiresAt: new Date(0), n: 3 }],
      nested: { deep: [[new Date(86400000)]] },
      text: 'contains "$date" as text',
      big: 2 ** 53 + 2,
    };
    const back = fromStorage(toStorage(doc));
    expect(back).toEqual(doc);
    expect(back.at).toBeInstanceOf(Date);
    expect((back.lots as { expiresAt: Date }[])[0].expiresAt).toBeInstanceOf(Date);
    // A date before 1970 is stored as {$date:{$numberLong}}: the full EJSON decoder takes it.
    const ancient = { _id: 'b', at: new Date(Date.UTC(1900, 0, 1)), lots: [{ at: new Date(5) }] };
    expect(fromStorage(toStorage(ancient))).toEqual(ancient);
  });
});

describe('fault settings', () => {
  it('parses shares and refuses nonsense', () => {
    expect(parseFaults('conflict:0.2, transient=0.05,seed:3')).toEqual({ conflict: 0.2, transient: 0.05, lostReply: 0, seed: 3 });
    expect(parseFaults(undefined)).toEqual({ conflict: 0, transient: 0, lostReply: 0 });
    expect(() => parseFaults('conflict:2')).toThrow(/between 0 and 1/);
    expect(() => parseFaults('meteor:0.1')).toThrow(/unknown fault/);
  });
  it('replays the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('signed sessions', () => {
  const signer = new SessionSigner(Buffer.from('k'));
  it('round-trips and rejects tampering', () => {
    const token = signer.sign({ role: 'staff', openid: 'o-1' });
    expect(signer.verify(token)).toEqual({ role: 'staff', openid: 'o-1' });
    const [body] = token.split('.');
    const evil = Buffer.from(JSON.stringify({ role: 'merchant', openid: 'o-1' })).toString('base64url');
    expect(signer.verify(`${evil}.${token.split('.')[1]}`)).toBeNull();
    expect(signer.verify(`${body}.x`)).toBeNull();
    expect(new SessionSigner(Buffer.from('other')).verify(token)).toBeNull();
    expect(parseCookies('a=1; hy_session=abc%3D')).toEqual({ a: '1', hy_session: 'abc=' });
  });
});

describe('WeChat 7-field cron in Asia/Shanghai', () => {
  it('fires 02:00 Shanghai, which is 18:00 UTC the day before', () => {
    const cron = parseWeChatCron('0 0 2 * * * *');
    expect(cron.next(new Date('2026-11-23T10:00:00Z'))?.toISOString()).toBe('2026-11-23T18:00:00.000Z');
  });
  it('honours the year field and refuses 6-field expressions', () => {
    expect(parseWeChatCron('0 0 9 1 1 * 2027').next(new Date('2026-11-23T00:00:00Z'))?.toISOString()).toBe('2027-01-01T01:00:00.000Z');
    expect(parseWeChatCron('0 0 9 1 1 * 2025').next(new Date('2026-11-23T00:00:00Z'))).toBeNull();
    expect(() => parseWeChatCron('0 0 9 * * *')).toThrow(/7 fields/);
  });
});

describe('transaction retry helper', () => {
  // The exact shape wx-server-sdk 4.0.2 throws for a backend DATABASE_TRANSACTION_CONFLICT.
  const conflict = { errCode: -501001, errMsg: 'document.update:fail -501001 resource system error. Transaction is conflict' };
  it('recognises the SDK-wrapped conflict, timeouts and duplicate keys', () => {
    expect(isTransactionConflict(conflict)).toBe(true);
    expect(isTransactionConflict({ code: 'DATABASE_TRANSACTION_CONFLICT' })).toBe(true);
    expect(isTransactionConflict({ errCode: -1, errMsg: 'document with _id x does not exist' })).toBe(false);
    expect(isTransient({ errMsg: 'fail -501001 resource system error. ESOCKETTIMEDOUT' })).toBe(true);
    expect(isDuplicateKey({ errMsg: 'fail -502001 E11000 duplicate key error' })).toBe(true);
  });
  it('re-runs on conflicts (for a time budget) and transient faults (a bounded number of times), then answers CONFLICT', async () => {
    let runs = 0;
    await expect(withRetry(async () => (++runs < 3 ? Promise.reject(conflict) : 'done'), { baseDelayMs: 1 })).resolves.toBe('done');
    expect(runs).toBe(3);
    runs = 0;
    await expect(
      withRetry(
        async () => {
          runs += 1;
          throw { errMsg: 'fail -501001 resource system error. ESOCKETTIMEDOUT' };
        },
        { attempts: 4, baseDelayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(runs).toBe(4);
    // conflicts past the budget (tests/unit/transaction-turns.test.ts steps the clock through one)
    runs = 0;
    await expect(
      withRetry(
        async () => {
          runs += 1;
          throw conflict;
        },
        { conflictBudgetMs: 0 },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(runs).toBe(1);
  });
  it('does not retry other errors', async () => {
    let runs = 0;
    await expect(
      withRetry(
        async () => {
          runs += 1;
          throw new Error('validation');
        },
        { baseDelayMs: 1 },
      ),
    ).rejects.toThrow('validation');
    expect(runs).toBe(1);
  });
});
