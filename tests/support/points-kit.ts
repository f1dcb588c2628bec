import type { TestCloud } from './local-cloud';
import type { Result } from '../../shared/envelope';
import type { EarningRules } from '../../shared/schemas/points';

/** What the tests read off function answers and stored documents: loosely typed on purpose. */
export type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
/** A cloud function's answer: its data, or a stable error code. */

/** The store and the two people most points tests act as: clerk `o-clerk` at `store-a`, merchant `o-boss`. */
export function seedStoreAndStaff(cloud: TestCloud): void {
  cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
  cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
  cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
}

/** The merchant's earning rules as saved once (`settings/points-rules`, version 1, by `o-boss`). */
export function seedEarningRules(cloud: TestCloud, rules: EarningRules): void {
  cloud.store.insert('settings', { _id: 'points-rules', version: 1, rules, updatedAt: new Date(), updatedBy: 'o-boss' });
}

interface PointsKitOptions {
  /** When `order()` is not given a `paidAt`: the time of the call unless a test pins it. */
  defaultPaidAt?: () => string;
}

/**
 * Helpers over the test cloud for the points integration tests. `getCloud` is read on every call,
 * so the kit can be made once per describe block while `beforeEach` opens a fresh cloud.
 */
export function pointsKit(getCloud: () => TestCloud, options: PointsKitOptions = {}) {
  const defaultPaidAt = options.defaultPaidAt ?? (() => new Date().toISOString());

  /** The `points` function as `openid`: the envelope, success or not. */
  const call = async (data: Record<string, unknown>, openid: string) => (await getCloud().invoke('points', data, { openid })) as Result<Any>;
  /** Any function as `openid`: its data, or throws with the error code. */
  const ok = async <T = Any>(fn: string, data: Record<string, unknown>, openid: string): Promise<T> => {
    const r = (await getCloud().invoke(fn, data, { openid })) as Result<T>;
    if (!r.ok) throw new Error(`${fn}.${String(data.action)}: ${r.code} ${r.message}`);
    return r.data;
  };
  /** Opens a member card for `openid`; its member id. */
  const register = async (openid: string): Promise<string> => (await ok('member', { action: 'join', agree: true }, openid)).memberId;
  /**
   * Runs the scheduler's `points-nightly` job at the (test) clock's time; the run (the job's counters
   * with the runner's runId, status and failures), or throws.
   */
  const trigger = async (): Promise<Any> => {
    const r = (await getCloud().runJob('points-nightly')) as Result<Any>;
    if (!r.ok) throw new Error(`points-nightly: ${r.code} ${r.message}`);
    return { ...r.data.counters, runId: r.data.runId, status: r.data.status, failures: r.data.failures };
  };
  /** A `recordOrder` request: one coffee line for the whole amount. */
  const order = (receiptNo: string, memberId: string, amountFen: number, paidAt = defaultPaidAt(), storeId = 'store-a') => ({
    action: 'recordOrder',
    storeId,
    receiptNo,
    items: [{ sku: 'S1', category: 'coffee', priceFen: amountFen, quantity: 1 }],
    amountFen,
    paidAt,
    member: { memberId },
  });
  /** The member's stored points state. */
  const points = (memberId: string) => (getCloud().store.get('members', memberId)!.doc as Any).points;
  /** The ledger entries, of one member or all. */
  const ledger = (memberId?: string) =>
    getCloud()
      .store.scan('ledger')
      .map((s) => s.doc as Any)
      .filter((e) => !memberId || e.memberId === memberId);
  /** The member's ledger sums to its available and pending balances. */
  const expectBalanced = (memberId: string) => {
    const p = points(memberId);
    const mine = ledger(memberId);
    expect(mine.reduce((s: number, e: Any) => s + e.delta, 0)).toBe(p.available);
    expect(mine.reduce((s: number, e: Any) => s + e.pendingDelta, 0)).toBe(p.pending);
  };

  /**
   * The clerk identifies the member as at the till: the member shows their code (getMemberCode), the
   * clerk scans it (identifyByCode, logged). Spending for a member id needs this first.
   */
  const identify = async (memberId: string, clerk: string): Promise<void> => {
    const openid = (getCloud().store.get('members', memberId)!.doc as Any).openid as string;
    const { code } = await ok<{ code: string }>('member', { action: 'getMemberCode' }, openid);
    await ok('member', { action: 'identifyByCode', code }, clerk);
  };

  return { call, ok, register, trigger, order, points, ledger, expectBalanced, identify };
}
