import { addBusinessDays, businessDate, startOfBusinessDate } from '../../shared/calendar';
import { itemsTotalFen } from '../../shared/rules/earning';
import { MENU } from '../../shared/menu';
import type { OrderInput } from '../../shared/schemas/points';
import type { MemberDoc } from '../../shared/schemas/member';
import type { Caller, LocalCloud } from '../services';
import { currentSleeper, seededRandom } from '../database';
import { protectPhone } from '../../cloudfunctions/_lib/platform/pii';
import { DEMO_OPENIDS } from '../server';
import { couponIdFor, NEW_MEMBER_GIFTS_ID, termsOf } from '../../cloudfunctions/_lib/coupons';
import { validityWindow } from '../../shared/rules/coupons';
import type { CouponAuditDoc, CouponDoc, CouponTemplateDoc, TemplateInput } from '../../shared/schemas/coupon';
import type { MallItemDoc } from '../../shared/schemas/mall';
import type { MessageTemplateDoc, SubscribeCreditDoc } from '../../shared/schemas/engagement';
import { DEFAULT_ENGAGEMENT_SETTINGS, type EngagementSettings } from '../../shared/rules/engagement';

/**
 * Demo data for a first run: one merchant (a coffee chain), two stores, staff and the merchant
 * owner, a few hundred members with their orders over the past year, coupon templates and mall
 * items. The members, their orders and their ledger are written by the functions (`writeHistory`);
 * the settings, coupons and mall through the real SDK, like the functions write.
 * Deterministic: the same seed gives the same data.
 */
const NICKNAMES = ['小林', '阿杰', 'Mia', '王小明', '陈晨', '若曦', 'Leo', '张可', '周周', '一一', '大熊', '糖糖', 'Kevin', '李雷', '韩梅梅', '安安'];
const STORES = [
  { _id: 'store-jingan', name: '静安寺店', city: '上海', address: '上海市静安区南京西路 1788 号' },
  { _id: 'store-xuhui', name: '徐汇滨江店', city: '上海', address: '上海市徐汇区龙腾大道 2555 号' },
];

type Db = {
  command: { inc(n: number): unknown };
  collection(name: string): {
    add(o: { data: unknown }): Promise<unknown>;
    count(): Promise<{ total: number }>;
    doc(id: string): { get(): Promise<{ data: unknown }>; update(o: { data: object }): Promise<unknown> };
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
/** Backs off on the sleeper the functions use: real timers for `npm start`, a clock tests move. */
const pause = (ms: number) => currentSleeper().sleep(ms);

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
  /** Adds `data` (a document or a batch); false when a duplicate key refused it. */
  const added = async (data: object | object[]) => {
    try {
      await retried(() => db.collection(collection).add({ data }));
      return true;
    } catch (e) {
      if (!isDuplicate(e)) throw e;
      return false;
    }
  };
  for (let i = 0; i < docs.length; i += 200) {
    const batch = docs.slice(i, i + 200);
    if (await added(batch)) continue;
    for (const doc of batch) await added(doc);
  }
}

/** `settings/demo-seed`: written LAST, so its presence means every demo document is there. */
export const SEED_MARKER = 'demo-seed';

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

/** One demo member's life before today: when they opened their card, who they are, what they bought. */
interface DemoPerson {
  openid: string;
  registeredAt: Date;
  profile: Pick<MemberDoc, 'nickname' | 'source' | 'gender' | 'birthday' | 'birthdayMD' | 'phone' | 'privacy'>;
  orders: { paidAt: Date; storeId: string; receiptNo: string; items: OrderInput['items']; amountFen: number }[];
}

/** How far back the demo's history goes: members join over 15 months (the dashboard shows the last 12; the earliest points expire). */
const HISTORY_DAYS = 450;

/**
 * A moment during opening hours (08:00–22:00 Shanghai) between `start` and `now`, from one draw:
 * `r` near 0 is soon after `start` (members buy most right after joining, so retention decays).
 */
function shopHoursBetween(start: Date, now: Date, r: number): Date {
  const span = now.getTime() - start.getTime();
  const t = start.getTime() + span * r;
  const day = businessDate(t);
  const at = new Date(startOfBusinessDate(day).getTime() + (8 + ((r * 997) % 1) * 14) * 3_600_000);
  if (at.getTime() < start.getTime()) return new Date(Math.min(now.getTime(), start.getTime() + 10 * 60_000));
  return at.getTime() <= now.getTime() ? at : new Date(Math.max(start.getTime() + 60_000, now.getTime() - 60_000));
}

/** The demo's people, drawn from `random` (deterministic): 小林 first, with a year of orders. */
function demoPeople(random: () => number, now: Date, memberCount: number, historyDays: number): DemoPerson[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const people: DemoPerson[] = [];
  // A shorter history (tests that seed under faults) keeps the demo's shape, compressed in time.
  const dayMs = (24 * 3600 * 1000 * historyDays) / HISTORY_DAYS;
  for (let i = 0; i <= memberCount; i += 1) {
    const demo = i === 0;
    // Every third member a regular: joined 12–15 months ago (小林 13), buys all year round. The others
    // joined over the last 12 months, more of them lately (the chain grows), and buy mostly soon after.
    const regular = demo || i % 3 === 0;
    const registeredAt = demo
      ? new Date(now.getTime() - 396 * dayMs - Math.floor(random() * dayMs))
      : regular
        ? new Date(now.getTime() - (366 + Math.floor(random() * (HISTORY_DAYS - 366))) * dayMs)
        : new Date(now.getTime() - Math.floor(random() ** 1.3 * 365 * dayMs) - 60_000);
    // 小林 has a year of orders (a 银卡 member); the regulars 4–8 (a cycle of 45–90 days to learn); the
    // others a few each, many none (keeps the seed quick).
    const orderCount = demo ? 24 : regular ? 4 + Math.floor(random() * 5) : Math.floor(random() ** 2 * 8);
    const orders: DemoPerson['orders'] = [];
    for (let k = 0; k < orderCount; k += 1) {
      const draw = random();
      const paidAt = regular ? shopHoursBetween(new Date(now.getTime() - 365 * dayMs), now, draw) : shopHoursBetween(registeredAt, now, draw ** 1.8);
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const { sku, category, priceFen } = pick(MENU);
        return { sku, category, priceFen, quantity: 1 + Math.floor(random() * 2) };
      });
      const store = pick(STORES);
      orders.push({ paidAt, storeId: store._id, receiptNo: `D${String(i).padStart(4, '0')}K${k}`, items, amountFen: itemsTotalFen(items) });
    }
    const month = demo ? 6 : ((i * 7) % 12) + 1;
    const day = demo ? 18 : ((i * 11) % 28) + 1;
    people.push({
      openid: demo ? DEMO_OPENIDS.consumer : `demo-member-${i}`,
      registeredAt,
      profile: {
        nickname: demo ? '小林' : `${pick(NICKNAMES)}${i}`,
        source: random() < 0.3 ? 'pos' : 'miniprogram',
        // Profile fields derived from the index (no draws from `random`).
        gender: (['female', 'male', 'unknown'] as const)[i % 3],
        birthday: { month, day, ...(!demo && i % 2 ? { year: 1980 + (i % 25) } : {}) },
        birthdayMD: `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        ...(demo || i % 4 === 0 ? { phone: protectPhone(`139${String(10000000 + i * 7919).slice(-8)}`) } : {}),
        // Members joined with consent to the policy of their day: the demo consumer sees what changed since.
        privacy: { version: '2025-06-01', acceptedAt: registeredAt },
      },
      orders,
    });
  }
  return people;
}

/**
 * The demo's history written by the functions themselves, day by day as it would have happened: each
 * person opens their card (`member.join`, with its registration bonus) at the moment they registered,
 * the clerk records each order (`points.recordOrder`) at the day's closing (within the clerk's
 * late-entry window; a person's own orders one after the other), and the merchant's life goes on
 * (`historyExtras`: check-ins, coupons granted and used, mall redemptions). The nightly points job
 * (maturing, expiring, reconciling) runs on the first day of each month and once more today (nightly
 * runs would cost the seed a few times more, for entries the history does not show: a lot matured
 * or expired a few weeks late ends in the same balance); RFM is scored on the 1st and on the last
 * night; the daily statistics job runs every night at
 * 00:30 for the day before, so every chart of the dashboard has a shape. The local clock is moved to
 * each of those moments and given back as it was.
 */
async function writeHistory(cloud: LocalCloud, db: Db, people: DemoPerson[], now: Date): Promise<{ orders: number }> {
  const clock = cloud.clock;
  const before = clock.state();
  const at = (instant: Date) => clock.set(instant);
  const merchant = { openid: DEMO_OPENIDS.merchant };
  const job = async (day: string, minutes: number, name: 'points-nightly' | 'daily-stats' | 'rfm-scores') => {
    at(new Date(startOfBusinessDate(day).getTime() + minutes * 60_000));
    // The clock stands on that day: the scheduler runs the job for it, under its lease, with its run record.
    await call(cloud, 'scheduler', { action: 'runJob', job: name }, merchant);
  };
  let orders = 0;
  // The seed is all or nothing (its marker is written last: a seed cut short is reseeded), so its
  // commits need not each wait for the disk; the store is durable again once the history is written.
  cloud.store.setDurable(false);
  try {
    // The jobs run unpaced: the local store is not billed, and the demo waits for them.
    await cloud.withExtraFunctionEnv({ HY_JOB_ITEMS_PER_SECOND: 'Infinity', HY_JOB_CONCURRENCY: '16' }, async () => {
      const memberIds = new Map<string, string>();
      const joinsByDay = new Map<string, DemoPerson[]>();
      const byDay = new Map<string, { person: DemoPerson; order: DemoPerson['orders'][number] }[]>();
      for (const person of people) {
        const day = businessDate(person.registeredAt);
        joinsByDay.set(day, [...(joinsByDay.get(day) ?? []), person]);
        for (const order of person.orders) byDay.set(businessDate(order.paidAt), [...(byDay.get(businessDate(order.paidAt)) ?? []), { person, order }]);
      }
      const today = businessDate(now);
      const first = [...joinsByDay.keys()].sort()[0] ?? today;
      const extras = historyExtras(cloud, people, memberIds, today);
      for (let day = first; day <= today; day = addBusinessDays(day, 1)) {
        if (day > first) await job(day, 30, 'daily-stats');
        if (day.endsWith('-01') || day === today) await job(day, 150, 'points-nightly');
        // RFM scored monthly and on the last night, so the snapshots carry the segments' counts.
        if (day.endsWith('-01') || day === addBusinessDays(today, -1)) await job(day, 180, 'rfm-scores');
        for (const person of (joinsByDay.get(day) ?? []).sort((a, b) => a.registeredAt.getTime() - b.registeredAt.getTime())) {
          at(person.registeredAt);
          const card = await call<{ memberId: string }>(cloud, 'member', { action: 'join', agree: true }, { openid: person.openid });
          memberIds.set(person.openid, card.memberId);
          // What the profile page and the phone button would have written (the demo has no phone codes to exchange).
          const { phone, ...profile } = person.profile;
          await retried(() =>
            db
              .collection('members')
              .doc(card.memberId)
              .update({ data: { ...profile, ...(phone ? { phone } : {}) } }),
          );
        }
        if (day < today) await extras(day);
        const todays = (byDay.get(day) ?? []).sort((a, b) => a.order.paidAt.getTime() - b.order.paidAt.getTime());
        if (!todays.length) continue;
        at(new Date(Math.min(now.getTime(), todays[todays.length - 1].order.paidAt.getTime() + 5 * 60_000)));
        const perPerson = new Map<string, typeof todays>();
        for (const t of todays) perPerson.set(t.person.openid, [...(perPerson.get(t.person.openid) ?? []), t]);
        await Promise.all(
          [...perPerson.values()].map(async (theirs) => {
            for (const { person, order } of theirs) {
              const { paidAt, ...rest } = order;
              await call(
                cloud,
                'points',
                { action: 'recordOrder', ...rest, paidAt: paidAt.toISOString(), member: { memberId: memberIds.get(person.openid)! } },
                merchant,
              );
              orders += 1;
            }
          }),
        );
      }
    });
  } finally {
    cloud.store.setDurable(true);
    if (before.real) clock.reset();
    else clock.set(before.now, { frozen: before.frozen });
  }
  return { orders };
}

/**
 * What else happened on a past day, through the functions: members (the 5th on, so the curated
 * wallets and streaks of members 0–3 stay as the demo shows them), ten of them, check in on
 * about one day in three over the last six months; on the 1st and the 15th the merchant grants the recall coupon (回归礼) to
 * eight members and, two days later, the clerk verifies half of them; on the 20th a few members
 * with the points redeem the mall's 满100减20 coupon. Deterministic (no draws: member indices).
 */
function historyExtras(cloud: LocalCloud, people: DemoPerson[], memberIds: Map<string, string>, today: string): (day: string) => Promise<void> {
  const granted = new Map<string, { openid: string; couponId: string }[]>();
  let turn = 0;
  const joined = () => people.slice(4).filter((p) => memberIds.has(p.openid));
  const atHour = (day: string, hour: number, minute = 0) => cloud.clock.set(new Date(startOfBusinessDate(day).getTime() + (hour * 60 + minute) * 60_000));
  return async (day) => {
    const dayNo = Number(day.slice(8));
    const ordinal = Math.round(startOfBusinessDate(day).getTime() / 86_400_000);
    // Members 1–3 checked in on the last 1, 2 and 3 days before today, with the reminder on (seedCheckins).
    for (const [i, p] of people.slice(1, 4).entries()) {
      if (day < addBusinessDays(today, -(i + 1)) || !memberIds.has(p.openid)) continue;
      atHour(day, 9, i);
      await call(cloud, 'checkin', { action: 'checkIn' }, { openid: p.openid });
    }
    const members = joined();
    if (!members.length) return;
    // Ten regulars check in over the last six months (every member's check-ins would cost the seed minutes).
    for (const [k, p] of (day >= addBusinessDays(today, -180) ? members.slice(0, 10) : []).entries()) {
      if ((ordinal + k) % 3 !== 0) continue;
      atHour(day, 9, k % 50);
      await tryCall(cloud, 'checkin', { action: 'checkIn' }, { openid: p.openid });
    }
    if (dayNo === 1 || dayNo === 15) {
      atHour(day, 11);
      const chosen = Array.from({ length: Math.min(8, members.length) }, () => members[(turn += 1) % members.length]);
      const ids = [...new Set(chosen.map((p) => memberIds.get(p.openid)!))];
      const result = await tryCall<{ results: { memberId: string; couponId: string | null }[] }>(
        cloud,
        'coupon',
        { action: 'grant', templateId: 'tpl-recall', memberIds: ids, requestId: `seed-grant-${day}` },
        { openid: DEMO_OPENIDS.merchant },
      );
      const byId = new Map(members.map((p) => [memberIds.get(p.openid)!, p.openid]));
      const use = (result?.results ?? []).filter((r) => r.couponId).filter((_r, i) => i % 2 === 0);
      granted.set(
        addBusinessDays(day, 2),
        use.map((r) => ({ openid: byId.get(r.memberId)!, couponId: r.couponId! })),
      );
    }
    for (const [k, g] of (granted.get(day) ?? []).entries()) {
      atHour(day, 15, k);
      const code = await tryCall<{ code: string }>(cloud, 'coupon', { action: 'getCode', couponId: g.couponId }, { openid: g.openid });
      if (code)
        await tryCall(
          cloud,
          'coupon',
          { action: 'verify', code: code.code, requestId: `seed-verify-${g.couponId}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) },
          { openid: DEMO_OPENIDS.staff },
        );
    }
    if (dayNo === 20) {
      atHour(day, 20);
      const rich = members.filter((p) => ((cloud.store.get('members', memberIds.get(p.openid)!)?.doc as MemberDoc | undefined)?.points.available ?? 0) >= 200);
      for (const p of rich.slice(0, 3))
        await tryCall(
          cloud,
          'mall',
          {
            action: 'redeem',
            itemId: 'item-coupon-20off100',
            quantity: 1,
            requestId: `seed-mall-${day}-${p.openid}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64),
          },
          { openid: p.openid },
        );
    }
  };
}

/** `call`, but a refusal (the member's limit reached, points short) is an answer: null. */
async function tryCall<T = unknown>(cloud: LocalCloud, fn: string, data: Record<string, unknown>, caller: Caller): Promise<T | null> {
  try {
    return await call<T>(cloud, fn, data, caller);
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('seed: ')) return null;
    throw e;
  }
}

/**
 * Answers a function's data; retries what the platform may answer under faults (every call here is
 * idempotent: a member opens one card, a receipt is one order, a day's settlement is one run). A day's
 * orders race for the stores' hour counters, so a CONFLICT can outlast the function's own retries:
 * tried again, as a till would, with a growing and jittered pause.
 */
async function call<T = unknown>(cloud: LocalCloud, fn: string, data: Record<string, unknown>, caller: Caller): Promise<T> {
  const attempts = 40;
  for (let attempt = 1; ; attempt += 1) {
    let answer: { ok: boolean; data?: unknown; code?: string; message?: string } | undefined;
    try {
      answer = (await cloud.invoke(fn, data, caller)) as typeof answer;
    } catch (e) {
      // the invocation itself failed (a timeout on a busy machine): the same call again is safe
      if (attempt >= attempts) throw e;
    }
    if (answer?.ok) return answer.data as T;
    if (answer && (!['UNAVAILABLE', 'CONFLICT'].includes(answer.code ?? '') || attempt >= attempts))
      throw new Error(`seed: ${fn}.${String(data.action)}: ${answer.code} ${answer.message}`);
    await pause(Math.min(500, 5 * 2 ** Math.min(attempt, 8)) * (0.5 + Math.random()));
  }
}

export async function seedDemoData(cloud: LocalCloud, options: { members?: number; seed?: number; now?: Date; historyDays?: number } = {}) {
  const db = loadDb();
  const now = options.now ?? new Date();
  const random = seededRandom(options.seed ?? 20261123);

  await addAll(db, 'stores', STORES);
  await addAll(db, 'roles', [
    { _id: DEMO_OPENIDS.merchant, openid: DEMO_OPENIDS.merchant, role: 'merchant', name: '店主 老周' },
    { _id: DEMO_OPENIDS.staff, openid: DEMO_OPENIDS.staff, role: 'staff', name: '店员 小吴', storeId: 'store-jingan', storeManager: true },
    { _id: 'demo-staff-xuhui', openid: 'demo-staff-xuhui', role: 'staff', name: '店员 阿May', storeId: 'store-xuhui' },
  ]);

  // The coupon templates and the mall are there before the history: its members were granted and redeemed them.
  await addAll(db, 'coupon_templates', couponTemplates(now));
  await seedMall(db, now);
  const people = demoPeople(random, now, options.members ?? 300, Math.max(30, Math.min(HISTORY_DAYS, options.historyDays ?? HISTORY_DAYS)));
  const { orders } = await writeHistory(cloud, db, people, now);
  const byOpenid = new Map(cloud.store.scan('members').map((s) => [s.doc.openid, s.doc as unknown as MemberDoc]));
  const members = people.map((p) => byOpenid.get(p.openid)!);
  await seedCoupons(
    db,
    now,
    members[0]._id,
    members.slice(1, 4).map((m) => m._id),
  );
  await seedReminders(cloud, db, now, members);
  // One phone, one member: each seeded number is claimed by its member (cloudfunctions/_lib/members/phones.ts).
  await addAll(
    db,
    'phone_claims',
    members.filter((m) => m.phone).map((m) => ({ _id: m.phone!.hash, memberId: m._id, at: now })),
  );
  const counts = { members: members.length, orders, ledger: (await retried(() => db.collection('ledger').count())).total };
  // Last: the marker says the seed finished (a store without it is not served).
  await addAll(db, 'settings', [{ _id: SEED_MARKER, done: true, at: new Date(), ...counts }]);
  return counts;
}

/**
 * Coupon templates of every kind and channel, and the demo member's wallet in every state: unused,
 * 即将过期, used (with its audit entry), expired (marked by the job) and past its end but not yet
 * marked (reads as expired). A limited template is sold out. Issued counts and holdings match the
 * coupons, as the issuing path would have written them.
 */
function couponTemplates(now: Date): CouponTemplateDoc[] {
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
  return defs.map((d) => ({
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
    createdAt: new Date(now.getTime() - 500 * DAY),
    updatedAt: new Date(now.getTime() - 90 * DAY),
    updatedBy: '店主 老周',
  }));
}

/**
 * The demo member's wallet in every state, and a few croissants; the templates are there since the
 * history began (`couponTemplates`), and count these issues on top of the history's.
 */
async function seedCoupons(db: Db, now: Date, demoMemberId: string, others: string[]) {
  const DAY = 86_400_000;
  const templates = couponTemplates(now);
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
  for (const t of templates)
    if (t.issued > 0)
      await retried(() =>
        db
          .collection('coupon_templates')
          .doc(t._id)
          .update({ data: { issued: db.command.inc(t.issued) } }),
      );
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
 * The demo's subscribe-message templates, one per reminder, as the merchant registers them in the
 * app (`marketing.registerTemplate`, the registry the jobs read) after adding them in the console
 * (订阅消息 → 我的模板; locally `local-cloud/services/subscribe-templates.json`, which lists the same
 * ids and fields). Each has a field for the member's name, labelled as the console would.
 */
export const DEMO_MESSAGE_TEMPLATES: Pick<MessageTemplateDoc, 'templateId' | 'title' | 'purpose' | 'fields' | 'page'>[] = [
  {
    templateId: 'DEMO_TPL_BIRTHDAY',
    title: '会员生日提醒',
    purpose: 'birthday',
    page: 'pages/coupons/index',
    fields: [
      { key: 'name1', label: '会员姓名' },
      { key: 'thing2', label: '生日礼品' },
      { key: 'date3', label: '生日日期' },
      { key: 'thing4', label: '祝福语' },
    ],
  },
  {
    templateId: 'DEMO_TPL_POINTS_EXPIRY',
    title: '积分过期提醒',
    purpose: 'points_expiry',
    page: 'pages/points/index',
    fields: [
      { key: 'name1', label: '会员姓名' },
      { key: 'number2', label: '即将过期积分' },
      { key: 'date3', label: '过期日期' },
      { key: 'thing4', label: '温馨提示' },
    ],
  },
  {
    templateId: 'DEMO_TPL_COUPON_EXPIRY',
    title: '优惠券到期提醒',
    purpose: 'coupon_expiry',
    page: 'pages/coupons/index',
    fields: [
      { key: 'thing1', label: '优惠券名称' },
      { key: 'date2', label: '到期日期' },
      { key: 'name3', label: '会员姓名' },
      { key: 'thing4', label: '温馨提示' },
    ],
  },
  {
    templateId: 'DEMO_TPL_CHECKIN',
    title: '签到提醒',
    purpose: 'checkin_reminder',
    page: 'pages/checkin/index',
    fields: [
      { key: 'thing1', label: '会员昵称' },
      { key: 'thing2', label: '提醒内容' },
      { key: 'number3', label: '连续签到天数' },
      { key: 'date4', label: '日期' },
    ],
  },
  {
    templateId: 'DEMO_TPL_DORMANCY',
    title: '会员回归提醒',
    purpose: 'dormancy',
    page: 'pages/coupons/index',
    fields: [
      { key: 'name1', label: '会员姓名' },
      { key: 'thing2', label: '活动内容' },
      { key: 'thing3', label: '温馨提示' },
      { key: 'date4', label: '日期' },
    ],
  },
  {
    templateId: 'DEMO_TPL_REPURCHASE',
    title: '复购提醒',
    purpose: 'repurchase',
    page: 'pages/index/index',
    fields: [
      { key: 'name1', label: '会员姓名' },
      { key: 'thing2', label: '商品名称' },
      { key: 'date3', label: '预计日期' },
      { key: 'thing4', label: '温馨提示' },
    ],
  },
];

/** How many one-time subscriptions each demo member accepted per reminder (at 开卡, 领券, 签到 …). */
const DEMO_CREDITS = 2;

/**
 * Reminders that reach people out of the box: the templates registered, each member's accepted
 * subscriptions (the app's count and the platform's, as a tap on the phone gives both), the birthday
 * gift configured with the demo's birthday coupon, and a few members who check in with the reminder
 * on (checked in over the last days, by the function, so their streaks are real).
 */
async function seedReminders(cloud: LocalCloud, db: Db, now: Date, members: MemberDoc[]) {
  const at = new Date(now.getTime() - 90 * 86_400_000);
  await addAll(
    db,
    'message_templates',
    DEMO_MESSAGE_TEMPLATES.map((t) => ({ _id: t.templateId, ...t, active: true, updatedAt: at, updatedBy: '店主 老周' })),
  );
  const credits: (SubscribeCreditDoc & { _id: string })[] = [];
  for (const m of members)
    for (const t of DEMO_MESSAGE_TEMPLATES) {
      credits.push({
        _id: `${m._id}:${t.templateId}`,
        memberId: m._id,
        templateId: t.templateId,
        credits: DEMO_CREDITS,
        accepted: DEMO_CREDITS,
        consumed: 0,
        updatedAt: at,
      });
    }
  // The platform's side in one commit (a durable write each would flush the disk per member and template).
  cloud.store.db.transaction(() => {
    for (const m of members) for (const t of DEMO_MESSAGE_TEMPLATES) cloud.subscriptions.accept(m.openid, t.templateId, DEMO_CREDITS);
  })();
  await addAll(db, 'subscribe_credits', credits);
  const settings: EngagementSettings = {
    ...DEFAULT_ENGAGEMENT_SETTINGS,
    birthday: { ...DEFAULT_ENGAGEMENT_SETTINGS.birthday, couponTemplateId: 'tpl-birthday' },
  };
  await addAll(db, 'settings', [{ _id: 'engagement', version: 1, settings, updatedBy: '店主 老周', updatedAt: at }]);
  await seedCheckins(cloud, now, members.slice(1, 4));
}

/** Members 1–3 turn the daily check-in reminder on (their check-ins of the last days are in the history). */
async function seedCheckins(cloud: LocalCloud, now: Date, members: MemberDoc[]) {
  const clock = cloud.clock;
  const before = clock.state();
  try {
    clock.set(new Date(startOfBusinessDate(businessDate(now.getTime() - 86_400_000)).getTime() + 9 * 3_600_000 + 30 * 60_000));
    for (const m of members) await call(cloud, 'checkin', { action: 'setReminder', enabled: true }, { openid: m.openid });
  } finally {
    if (before.real) clock.reset();
    else clock.set(before.now, { frozen: before.frozen });
  }
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
