import { DEFAULT_TIER_CONFIG, DEFAULT_TIERS, earningTierOf, tierForGrowth, tierReviewDueOn } from '../shared/rules/tiers';
import { businessDate, startOfBusinessDate } from '../shared/calendar';
import { computeEarning, yuan } from '../shared/rules/earning';
import { earn, expire, expiryDate, mature, type Movement } from '../shared/rules/lots';
import { DEFAULT_EARNING_RULES, EMPTY_POINTS, type MemberPoints } from '../shared/schemas/points';
import { seededRandom } from './faults';
import { protectPhone } from '../cloudfunctions/_lib/pii';
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

/** A moment in the past year during opening hours (08:00–22:00 Shanghai), from one random draw. */
function shopHoursAt(now: Date, r: number): Date {
  const days = r * 365;
  const day = businessDate(now.getTime() - Math.floor(days) * 86_400_000);
  const at = new Date(startOfBusinessDate(day).getTime() + (8 + (days % 1) * 14) * 3_600_000);
  return at.getTime() <= now.getTime() ? at : new Date(at.getTime() - 86_400_000);
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
    // Points are replayed through the same rules and lot transitions the functions use, so the
    // seeded ledger, lots and balances reconcile exactly (maturity T+1, expiry, member days, tiers).
    const history: { at: Date; orderId: string; amountFen: number; items: { sku: string; category: string; priceFen: number; quantity: number }[]; storeName: string }[] = [];
    for (let k = 0; k < orderCount; k += 1) {
      const paidAt = shopHoursAt(now, random());
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ ...pick(MENU), quantity: 1 + Math.floor(random() * 2) }));
      const amountFen = items.reduce((s, it) => s + it.priceFen * it.quantity, 0);
      const store = pick(STORES);
      const orderId = `ord-${cardNo}-${k}`;
      orders.push({ _id: orderId, memberId: cardNo, storeId: store._id, channel: random() < 0.7 ? 'store' : 'miniprogram', receiptNo: `R${cardNo.slice(-6)}${k}`, items, amountFen, paidAt, lotId: `order:${orderId}:earn`, refundedFen: 0, pointsClawed: 0, growthClawed: 0, createdAt: paidAt });
      history.push({ at: paidAt, orderId, amountFen, items, storeName: store.name });
    }
    history.sort((a, b) => a.at.getTime() - b.at.getTime());
    const replay = replayPoints(cardNo, registeredAt, history, now);
    growth = replay.growth;
    ledger.push(...replay.entries);
    for (const h of history) {
      const o = orders.find((x) => (x as { _id: string })._id === h.orderId) as Record<string, unknown>;
      o.points = replay.earned.get(h.orderId) ?? 0;
      o.growth = replay.earnedGrowth.get(h.orderId) ?? 0;
    }
    members.push({
      _id: cardNo,
      openid: demo ? DEMO_OPENIDS.consumer : `demo-member-${i}`,
      cardNo,
      nickname: demo ? '小林' : `${pick(NICKNAMES)}${i}`,
      avatarUrl: '',
      tierId: tierForGrowth(growth).id,
      growth,
      // the tier review's index: members holding growth are due for this month's review
      tierReviewDueOn: tierReviewDueOn({ tierId: tierForGrowth(growth).id, growth }, DEFAULT_TIERS[0].id, businessDate(now)),
      points: replay.points,
      registeredAt,
      updatedAt: now,
      source: random() < 0.3 ? 'pos' : 'miniprogram',
      // Profile fields derived from the index (no draws from `random`: the rest of the demo stays as it was).
      gender: (['female', 'male', 'unknown'] as const)[i % 3],
      birthday: demo ? { month: 6, day: 18 } : { month: (i * 7) % 12 + 1, day: (i * 11) % 28 + 1, ...(i % 2 ? { year: 1980 + (i % 25) } : {}) },
      birthdayMD: demo ? '06-18' : `${String((i * 7) % 12 + 1).padStart(2, '0')}-${String((i * 11) % 28 + 1).padStart(2, '0')}`,
      ...(demo || i % 4 === 0 ? { phone: protectPhone(`139${String(10000000 + i * 7919).slice(-8)}`) } : {}),
      // Members joined with consent to the policy of their day: the demo consumer sees what changed since.
      privacy: { version: '2025-06-01', acceptedAt: registeredAt },
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

/** Replays a member's registration and orders through the points rules, day by day. */
function replayPoints(
  memberId: string,
  registeredAt: Date,
  history: { at: Date; orderId: string; amountFen: number; items: { sku: string; category: string; priceFen: number; quantity: number }[]; storeName: string }[],
  now: Date,
) {
  const rules = DEFAULT_EARNING_RULES;
  let p: MemberPoints = { ...EMPTY_POINTS };
  let growth = 0;
  const entries: object[] = [];
  const earned = new Map<string, number>();
  const earnedGrowth = new Map<string, number>();
  const book = (id: string, kind: string, m: Movement, reason: string, ref: { type: string; id: string }, at: Date, extra: object = {}) => {
    if (m.delta === 0 && m.pendingDelta === 0 && kind !== 'earn') return;
    entries.push({ _id: id, memberId, kind, delta: m.delta, pendingDelta: m.pendingDelta, reason, ref, balanceAfter: p.available, pendingAfter: p.pending, createdAt: at, ...extra });
  };
  /** matures and expires everything due up to `day`, as the nightly job would have */
  const settle = (day: string) => {
    for (;;) {
      const next = p.nextEventOn;
      if (!next || next > day) return;
      const at = new Date(startOfBusinessDate(next).getTime() + (2 * 60 + 30) * 60_000);
      const m = mature(p, next);
      p = m.points;
      const x = expire(p, next);
      // running balances are filled in at the end, in time order
      for (const { lot, movement } of m.matured) {
        entries.push({ _id: `mature:${lot.id}`, memberId, kind: 'mature', delta: movement.delta, pendingDelta: movement.pendingDelta, reason: '积分生效', ref: { type: 'lot', id: lot.id }, balanceAfter: 0, pendingAfter: 0, createdAt: at });
      }
      for (const { lot, movement } of x.expired) {
        entries.push({ _id: `expire:${lot.id}`, memberId, kind: 'expire', delta: movement.delta, pendingDelta: 0, reason: `积分过期（${lot.earnedOn} 获得）`, ref: { type: 'lot', id: lot.id }, balanceAfter: 0, pendingAfter: 0, createdAt: at });
      }
      p = x.points;
      if (m.matured.length === 0 && x.expired.length === 0) return;
    }
  };
  const regDay = businessDate(registeredAt);
  const regId = `register:${memberId}`;
  const reg = earn(p, { id: regId, amount: rules.registrationBonus, earnedOn: regDay, maturesOn: regDay, expiresOn: expiryDate(regDay, rules.expiry), today: regDay });
  p = reg.points;
  book(regId, 'earn', reg.movement, '注册礼', { type: 'register', id: memberId }, registeredAt);
  for (const h of history) {
    const day = businessDate(h.at);
    settle(day);
    const e = computeEarning({ items: h.items, amountFen: h.amountFen, paidAt: h.at, earnedThatDay: 0 }, rules, earningTierOf(DEFAULT_TIER_CONFIG, tierForGrowth(growth, DEFAULT_TIER_CONFIG.tiers).id));
    growth += e.growth;
    earned.set(h.orderId, e.points);
    earnedGrowth.set(h.orderId, e.growth);
    if (e.points <= 0) continue;
    const id = `order:${h.orderId}:earn`;
    const r = earn(p, { id, amount: e.points, earnedOn: e.earnedOn, maturesOn: e.maturesOn, expiresOn: e.expiresOn, today: day });
    p = r.points;
    book(id, 'earn', r.movement, `消费 ${yuan(h.amountFen)} @${h.storeName}${e.memberDay ? '（会员日）' : ''}`, { type: 'order', id: h.orderId }, h.at, { maturesOn: e.maturesOn });
  }
  settle(businessDate(now));
  // running balances, in the order the entries happened
  entries.sort((a, b) => (a as { createdAt: Date }).createdAt.getTime() - (b as { createdAt: Date }).createdAt.getTime());
  let available = 0;
  let pending = 0;
  for (const e of entries as { delta: number; pendingDelta: number; balanceAfter: number; pendingAfter: number }[]) {
    available += e.delta;
    pending += e.pendingDelta;
    e.balanceAfter = available;
    e.pendingAfter = pending;
  }
  return { points: { ...p, seq: entries.length, reconcileDue: false }, growth, entries, earned, earnedGrowth };
}
