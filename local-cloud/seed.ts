import { DEFAULT_TIER_CONFIG, DEFAULT_TIERS, earningTierOf, tierForGrowth, tierReviewDueOn } from '../shared/rules/tiers';
import { businessDate, startOfBusinessDate } from '../shared/calendar';
import { computeEarning, yuan } from '../shared/rules/earning';
import { earn, expire, expiryDate, mature, type Movement } from '../shared/rules/lots';
import { DEFAULT_EARNING_RULES, EMPTY_POINTS, type MemberPoints } from '../shared/schemas/points';
import { seededRandom } from './faults';
import { protectPhone } from '../cloudfunctions/_lib/pii';
import { DEMO_OPENIDS } from './session';
import { couponIdFor, NEW_MEMBER_GIFTS_ID, termsOf } from '../cloudfunctions/_lib/coupons';
import { validityWindow } from '../shared/rules/coupons';
import type { CouponAuditDoc, CouponDoc, CouponTemplateDoc, TemplateInput } from '../shared/schemas/coupon';
import type { MallItemDoc } from '../shared/schemas/mall';

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

type Db = {
  collection(name: string): {
    add(o: { data: unknown }): Promise<unknown>;
    count(): Promise<{ total: number }>;
    doc(id: string): { get(): Promise<{ data: unknown }> };
  };
};

function loadDb(): Db {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cloud = require('wx-server-sdk') as { init(o: object): void; database(): Db };
  cloud.init({ env: 'local' });
  return cloud.database();
}

const errorText = (e: unknown) => {
  const x = (e ?? {}) as { code?: string; errMsg?: string; message?: string };
  return `${x.code ?? ''} ${x.errMsg ?? ''} ${x.message ?? ''}`;
};
const isTransient = (e: unknown) => /ESOCKETTIMEDOUT|ETIMEDOUT|ECONNRESET|DATABASE_TIMEOUT|timed out/i.test(errorText(e));
const isDuplicate = (e: unknown) => /DATABASE_DUPLICATE_WRITE|E11000|duplicate key/i.test(errorText(e));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a seed request through transient faults (the demo seeds under LOCAL_CLOUD_FAULTS too). */
async function retried<T>(work: () => Promise<T>, attempts = 12): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (e) {
      if (!isTransient(e) || attempt >= attempts) throw e;
      await pause(Math.min(200, 5 * 2 ** attempt));
    }
  }
}

/**
 * Adds documents in batches, through transient faults and lost replies: a batch whose reply was
 * lost may have been written, so a retry that meets a duplicate key writes the batch one document
 * at a time, skipping those already there. Every seeded document has its `_id`, so nothing doubles.
 */
async function addAll(db: Db, collection: string, docs: object[]) {
  for (let i = 0; i < docs.length; i += 200) {
    const batch = docs.slice(i, i + 200);
    try {
      await retried(() => db.collection(collection).add({ data: batch }));
    } catch (e) {
      if (!isDuplicate(e)) throw e;
      for (const doc of batch) {
        try {
          await retried(() => db.collection(collection).add({ data: doc }));
        } catch (err) {
          if (!isDuplicate(err)) throw err;
        }
      }
    }
  }
}

/** `settings/demo-seed`: written LAST, so its presence means every demo document is there. */
export const SEED_MARKER = 'demo-seed';

/** A moment in the past year during opening hours (08:00–22:00 Shanghai), from one random draw. */
function shopHoursAt(now: Date, r: number): Date {
  const days = r * 365;
  const day = businessDate(now.getTime() - Math.floor(days) * 86_400_000);
  const at = new Date(startOfBusinessDate(day).getTime() + (8 + (days % 1) * 14) * 3_600_000);
  return at.getTime() <= now.getTime() ? at : new Date(at.getTime() - 86_400_000);
}

/**
 * `done`: the seed finished (its marker is there); `empty`: nothing seeded; `partial`: demo data
 * without the marker — a seed that died half-way. A partial store is not served: it would show
 * members without their orders or ledgers (reseed with `npm run seed -- --reset`).
 */
export async function seedState(): Promise<'done' | 'empty' | 'partial'> {
  const db = loadDb();
  const marker = await retried(async () => {
    try {
      const res = await db.collection('settings').doc(SEED_MARKER).get();
      const data = Array.isArray(res.data) ? res.data[0] : res.data;
      return data ?? null;
    } catch (e) {
      if (/does not exist/.test(errorText(e))) return null;
      throw e;
    }
  });
  if (marker) return 'done';
  const counts = await Promise.all(['stores', 'roles', 'members', 'orders', 'ledger'].map((c) => retried(() => db.collection(c).count())));
  return counts.some((c) => c.total > 0) ? 'partial' : 'empty';
}

export async function isSeeded(): Promise<boolean> {
  return (await seedState()) === 'done';
}

export async function seedDemoData(options: { members?: number; seed?: number; now?: Date } = {}) {
  const db = loadDb();
  const now = options.now ?? new Date();
  const random = seededRandom(options.seed ?? 20261123);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const memberCount = options.members ?? 300;
  const yearMs = 365 * 24 * 3600 * 1000;

  await addAll(db, 'stores', STORES);
  await addAll(db, 'roles', [
    { _id: DEMO_OPENIDS.merchant, openid: DEMO_OPENIDS.merchant, role: 'merchant', name: '店主 老周' },
    { _id: DEMO_OPENIDS.staff, openid: DEMO_OPENIDS.staff, role: 'staff', name: '店员 小吴', storeId: 'store-jingan', storeManager: true },
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
    const history: {
      at: Date;
      orderId: string;
      amountFen: number;
      items: { sku: string; category: string; priceFen: number; quantity: number }[];
      storeName: string;
    }[] = [];
    for (let k = 0; k < orderCount; k += 1) {
      const paidAt = shopHoursAt(now, random());
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({ ...pick(MENU), quantity: 1 + Math.floor(random() * 2) }));
      const amountFen = items.reduce((s, it) => s + it.priceFen * it.quantity, 0);
      const store = pick(STORES);
      const orderId = `ord-${cardNo}-${k}`;
      // the two ways an order is recorded (cloudfunctions/_lib/orders.ts): the store's POS, or a clerk at the till
      const channel = random() < 0.7 ? 'pos' : 'staff';
      orders.push({
        _id: orderId,
        memberId: cardNo,
        storeId: store._id,
        channel,
        staffOpenid: channel === 'staff' ? DEMO_OPENIDS.staff : null,
        rulesVersion: 0,
        flags: [],
        receiptNo: `R${cardNo.slice(-6)}${k}`,
        items,
        amountFen,
        paidAt,
        lotId: `order:${orderId}:earn`,
        refundedFen: 0,
        pointsClawed: 0,
        growthClawed: 0,
        createdAt: paidAt,
      });
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
      birthday: demo ? { month: 6, day: 18 } : { month: ((i * 7) % 12) + 1, day: ((i * 11) % 28) + 1, ...(i % 2 ? { year: 1980 + (i % 25) } : {}) },
      birthdayMD: demo ? '06-18' : `${String(((i * 7) % 12) + 1).padStart(2, '0')}-${String(((i * 11) % 28) + 1).padStart(2, '0')}`,
      ...(demo || i % 4 === 0 ? { phone: protectPhone(`139${String(10000000 + i * 7919).slice(-8)}`) } : {}),
      // Members joined with consent to the policy of their day: the demo consumer sees what changed since.
      privacy: { version: '2025-06-01', acceptedAt: registeredAt },
    });
  }
  await addAll(db, 'members', members);
  await addAll(db, 'orders', orders);
  await addAll(db, 'ledger', ledger);
  await seedCoupons(
    db,
    now,
    (members[0] as { _id: string })._id,
    members.slice(1, 4).map((m) => (m as { _id: string })._id),
  );
  await seedMall(db, now);
  // One phone, one member: each seeded number is claimed by its member (cloudfunctions/_lib/phones.ts).
  await addAll(
    db,
    'phone_claims',
    (members as { _id: string; phone?: { hash: string } }[]).filter((m) => m.phone).map((m) => ({ _id: m.phone!.hash, memberId: m._id, at: now })),
  );
  const counts = { members: members.length, orders: orders.length, ledger: ledger.length };
  // Last: the marker says the seed finished (a store without it is not served).
  await addAll(db, 'settings', [{ _id: SEED_MARKER, done: true, at: new Date(), ...counts }]);
  return counts;
}

/** Replays a member's registration and orders through the points rules, day by day. */
function replayPoints(
  memberId: string,
  registeredAt: Date,
  history: {
    at: Date;
    orderId: string;
    amountFen: number;
    items: { sku: string; category: string; priceFen: number; quantity: number }[];
    storeName: string;
  }[],
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
    entries.push({
      _id: id,
      memberId,
      kind,
      delta: m.delta,
      pendingDelta: m.pendingDelta,
      reason,
      ref,
      balanceAfter: p.available,
      pendingAfter: p.pending,
      createdAt: at,
      ...extra,
    });
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
        entries.push({
          _id: `mature:${lot.id}`,
          memberId,
          kind: 'mature',
          delta: movement.delta,
          pendingDelta: movement.pendingDelta,
          reason: '积分生效',
          ref: { type: 'lot', id: lot.id },
          balanceAfter: 0,
          pendingAfter: 0,
          createdAt: at,
        });
      }
      for (const { lot, movement } of x.expired) {
        entries.push({
          _id: `expire:${lot.id}`,
          memberId,
          kind: 'expire',
          delta: movement.delta,
          pendingDelta: 0,
          reason: `积分过期（${lot.earnedOn} 获得）`,
          ref: { type: 'lot', id: lot.id },
          balanceAfter: 0,
          pendingAfter: 0,
          createdAt: at,
        });
      }
      p = x.points;
      if (m.matured.length === 0 && x.expired.length === 0) return;
    }
  };
  const regDay = businessDate(registeredAt);
  const regId = `register:${memberId}`;
  const reg = earn(p, {
    id: regId,
    amount: rules.registrationBonus,
    earnedOn: regDay,
    maturesOn: regDay,
    expiresOn: expiryDate(regDay, rules.expiry),
    today: regDay,
  });
  p = reg.points;
  book(regId, 'earn', reg.movement, '注册礼', { type: 'register', id: memberId }, registeredAt);
  for (const h of history) {
    const day = businessDate(h.at);
    settle(day);
    const e = computeEarning(
      { items: h.items, amountFen: h.amountFen, paidAt: h.at, earnedThatDay: 0 },
      rules,
      earningTierOf(DEFAULT_TIER_CONFIG, tierForGrowth(growth, DEFAULT_TIER_CONFIG.tiers).id),
    );
    growth += e.growth;
    earned.set(h.orderId, e.points);
    earnedGrowth.set(h.orderId, e.growth);
    if (e.points <= 0) continue;
    const id = `order:${h.orderId}:earn`;
    const r = earn(p, { id, amount: e.points, earnedOn: e.earnedOn, maturesOn: e.maturesOn, expiresOn: e.expiresOn, today: day });
    p = r.points;
    book(id, 'earn', r.movement, `消费 ${yuan(h.amountFen)} @${h.storeName}${e.memberDay ? '（会员日）' : ''}`, { type: 'order', id: h.orderId }, h.at, {
      maturesOn: e.maturesOn,
    });
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

/**
 * Coupon templates of every kind and channel, and the demo member's wallet in every state: unused,
 * 即将过期, used (with its audit entry), expired (marked by the job) and past its end but not yet
 * marked (reads as expired). A limited template is sold out. Issued counts and holdings match the
 * coupons, as the issuing path would have written them.
 */
async function seedCoupons(db: Db, now: Date, demoMemberId: string, others: string[]) {
  const DAY = 86_400_000;
  const day = (n: number) => businessDate(now.getTime() + n * DAY);
  const defs: (Partial<TemplateInput> & {
    _id: string;
    title: string;
    kind: TemplateInput['kind'];
    validity: TemplateInput['validity'];
    stock: number;
    channels: TemplateInput['channels'];
  })[] = [
    {
      _id: 'tpl-20off100',
      title: '满100减20',
      kind: 'cash',
      thresholdFen: 10000,
      valueFen: 2000,
      validity: { type: 'relative', days: 14 },
      stock: 1000,
      perMemberLimit: 3,
      channels: ['claim_center', 'manual', 'points_mall'],
    },
    {
      _id: 'tpl-newcomer-latte',
      title: '新人礼 拿铁兑换券',
      description: '任意门店兑换中杯拿铁一杯',
      kind: 'gift',
      valueFen: 3200,
      validity: { type: 'relative', days: 30 },
      stock: 100000,
      perMemberLimit: 1,
      channels: ['new_member', 'manual'],
      newMemberGift: true,
    },
    {
      _id: 'tpl-88off',
      title: '会员 8.8 折券',
      kind: 'discount',
      discountPercent: 88,
      maxDiscountFen: 3000,
      validity: { type: 'fixed', from: day(-3), to: day(27) },
      stock: 500,
      perMemberLimit: 1,
      channels: ['claim_center'],
    },
    {
      _id: 'tpl-birthday',
      title: '生日免费饮品券',
      kind: 'gift',
      valueFen: 3800,
      validity: { type: 'relative', days: 30 },
      stock: 100000,
      perMemberLimit: 10,
      channels: ['birthday', 'manual'],
    },
    {
      _id: 'tpl-recall',
      title: '回归礼 8 折券',
      kind: 'discount',
      discountPercent: 80,
      validity: { type: 'relative', days: 7 },
      stock: 10000,
      perMemberLimit: 5,
      channels: ['campaign', 'manual'],
    },
    {
      _id: 'tpl-jingan-50off10',
      title: '静安寺店专享 满50减10',
      kind: 'cash',
      thresholdFen: 5000,
      valueFen: 1000,
      validity: { type: 'relative', days: 7 },
      stock: 200,
      perMemberLimit: 1,
      channels: ['claim_center'],
      storeIds: ['store-jingan'],
    },
    {
      _id: 'tpl-croissant',
      title: '限量 免费可颂',
      kind: 'gift',
      valueFen: 1800,
      validity: { type: 'relative', days: 7 },
      stock: 3,
      perMemberLimit: 1,
      channels: ['claim_center'],
    },
    {
      _id: 'tpl-mall-mug-coupon',
      title: '积分兑 挂耳咖啡券',
      kind: 'gift',
      valueFen: 2000,
      validity: { type: 'relative', days: 30 },
      stock: 5000,
      perMemberLimit: 5,
      channels: ['points_mall'],
    },
  ];
  const templates: CouponTemplateDoc[] = defs.map((d) => ({
    description: '',
    thresholdFen: 0,
    valueFen: 0,
    discountPercent: null,
    maxDiscountFen: null,
    perMemberLimit: 1,
    storeIds: null,
    stackable: false,
    newMemberGift: false,
    ...d,
    version: 1,
    issued: 0,
    status: 'active',
    createdAt: new Date(now.getTime() - 90 * DAY),
    updatedAt: new Date(now.getTime() - 90 * DAY),
    updatedBy: '店主 老周',
  }));
  const byId = new Map(templates.map((t) => [t._id, t]));
  const coupons: CouponDoc[] = [];
  const holdings = new Map<string, number>();
  const issue = (templateId: string, memberId: string, key: string, channel: CouponDoc['channel'], daysAgo: number, extra: Partial<CouponDoc> = {}) => {
    const t = byId.get(templateId)!;
    const issuedAt = new Date(now.getTime() - daysAgo * DAY);
    t.issued += 1;
    holdings.set(`${templateId}:${memberId}`, (holdings.get(`${templateId}:${memberId}`) ?? 0) + 1);
    coupons.push({
      _id: couponIdFor(key),
      templateId,
      templateVersion: 1,
      memberId,
      issueKey: key,
      channel,
      status: 'unused',
      terms: termsOf(t),
      issuedAt,
      ...validityWindow(t.validity, issuedAt),
      used: null,
      ...extra,
    });
  };
  const m = demoMemberId;
  issue('tpl-20off100', m, `claim:seed-${m}-1`, 'claim_center', 2);
  issue('tpl-88off', m, `claim:seed-${m}-2`, 'claim_center', 1);
  issue('tpl-recall', m, `campaign:seed-recall:${m}`, 'campaign', 5); // ends in 2 days: 即将过期
  const usedAt = new Date(now.getTime() - 3 * DAY);
  const staff = { openid: DEMO_OPENIDS.staff, name: '店员 小吴', role: 'staff' };
  issue('tpl-newcomer-latte', m, `new_member:${m}:tpl-newcomer-latte`, 'new_member', 10, {
    status: 'used',
    used: { at: usedAt, storeId: 'store-jingan', storeName: '静安寺店', staff, orderId: null, verificationId: 'seed-verify-1' },
  });
  issue('tpl-birthday', m, `birthday:seed:${m}`, 'birthday', 60, { status: 'expired', expiredAt: new Date(now.getTime() - 29 * DAY) });
  issue('tpl-20off100', m, `claim:seed-${m}-0`, 'claim_center', 20); // past its end, not yet marked: reads as 已过期
  for (const [i, o] of others.entries()) issue('tpl-croissant', o, `claim:seed-${o}-croissant`, 'claim_center', i + 1);
  const usedCoupon = coupons.find((c) => c.status === 'used')!;
  const audit: CouponAuditDoc = {
    _id: 'verify:seed-verify-1',
    action: 'verify',
    couponId: usedCoupon._id,
    memberId: m,
    title: usedCoupon.terms.title,
    actor: { ...staff, storeId: 'store-jingan' },
    storeId: 'store-jingan',
    storeName: '静安寺店',
    orderId: null,
    at: usedAt,
  };
  await addAll(db, 'coupon_templates', templates);
  await addAll(db, 'coupons', coupons);
  await addAll(
    db,
    'coupon_holdings',
    [...holdings].map(([id, count]) => ({ _id: id, templateId: id.split(':')[0], memberId: id.split(':')[1], count, updatedAt: now })),
  );
  await addAll(db, 'coupon_audit', [audit]);
  await addAll(db, 'settings', [{ _id: NEW_MEMBER_GIFTS_ID, templateIds: templates.filter((t) => t.newMemberGift).map((t) => t._id) }]);
}

/**
 * The points mall: coupon items (issued through the coupon path on redemption), physical goods,
 * virtual recharge codes from a pool; one sold out, one beyond the demo member's balance.
 */
async function seedMall(db: Db, now: Date) {
  const base = {
    images: [],
    description: '',
    cashFen: 0,
    perMemberLimit: 2,
    couponTemplateId: null,
    sortOrder: 0,
    onShelfFrom: null,
    onShelfTo: null,
    tiers: null,
    sold: 0,
    codesLoaded: 0,
    codesIssued: 0,
    status: 'on' as const,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  const items: MallItemDoc[] = [
    {
      ...base,
      _id: 'item-coupon-20off100',
      kind: 'coupon',
      title: '满100减20 优惠券',
      description: '兑换后放入「我的券」，14 天内有效',
      pointsPrice: 200,
      stock: 500,
      perMemberLimit: 3,
      couponTemplateId: 'tpl-20off100',
      category: '优惠券',
      sortOrder: 1,
    },
    {
      ...base,
      _id: 'item-coupon-dripbag',
      kind: 'coupon',
      title: '挂耳咖啡兑换券',
      description: '到店兑换挂耳咖啡一盒',
      pointsPrice: 500,
      stock: 1000,
      couponTemplateId: 'tpl-mall-mug-coupon',
      category: '优惠券',
      sortOrder: 2,
    },
    {
      ...base,
      _id: 'item-mug',
      kind: 'physical',
      title: '拾光马克杯',
      description: '350ml 陶瓷马克杯，包邮到家',
      pointsPrice: 800,
      stock: 50,
      category: '周边',
      sortOrder: 3,
    },
    {
      ...base,
      _id: 'item-tote',
      kind: 'physical',
      title: '帆布袋',
      description: '拾光咖啡限定帆布袋',
      pointsPrice: 300,
      stock: 0,
      sold: 80,
      category: '周边',
      sortOrder: 4,
    },
    {
      ...base,
      _id: 'item-grinder',
      kind: 'physical',
      title: '手摇磨豆机',
      description: '不锈钢锥刀，限金卡及以上',
      pointsPrice: 20000,
      stock: 5,
      perMemberLimit: 1,
      category: '周边',
      sortOrder: 5,
    },
    {
      ...base,
      _id: 'item-recharge-10',
      kind: 'virtual',
      title: '话费充值 10 元',
      description: '兑换后显示充值码',
      pointsPrice: 1000,
      stock: 20,
      codesLoaded: 20,
      category: '虚拟商品',
      sortOrder: 6,
    },
  ];
  await addAll(db, 'mall_items', items);
  await addAll(
    db,
    'mall_codes',
    Array.from({ length: 20 }, (_, i) => ({
      _id: `item-recharge-10:${i + 1}`,
      itemId: 'item-recharge-10',
      code: `HF10-${String(73910 + i * 37).padStart(6, '0')}`,
    })),
  );
}
