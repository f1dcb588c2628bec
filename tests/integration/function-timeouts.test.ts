/**
 * Every function's timeout (`cloudfunctions/<fn>/config.json`) covers its worst-case retry budget:
 * the longest its retries can wait when every attempt fails as late as the retry rules allow, derived
 * from the constants the code retries by (`_lib/platform/db.ts`, `keyed-queue.ts`, the scheduler and
 * the job runner), never written down here. The attempts' own running time is what the timeout has
 * left over.
 *
 * - An action's budget: its requests, counted on the local cloud's transport while it runs once
 *   (sequentially, so every request belongs to the call measured): each transaction waits for its
 *   key's turn and retries conflicts and transient faults (`worstCaseTransactionWaitMs` with a key);
 *   each read outside a transaction retries transient faults (`READ_RETRY`); each write outside a
 *   transaction retries transient faults only (a plain write waits for a lock, it never conflicts).
 *   The heaviest write actions of every function are measured; a function with a config.json and no
 *   measured action fails the test.
 * - The scheduler's budget: no job starts after `TICK_BUDGET_MS`, but the last one started runs on:
 *   its lease, the work before its runner's clock starts (one write), one chunk past the runner's
 *   budget (`CHUNK_SECONDS` of paced items, the last item's own worst case: two keyed transactions,
 *   the job's write and its message's credit), the checkpoint's save, the run record and the lease's
 *   release (`SCHEDULER_RETRY`). Its lease must outlive the timeout.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { READ_RETRY, worstCaseRetryWaitMs, worstCaseTransactionWaitMs } from '../../cloudfunctions/_lib/platform/db';
import { CHUNK_SECONDS } from '../../cloudfunctions/_lib/platform/job-runner';
import { LEASE_MS, SCHEDULER_RETRY, TICK_BUDGET_MS } from '../../cloudfunctions/_lib/jobs';
import { signPosRequest } from '../../cloudfunctions/pos/signature';
import { DEFAULT_FUNCTION_TIMEOUT_S } from '../../local-cloud/services/local-cloud';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';
import { claimCouponsToVerify } from '../support/coupon-kit';
import { setClock, shanghai, realClock } from '../support/clock';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');
const FUNCTIONS = fs.readdirSync(path.join(ROOT, 'cloudfunctions')).filter((fn) => fs.existsSync(path.join(ROOT, 'cloudfunctions', fn, 'config.json')));
const timeoutMs = (fn: string): number =>
  ((JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', fn, 'config.json'), 'utf8')) as { timeout?: number }).timeout ?? DEFAULT_FUNCTION_TIMEOUT_S) *
  1000;

/** The retry waits of one kind of request, at worst. */
const WAIT = {
  transaction: worstCaseTransactionWaitMs({ key: 'member:x' }),
  read: worstCaseRetryWaitMs(READ_RETRY),
  write: worstCaseRetryWaitMs({ retryConflicts: false }),
};

interface Counted {
  transactions: number;
  reads: number;
  writes: number;
}
const budgetOf = (c: Counted) => c.transactions * WAIT.transaction + c.reads * WAIT.read + c.writes * WAIT.write;

describe('function timeouts cover their retry budgets', () => {
  it('derives the waits from the code’s constants (sanity: a transaction waits longest)', () => {
    expect(WAIT.read).toBeGreaterThan(0);
    expect(WAIT.write).toBeGreaterThanOrEqual(WAIT.read);
    expect(WAIT.transaction).toBeGreaterThan(WAIT.write);
    expect(FUNCTIONS).toEqual(expect.arrayContaining(['member', 'points', 'pos', 'coupon', 'mall', 'checkin', 'marketing', 'scheduler']));
  });

  it('the scheduler: its last job, past the tick’s budget, still ends inside the timeout; a lease outlives it', () => {
    const schedulerTx = worstCaseTransactionWaitMs(SCHEDULER_RETRY);
    const budget =
      TICK_BUDGET_MS +
      schedulerTx + // the last job's lease
      WAIT.write + // the work before the runner's clock starts (the tier review's purge of departures)
      CHUNK_SECONDS * 1000 + // the chunk started just before the runner's budget ran out
      2 * WAIT.transaction + // that chunk's last item: the job's write and its message's credit
      WAIT.write + // the runner's checkpoint
      2 * schedulerTx; // the run record and the lease's release
    expect(timeoutMs('scheduler')).toBeGreaterThanOrEqual(budget);
    expect(LEASE_MS).toBeGreaterThan(timeoutMs('scheduler'));
  });

  describe('every other function: its heaviest measured actions', () => {
    let cloud: TestCloud;
    const measured = new Map<string, { action: string; counted: Counted; budgetMs: number }[]>();
    let current: Counted | null = null;

    beforeAll(() => {
      setClock(shanghai('2026-11-23 12:00')); // a Monday, not the member day
      cloud = openTestCloud();
      seedStoreAndStaff(cloud);
      const handle = cloud.database.handle.bind(cloud.database);
      jest.spyOn(cloud.database, 'handle').mockImplementation(async (action, params) => {
        if (current) {
          const inTx = !!(params as { transactionId?: string } | null)?.transactionId;
          if (action === 'database.startTransaction') current.transactions += 1;
          else if (!inTx && /getDocument|calculateDocument|aggregateDocuments/.test(action)) current.reads += 1;
          else if (!inTx && /insertDocument|modifyDocument|removeDocument/.test(action)) current.writes += 1;
        }
        return handle(action, params);
      });
    });
    afterAll(() => {
      closeTestCloud(cloud);
      realClock();
    });
    const kit = pointsKit(() => cloud);

    /** Runs one call and records its requests under its function. */
    async function measure<T>(fn: string, action: string, run: () => Promise<T>): Promise<T> {
      current = { transactions: 0, reads: 0, writes: 0 };
      try {
        return await run();
      } finally {
        const counted = current;
        current = null;
        measured.set(fn, [...(measured.get(fn) ?? []), { action, counted, budgetMs: budgetOf(counted) }]);
      }
    }

    it('measures the write actions of each function, then holds each to its timeout', async () => {
      // member: 开卡 (registers, the bonus), a profile save
      const { memberId } = await measure('member', 'join', () => kit.ok('member', { action: 'join', agree: true }, 'o-t-1'));
      await measure('member', 'updateProfile', () => kit.ok('member', { action: 'updateProfile', nickname: '小周' }, 'o-t-1'));
      // points: an order at the till, its replay, a spend
      await measure('points', 'recordOrder', () => kit.ok('points', kit.order('T1', memberId, 10000), 'o-clerk'));
      await measure('points', 'recordOrder (replay)', () => kit.ok('points', kit.order('T1', memberId, 10000), 'o-clerk'));
      await kit.identify(memberId, 'o-clerk');
      await measure('points', 'redeemPoints', () =>
        kit.ok('points', { action: 'redeemPoints', memberId, amount: 10, requestId: 'to-redeem-1', reason: '抵现' }, 'o-clerk'),
      );
      // checkin: the day's check-in
      await measure('checkin', 'checkIn', () => kit.ok('checkin', { action: 'checkIn' }, 'o-t-1'));
      // coupon: a claim and a verification at the till
      const { templateId, codes } = await claimCouponsToVerify(kit.ok, 'o-boss', 'o-t-1', ['to-claim-1']);
      await measure('coupon', 'claim', () => kit.ok('coupon', { action: 'claim', templateId, requestId: 'to-claim-2' }, 'o-t-1'));
      await measure('coupon', 'verify', () => kit.ok('coupon', { action: 'verify', code: codes[0] }, 'o-clerk'));
      // mall: a coupon item redeemed for points
      const { itemId } = await kit.ok(
        'mall',
        {
          action: 'createItem',
          kind: 'coupon',
          title: '满100减20 券',
          couponTemplateId: templateId,
          pointsPrice: 1,
          stock: 10,
          perMemberLimit: 5,
          category: '券',
        },
        'o-boss',
      );
      await measure('mall', 'redeem', () => kit.ok('mall', { action: 'redeem', itemId, requestId: 'to-mall-1' }, 'o-t-1'));
      // marketing: a versioned settings save
      const settings = await kit.ok('marketing', { action: 'getSettings' }, 'o-boss');
      await measure('marketing', 'updateSettings', () =>
        kit.ok('marketing', { action: 'updateSettings', expectedVersion: settings.version, settings: settings.settings }, 'o-boss'),
      );
      // crm: a segment saved, a member tagged by hand
      await measure('crm', 'saveSegment', () => kit.ok('crm', { action: 'saveSegment', name: '银卡会员', filter: { tierIds: ['silver'] } }, 'o-boss'));
      await measure('crm', 'tagMembers', () => kit.ok('crm', { action: 'tagMembers', memberIds: [memberId], add: ['常客'] }, 'o-boss'));
      // pos: a signed order from the store's till system
      const { secret } = await kit.ok('points', { action: 'getPosSecret', storeId: 'store-a' }, 'o-boss');
      const body = JSON.stringify({ ...kit.order('P1', memberId, 10000), action: undefined });
      const ts = String(Math.floor(Date.now() / 1000));
      const nonce = crypto.randomBytes(12).toString('hex');
      const headers = {
        'content-type': 'application/json',
        'x-pos-store': 'store-a',
        'x-pos-timestamp': ts,
        'x-pos-nonce': nonce,
        'x-pos-signature': signPosRequest(secret, 'POST', '/orders', ts, nonce, body),
      };
      const answer = (await measure('pos', 'orders', () =>
        cloud.invoke('pos', { httpMethod: 'POST', path: '/orders', headers, queryStringParameters: {}, body, isBase64Encoded: false }, { source: 'wx_http' }),
      )) as Any;
      expect(answer.statusCode).toBe(200);

      // every measured call did its work in requests (a call counted as zero would prove nothing)
      for (const [fn, calls] of measured)
        for (const c of calls)
          expect({ fn, action: c.action, requests: c.counted.transactions + c.counted.reads + c.counted.writes > 0 }).toMatchObject({ requests: true });
      // every function but the scheduler (above) is measured
      expect([...measured.keys()].sort()).toEqual(FUNCTIONS.filter((fn) => fn !== 'scheduler').sort());
      const short = [...measured].flatMap(([fn, calls]) =>
        calls
          .filter((c) => c.budgetMs > timeoutMs(fn))
          .map((c) => `${fn}.${c.action}: ${JSON.stringify(c.counted)} may wait ${c.budgetMs} ms, timeout ${timeoutMs(fn)} ms`),
      );
      expect(short).toEqual([]);
    });
  });
});
