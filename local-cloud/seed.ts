import { DEFAULT_TIERS, tierForGrowth } from '../shared/rules/tiers';
import { seededRandom } from './faults';
import { DEMO_OPENIDS } from './session';

/**
 * Demo data for a first run: one merchant (a coffee chain), two stores, staff and the merchant
 * owner, a few hundred members with a year of orders (and the ledger entries those orders earned),
 * coupon templates and mall items. Written through the real SDK, like the functions write.
 * Deterministic: the same seed gives the same data.
 */
const NICKNAMES = ['小林', '阿杰', 'Mia', '王小明', '陈晨', '若曦', 'Leo', '张可', '周周', '一一', '大熊', '糖糖', 'Kevin', '李雷', '韩梅梅', '安安'];
const MENU = [
  { sku: 'COF-LAT', name: '拿铁', category: 'coffee', priceFen: 3200 },
  { sku: 'COF-AME', name: '美式', category: 'coffee', priceFen: 2600 },
  { sku: 'COF-FLW', name: '澳白', category: 'coffee', priceFen: 3400 },
  { sku: 'TEA-OOL', name: '乌龙拿铁', category: 'tea', priceFen: 3000 },
  { sku: 'BAK-CRO', name: '可颂', category: 'bakery', priceFen: 1800 },
  { sku: 'BAK-CAK', name: '巴斯克蛋糕', category: 'bakery', priceFen: 3800 },
  { sku: 'BEAN-YR', name: '耶加雪菲咖啡豆 250g', category: 'beans', priceFen: 12800 },
];
const STORES = [
  { _id: 'store-jingan', name: '静安寺店', city: '上海', address: '上海市静安区南京西路 1788 号' },
  { _id: 'store-xuhui', name: '徐汇滨江店', city: '上海', address: '上海市徐汇区龙腾大道 2555 号' },
];

type Db = { collection(name: string): { add(o: { data: unknown }): Promise<unknown>; count(): Promise<{ total: number }> } };

function loadDb(): Db {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as { init(o: object): void; database(): Db };
  cloud.init({ env: 'local' });
  return cloud.database();
}

async function addAll(db: Db, collection: string, docs: object[]) {
  for (let i = 0; i < docs.length; i += 200) await db.collection(collection).add({ data: docs.slice(i, i + 200) });
}

export async function isSeeded(): Promise<boolean> {
  return (await loadDb().collection('merchants').count()).total > 0;
}

export async function seedDemoData(options: { members?: number; seed?: number; now?: Date } = {}) {
  const db = loadDb();
  const now = options.now ?? new Date();
  const random = seededRandom(options.seed ?? 20261123);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const memberCount = options.members ?? 300;
  const yearMs = 365 * 24 * 3600 * 1000;

  await addAll(db, 'merchants', [{ _id: 'demo-merchant', name: '拾光咖啡', tiers: DEFAULT_TIERS, createdAt: new Date(now.getTime() - 2 * yearMs) }]);
  await addAll(db, 'stores', STORES.map((s) => ({ ...s, merchantId: 'demo-merchant' })));
  await addAll(db, 'roles', [
    { _id: DEMO_OPENIDS.merchant, openid: DEMO_OPENIDS.merchant, role: 'merchant', name: '店主 老周', merchantId: 'demo-merchant' },
    { _id: DEMO_OPENIDS.staff, openid: DEMO_OPENIDS.staff, role: 'staff', name: '店员 小吴', storeId: 'store-jingan' },
    { _id: 'demo-staff-xuhui', openid: 'demo-staff-xuhui', role: 'staff', name: '店员 阿May', storeId: 'store-xuhui' },
  ]);

  const members: object[] = [];
  const orders: object[] = [];
  const ledger: object[] = [];
  for (let i = 0; i <= memberCount; i += 1) {
    const demo = i === 0;
    const cardNo = `8${String(10000000000 + i).padStart(11, '0')}`;
    const registeredAt = new Date(now.getTime() - yearMs - Math.floor(random() * yearMs));
    const orderCount = demo ? 24 : Math.floor(random() ** 2 * 30);
    let growth = 0;
    let balance = 0;
    const entries: { at: Date; delta: number; ref: string; reason: string }[] = [];
    for (let k = 0; k < orderCount; k += 1) {
      const paidAt = new Date(now.getTime() - Math.floor(random() * yearMs));
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ ...pick(MENU), quantity: 1 + Math.floor(random() * 2) }));
      const amountFen = items.reduce((s, it) => s + it.priceFen * it.quantity, 0);
      const store = pick(STORES);
      const orderId = `ord-${cardNo}-${k}`;
      orders.push({ _id: orderId, memberId: cardNo, storeId: store._id, channel: random() < 0.7 ? 'store' : 'miniprogram', receiptNo: `R${cardNo.slice(-6)}${k}`, items, amountFen, paidAt });
      growth += Math.floor(amountFen / 100);
      const earned = Math.floor(amountFen / 10000) * 10;
      if (earned > 0) entries.push({ at: paidAt, delta: earned, ref: orderId, reason: `消费 ¥${(amountFen / 100).toFixed(2)} @${store.name}` });
    }
    entries.sort((a, b) => a.at.getTime() - b.at.getTime());
    ledger.push({ _id: `register:${cardNo}`, memberId: cardNo, kind: 'earn', delta: 100, reason: '注册礼', ref: { type: 'register', id: cardNo }, balanceAfter: (balance += 100), createdAt: registeredAt });
    for (const e of entries) {
      ledger.push({ _id: `order:${e.ref}:earn`, memberId: cardNo, kind: 'earn', delta: e.delta, reason: e.reason, ref: { type: 'order', id: e.ref }, balanceAfter: (balance += e.delta), createdAt: e.at });
    }
    members.push({
      _id: cardNo,
      openid: demo ? DEMO_OPENIDS.consumer : `demo-member-${i}`,
      cardNo,
      nickname: demo ? '小林' : `${pick(NICKNAMES)}${i}`,
      avatarUrl: '',
      tierId: tierForGrowth(growth).id,
      growth,
      points: { available: balance, pending: 0 },
      registeredAt,
      updatedAt: now,
      source: random() < 0.3 ? 'pos' : 'miniprogram',
    });
  }
  await addAll(db, 'members', members);
  await addAll(db, 'orders', orders);
  await addAll(db, 'ledger', ledger);
  await addAll(db, 'coupon_templates', [
    { _id: 'tpl-birthday', name: '生日免费饮品券', kind: 'gift', valueFen: 3800, validDays: 30, createdAt: now },
    { _id: 'tpl-20off100', name: '满100减20', kind: 'cash', thresholdFen: 10000, valueFen: 2000, validDays: 14, createdAt: now },
    { _id: 'tpl-recall', name: '回归礼 8 折券', kind: 'discount', discountPercent: 80, validDays: 7, createdAt: now },
  ]);
  await addAll(db, 'mall_items', [
    { _id: 'item-mug', name: '拾光马克杯', pointsCost: 800, stock: 50, active: true },
    { _id: 'item-bean', name: '挂耳咖啡 10 包', pointsCost: 500, stock: 120, active: true },
    { _id: 'item-tote', name: '帆布袋', pointsCost: 300, stock: 80, active: true },
    { _id: 'item-coupon-latte', name: '拿铁兑换券', pointsCost: 350, stock: 1000, active: true },
  ]);
  return { members: members.length, orders: orders.length, ledger: ledger.length };
}
