/**
 * Bench data written straight into the store (fast, one SQLite transaction per batch): stores and
 * their clerks, members registered through the `member` function, and history (orders with their
 * earn entries) cloned from documents the functions themselves wrote.
 */
import type { LocalCloud } from '../local-cloud/services';
import type { Doc } from '../local-cloud/store';

export const BENCH_STORES = 20;
export const storeId = (k: number) => `store-b${String(k).padStart(2, '0')}`;
export const clerkOf = (k: number) => `bench-clerk-${k}`;
export const BOSS = 'bench-boss';

export function seedStores(cloud: LocalCloud): void {
  cloud.store.atomically(() => {
    for (let k = 0; k < BENCH_STORES; k += 1) {
      cloud.store.insert('stores', { _id: storeId(k), name: `门店${k}` });
      cloud.store.insert('roles', { _id: clerkOf(k), openid: clerkOf(k), role: 'staff', name: `店员${k}`, storeId: storeId(k) });
    }
    cloud.store.insert('roles', { _id: BOSS, openid: BOSS, role: 'merchant', name: '老板' });
  });
}

/** Registers `n` members through member.join (开卡); answers their ids. */
export async function registerMembers(cloud: LocalCloud, n: number, prefix = 'bench-m'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const r = (await cloud.invoke('member', { action: 'join', agree: true }, { openid: `${prefix}${i}` })) as { ok: boolean; data: { memberId: string } };
    if (!r.ok) throw new Error(`join failed: ${JSON.stringify(r)}`);
    ids.push(r.data.memberId);
  }
  return ids;
}

export function orderInput(memberId: string, store: number, receiptNo: string, paidAt = new Date()) {
  return {
    action: 'recordOrder',
    storeId: storeId(store),
    receiptNo,
    items: [{ sku: 'COF-LAT', category: 'coffee', priceFen: 3200, quantity: 8 }],
    amountFen: 25600,
    paidAt: paidAt.toISOString(),
    member: { memberId },
  };
}

/**
 * `count` past orders spread over `memberIds` and the stores, paid over the last 90 days, each with
 * its earn entry: clones of an order and an entry the function wrote, so fields and sizes are real.
 */
export async function seedHistory(cloud: LocalCloud, memberIds: string[], count: number): Promise<void> {
  const r = (await cloud.invoke('points', orderInput(memberIds[0], 0, 'TEMPLATE-1'), { openid: clerkOf(0) })) as { ok: boolean };
  if (!r.ok) throw new Error(`recordOrder failed: ${JSON.stringify(r)}`);
  const order = cloud.store.get('orders', 'pos:store-b00:TEMPLATE-1')!.doc;
  const entry = cloud.store.get('ledger', 'order:pos:store-b00:TEMPLATE-1:earn')!.doc;
  const now = Date.now();
  for (let start = 0; start < count; start += 10_000) {
    cloud.store.atomically(() => {
      for (let i = start; i < Math.min(count, start + 10_000); i += 1) {
        const memberId = memberIds[i % memberIds.length];
        const k = i % BENCH_STORES;
        const id = `pos:${storeId(k)}:H${i}`;
        const at = new Date(now - 3_600_000 - ((i * 7919) % (90 * 86_400)) * 1000);
        cloud.store.insert('orders', {
          ...order,
          _id: id,
          storeId: storeId(k),
          receiptNo: `H${i}`,
          memberId,
          paidAt: at.toISOString(),
          createdAt: at,
          lotId: `order:${id}:earn`,
        } as Doc);
        cloud.store.insert('ledger', { ...entry, _id: `order:${id}:earn`, memberId, ref: { type: 'order', id }, createdAt: at } as Doc);
      }
    });
  }
  cloud.store.analyze();
}
