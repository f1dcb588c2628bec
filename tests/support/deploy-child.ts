/**
 * A separate Node process that runs the functions from built deploy folders (not from source) through
 * the local cloud, for the test that proves each folder is self-contained:
 *   node --import tsx tests/support/deploy-child.ts <folder of deploy folders> <data dir>
 * Prints one JSON line per call: `{ fn, action, ok, code? }` (pos: `ok` is an HTTP answer below 500).
 */
import path from 'node:path';
import { LocalCloud } from '../../local-cloud/services';

interface Envelope {
  ok?: boolean;
  code?: string;
  data?: Record<string, unknown>;
}

async function main() {
  const [bundlesDir, dataDir] = process.argv.slice(2);
  const cloud = new LocalCloud({
    file: path.join(dataDir, 'cloud.sqlite'),
    functionSource: 'bundle',
    bundlesDir,
    durable: false,
    faults: { conflict: 0, transient: 0, lostReply: 0 },
  });
  cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
  cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
  cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });

  const report = (fn: string, action: string, answer: unknown) => {
    const r = answer as Envelope;
    console.log(JSON.stringify({ fn, action, ok: r.ok === true, code: r.code }));
    return r;
  };
  const call = async (fn: string, data: Record<string, unknown>, openid: string) => report(fn, String(data.action), await cloud.invoke(fn, data, { openid }));

  const joined = await call('member', { action: 'join', agree: true }, 'o-member');
  const memberId = String(joined.data?.memberId);
  await call('member', { action: 'getCard' }, 'o-member');
  const paidAt = new Date().toISOString();
  const order = { storeId: 'store-a', receiptNo: 'R-1', items: [{ sku: 'S1', category: 'coffee', priceFen: 2000, quantity: 1 }], amountFen: 2000, paidAt };
  await call('points', { action: 'recordOrder', ...order, member: { memberId } }, 'o-clerk');
  await call('checkin', { action: 'checkIn' }, 'o-member');
  await call('coupon', { action: 'listMine' }, 'o-member');
  await call('mall', { action: 'listItems' }, 'o-member');
  await call('marketing', { action: 'getSettings' }, 'o-boss');
  await call('crm', { action: 'countSegment', filter: { tags: ['活跃'] } }, 'o-boss');
  // The scheduler's job list evaluates every job's cron: the module it loads at first use.
  report('scheduler', 'listJobs', await cloud.listJobs());
  // pos is HTTP-triggered: an unsigned request is refused (401) by the function itself.
  const http = (await cloud.invoke('pos', { httpMethod: 'POST', path: '/orders', headers: {}, body: JSON.stringify(order) })) as { statusCode?: number };
  console.log(
    JSON.stringify({
      fn: 'pos',
      action: 'POST /orders unsigned',
      ok: typeof http.statusCode === 'number' && http.statusCode < 500,
      code: String(http.statusCode),
    }),
  );
  cloud.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
