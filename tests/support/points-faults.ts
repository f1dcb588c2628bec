import { seededRandom, TRANSACTION_TTL_MS } from '../../local-cloud/database';
import { backOff, closeTestCloud, openTestCloud, type TestCloud } from './local-cloud';
import { seedStoreAndStaff, type Any } from './points-kit';
import type { Result } from '../../shared/envelope';

/** What a client retries: the platform's failures, never a domain refusal nor INTERNAL. */
const SYSTEM = ['CONFLICT', 'UNAVAILABLE'];

interface PointsSoakSizes {
  /** members the receipts and spends are spread over */
  members: number;
  receipts: number;
  spends: number;
}

/**
 * Concurrent accruals, retried receipts and spends on the same members (a few dozen in the default
 * run, hundreds in the soak project), with conflicts, transient failures and lost replies injected: no double credit, no negative balance, clean
 * reconciliation.
 */
export function describePointsUnderFaults({ members: memberCount, receipts: receiptCount, spends: spendCount }: PointsSoakSizes): void {
  describe('points under concurrency and injected faults', () => {
    const SEED = 4242;
    let cloud: TestCloud;
    beforeAll(() => {
      cloud = openTestCloud({ faults: { conflict: 0.2, transient: 0.1, lostReply: 0.05, seed: SEED } });
      seedStoreAndStaff(cloud);
    });
    afterAll(() => closeTestCloud(cloud));

    /** Every answer any attempt got, retried or not: none may be INTERNAL (a fault is never a bug's answer). */
    const answered: string[] = [];
    /**
     * A client retries what failed for a platform reason (CONFLICT/UNAVAILABLE), like a POS would.
     * INTERNAL is not retried: under faults the functions answer ok or a stable code, never INTERNAL.
     */
    async function call(data: Record<string, unknown>, openid: string, fn = 'points'): Promise<Result<Any> & { attempts: number }> {
      for (let attempt = 1; ; attempt += 1) {
        const r = (await cloud.invoke(fn, data, { openid })) as Result<Any>;
        answered.push(r.ok ? 'ok' : r.code);
        if (r.ok || !SYSTEM.includes(r.code) || attempt >= 12) return { ...r, attempts: attempt };
        await backOff(cloud, 20 + Math.random() * 100 * attempt);
      }
    }
    async function getCard(openid: string): Promise<string> {
      for (let attempt = 0; attempt < 12; attempt += 1) {
        const r = (await cloud.invoke('member', { action: 'join', agree: true }, { openid })) as Result<Any>;
        answered.push(r.ok ? 'ok' : r.code);
        if (r.ok) return r.data.memberId as string;
        if (!SYSTEM.includes(r.code)) throw new Error(`member.join answered ${r.code} under faults`);
      }
      throw new Error('could not register');
    }
    /** The clerk scans the member's code (logged): spending for a member id needs it (retried like a till would). */
    async function identify(openid: string): Promise<void> {
      for (let attempt = 0; attempt < 12; attempt += 1) {
        const code = (await cloud.invoke('member', { action: 'getMemberCode' }, { openid })) as Result<Any>;
        answered.push(code.ok ? 'ok' : code.code);
        if (!code.ok) {
          if (!SYSTEM.includes(code.code)) throw new Error(`member.getMemberCode answered ${code.code} under faults`);
          continue;
        }
        const r = (await cloud.invoke('member', { action: 'identifyByCode', code: code.data.code }, { openid: 'o-clerk' })) as Result<Any>;
        answered.push(r.ok ? 'ok' : r.code);
        if (r.ok) return;
        if (!SYSTEM.includes(r.code)) throw new Error(`member.identifyByCode answered ${r.code} under faults`);
      }
      throw new Error('could not identify');
    }

    it('credits each receipt once, never goes negative, and reconciles clean', async () => {
      const random = seededRandom(SEED);
      const members = await Promise.all(Array.from({ length: memberCount }, (_, i) => getCard(`o-cc-${i}`)));
      await Promise.all(Array.from({ length: memberCount }, (_, i) => identify(`o-cc-${i}`)));

      const ops: Promise<{ kind: string; key: string; memberId: string; body: Record<string, unknown>; r: Result<Any> & { attempts: number } }>[] = [];
      const receipts = new Map<string, string>();
      for (let i = 0; i < receiptCount; i += 1) {
        const memberId = members[Math.floor(random() * members.length)];
        const receiptNo = `R${i}`;
        receipts.set(receiptNo, memberId);
        const priceFen = 5000 + Math.floor(random() * 40000);
        const paidAt = new Date(Date.now() - (random() < 0.6 ? 3 * 86400_000 : 0)).toISOString();
        const body = {
          action: 'recordOrder',
          storeId: 'store-a',
          receiptNo,
          items: [{ sku: 'S1', category: 'coffee', priceFen, quantity: 1 }],
          amountFen: priceFen,
          paidAt,
          member: { memberId },
        };
        const copies = random() < 0.3 ? 3 : 1; // the same receipt sent several times at once
        for (let c = 0; c < copies; c += 1) ops.push(call(body, 'o-clerk').then((r) => ({ kind: 'order', key: receiptNo, memberId, body, r })));
      }
      for (let i = 0; i < spendCount; i += 1) {
        const memberId = members[Math.floor(random() * members.length)];
        const requestId = `redeem-${SEED}-${i}`;
        const body = { action: 'redeemPoints', memberId, amount: 10 + Math.floor(random() * 120), requestId, reason: '积分抵现' };
        const copies = random() < 0.25 ? 2 : 1;
        for (let c = 0; c < copies; c += 1) ops.push(call(body, 'o-clerk').then((r) => ({ kind: 'spend', key: requestId, memberId, body, r })));
      }
      const results = await Promise.all(ops);
      // Under this contention a few calls can still answer CONFLICT after all retries: the caller
      // (POS, clerk) tries again later. Do that now, one by one; the same keys keep it idempotent. "Later"
      // spans the platform's 30 s transaction expiry: an invocation cut by its function timeout on a busy
      // runner leaves its transaction's locks until then, as on the cloud. The transactions' clock is
      // moved past it instead of waiting 30 s (a few rounds: a cut invocation may still be running).
      for (let round = 0; round < 3 && results.some((x) => !x.r.ok && x.r.code === 'CONFLICT'); round += 1) {
        cloud.database.advanceTransactionClock(TRANSACTION_TTL_MS + 1);
        for (const x of results) if (!x.r.ok && x.r.code === 'CONFLICT') x.r = await call(x.body, 'o-clerk');
      }

      // every operation ended with an answer: success, or a domain refusal (not enough points)
      const systemFailures = results.filter((x) => !x.r.ok && !['INSUFFICIENT_POINTS'].includes(x.r.code));
      expect(systemFailures.map((x) => (x.r as { code: string }).code)).toEqual([]);
      expect(answered.filter((code) => code === 'INTERNAL')).toEqual([]);
      // the faults were handled, not logged as failures: no function logged an error
      expect(cloud.logs.filter((l) => l.level === 'error')).toEqual([]);
      const orderResults = results.filter((x) => x.kind === 'order');
      expect(orderResults.every((x) => x.r.ok)).toBe(true);

      // no double credit: one earn entry and one order per receipt; one spend entry per request
      const ledger = cloud.store
        .scan('ledger')
        .map((s) => s.doc as unknown as { _id: string; memberId: string; kind: string; delta: number; pendingDelta: number });
      const earnIds = ledger.filter((e) => e._id.startsWith('order:')).map((e) => e._id);
      expect(new Set(earnIds).size).toBe(earnIds.length);
      expect(earnIds.length).toBe(receipts.size);
      expect(cloud.store.scan('orders')).toHaveLength(receipts.size);
      const okSpends = new Set(results.filter((x) => x.kind === 'spend' && x.r.ok).map((x) => x.key));
      expect(ledger.filter((e) => e.kind === 'spend').length).toBe(okSpends.size);

      // balances: never negative through a spend; ledger sums equal balances
      for (const memberId of members) {
        const doc = cloud.store.get('members', memberId)!.doc as unknown as { points: { available: number; pending: number; debt: number } };
        expect(doc.points.available).toBeGreaterThanOrEqual(0);
        const mine = ledger.filter((e) => e.memberId === memberId);
        expect(mine.reduce((s, e) => s + e.delta, 0)).toBe(doc.points.available);
        expect(mine.reduce((s, e) => s + e.pendingDelta, 0)).toBe(doc.points.pending);
      }

      // reconciliation (merchant action) and the nightly job agree: no drift
      const rec = await call({ action: 'reconcile', limit: 200 }, 'o-boss');
      expect(rec).toMatchObject({ ok: true, data: { checked: members.length, drifts: [] } });
      const nightly = await call({ action: 'runJob', job: 'points-nightly' }, 'o-boss', 'scheduler');
      expect(nightly).toMatchObject({ ok: true, data: { status: 'done', counters: { drifts: [] } } });
    });

    it('holds the member velocity limit exactly when a burst of orders for one member races, under injected faults', async () => {
      const memberId = await getCard('o-burst');
      const limit = 8;
      // 12 concurrent orders for one member, recorded by the merchant and two clerks at once, each retried like a POS would.
      cloud.store.insert('roles', { _id: 'o-clerk-2', openid: 'o-clerk-2', role: 'staff', name: '店员二', storeId: 'store-a' });
      const recorders = ['o-boss', 'o-clerk', 'o-clerk-2'];
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call(
            {
              action: 'recordOrder',
              storeId: 'store-a',
              receiptNo: `BURST${i}`,
              items: [{ sku: 'S1', category: 'coffee', priceFen: 10000, quantity: 1 }],
              amountFen: 10000,
              paidAt: new Date().toISOString(),
              member: { memberId },
            },
            recorders[i % 3],
          ),
        ),
      );
      expect(results.filter((r) => !r.ok).map((r) => (r as { code: string }).code)).toEqual([]);
      const flagged = results.filter((r) => r.ok && (r.data.flags as string[]).includes('member_velocity'));
      // Exactly the orders beyond the limit: the counter lives in the member document, written in each order's transaction.
      expect(flagged).toHaveLength(12 - limit);
      expect(flagged.every((r) => r.ok && r.data.held)).toBe(true);
      expect((cloud.store.get('members', memberId)!.doc as unknown as { orderDay: { orders: number } }).orderDay.orders).toBe(12);
      expect(
        cloud.store
          .scan('fraud_flags')
          .filter(
            (s) =>
              (s.doc as unknown as { memberId: string; kind: string }).memberId === memberId &&
              (s.doc as unknown as { kind: string }).kind === 'member_velocity',
          ),
      ).toHaveLength(12 - limit);
    });
  });
}
