import { find } from 'mingo';
import { DocumentStore, type DatabaseSchema, type IndexSpec, orderBySql, translateQuery, type SortSpec } from '../../local-cloud/store';
import { readDatabaseSchema } from '../../local-cloud/services';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { db, useCloud } from './sdk';

/**
 * The store answers queries through the declared indexes (conditions, orders and windows in SQL),
 * with the same answers as MongoDB semantics over every document, and counts right in every
 * collection.
 */
const declared = readDatabaseSchema();
const schema: DatabaseSchema = {
  collections: {
    ...declared.collections,
    typed: {
      indexes: [
        { name: 'v', fields: { v: 1 } },
        { name: 'k_at', fields: { k: 1, at: -1 } },
      ],
    },
  },
};

describe('conformance: counts', () => {
  it('counts every collection, whichever was counted first (statements prepared after the partial indexes)', () => {
    const store = new DocumentStore(':memory:');
    store.applySchema(declared);
    store.insert('members', { _id: 'a', openid: 'oa', cardNo: '1' });
    for (let i = 0; i < 3; i += 1) store.insert('orders', { _id: `o${i}`, memberId: 'a', storeId: 's', receiptNo: `r${i}` });
    for (let i = 0; i < 2; i += 1) store.insert('ledger', { _id: `l${i}`, memberId: 'a' });
    expect([store.count('members'), store.count('orders'), store.count('ledger'), store.count('coupons')]).toEqual([1, 3, 2, 0]);
    expect([store.count('ledger'), store.count('orders'), store.count('members')]).toEqual([2, 3, 1]);
    store.close();
  });

  const ctx = useCloud({ schema });
  it('counts through the SDK, with and without conditions, across collections', async () => {
    const _ = db().command;
    ctx.cloud.store.insert('members', { _id: 'a', openid: 'oa', cardNo: '1', tierId: 'gold' });
    ctx.cloud.store.insert('members', { _id: 'b', openid: 'ob', cardNo: '2', tierId: 'silver' });
    for (let i = 0; i < 5; i += 1)
      ctx.cloud.store.insert('orders', { _id: `o${i}`, memberId: i < 3 ? 'a' : 'b', storeId: 's', receiptNo: `r${i}`, amountFen: i * 100 });
    const total = async (coll: string, where: Record<string, unknown> = {}) => ((await db().collection(coll).where(where).count()) as { total: number }).total;
    expect(await total('orders')).toBe(5);
    expect(await total('members')).toBe(2);
    expect(await total('orders', { memberId: 'a' })).toBe(3);
    expect(await total('members', { tierId: 'gold' })).toBe(1);
    expect(await total('orders', { memberId: 'b', amountFen: _.gte(400) })).toBe(1); // amountFen is not indexed: mingo finishes
    expect(await total('ledger')).toBe(0);
  });
});

describe('conformance: indexed queries answer as MongoDB does', () => {
  const ctx = useCloud({ schema });
  // One indexed field holding every type: SQL must pin types as MongoDB compares them.
  const values: unknown[] = [
    'a',
    'b',
    'ab',
    '',
    'B',
    '10',
    0,
    1,
    2.5,
    -3,
    10,
    true,
    false,
    null,
    new Date('2026-03-01T00:00:00Z'),
    new Date('2026-03-02T12:00:00Z'),
    { x: 1 },
    undefined,
  ];
  const docs = values.map((v, i) => {
    const d: Record<string, unknown> = { _id: `d${String(i).padStart(2, '0')}`, k: i % 3 === 0 ? 'x' : 'y', at: new Date(Date.UTC(2026, 0, 1 + i)), n: i };
    if (v !== undefined) d.v = v;
    return d;
  });
  beforeEach(async () => {
    for (const d of docs) ctx.cloud.store.insert('typed', d as never);
  });

  const expected = (q: Record<string, unknown>, sort: Record<string, 1 | -1> = { _id: 1 }, skip = 0, limit = 1000) =>
    (find(docs, q).sort(sort).skip(skip).limit(limit).all() as { _id: string }[]).map((d) => d._id);
  const got = async (q: Record<string, unknown>, order: Array<[string, 'asc' | 'desc']> = [['_id', 'asc']], skip = 0, limit = 1000) => {
    let query = db().collection('typed').where(q);
    for (const [f, dir] of order) query = query.orderBy(f, dir);
    if (skip) query = query.skip(skip);
    const res = (await query.limit(limit).get()) as { data: { _id: string }[] };
    return res.data.map((d) => d._id);
  };

  it('compares strings, numbers, booleans, null and dates on an indexed field', async () => {
    const _ = db().command;
    const march2 = new Date('2026-03-02T00:00:00Z');
    const march1 = new Date('2026-03-01T00:00:00Z');
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ v: 'a' }, { v: 'a' }],
      [{ v: 10 }, { v: 10 }],
      [{ v: 1 }, { v: 1 }], // not true
      [{ v: true }, { v: true }],
      [{ v: null }, { v: null }], // null or missing
      [{ v: _.gt('a') }, { v: { $gt: 'a' } }],
      [{ v: _.lte('b') }, { v: { $lte: 'b' } }], // strings only, no numbers
      [{ v: _.gte(1) }, { v: { $gte: 1 } }], // numbers only, no strings or true
      [{ v: _.lt(2.5) }, { v: { $lt: 2.5 } }],
      [{ v: _.gte(march2) }, { v: { $gte: march2 } }],
      [{ v: _.lt(march2) }, { v: { $lt: march2 } }],
      // bounds equal to a stored whole-second instant (bson writes it without milliseconds: stored fixed-width)
      [{ v: _.lte(march1) }, { v: { $lte: march1 } }],
      [{ v: _.gte(march1) }, { v: { $gte: march1 } }],
      [{ v: march1 }, { v: march1 }],
      [{ v: _.in(['a', 'B', 'zz']) }, { v: { $in: ['a', 'B', 'zz'] } }],
      [{ v: _.in([1, 'a', null]) }, { v: { $in: [1, 'a', null] } }],
      [{ v: _.neq('a') }, { v: { $ne: 'a' } }],
      [{ v: _.nin(['a', 'b']) }, { v: { $nin: ['a', 'b'] } }],
      [{ v: _.gt('a').and(_.lt('b')) }, { v: { $gt: 'a', $lt: 'b' } }],
      [{ _id: _.gt('d05') }, { _id: { $gt: 'd05' } }],
      [
        { _id: _.nin(['d01', 'd02']), k: 'x' },
        { _id: { $nin: ['d01', 'd02'] }, k: 'x' },
      ],
      [
        { k: 'y', n: _.gt(5) },
        { k: 'y', n: { $gt: 5 } },
      ], // n is not indexed
    ];
    for (const [sdkQuery, mongo] of cases) expect([JSON.stringify(mongo), await got(sdkQuery)]).toEqual([JSON.stringify(mongo), expected(mongo)]);
  });

  it('orders, skips and limits in SQL as mingo would', async () => {
    const _ = db().command;
    expect(await got({ k: 'y' }, [['at', 'desc']], 2, 3)).toEqual(expected({ k: 'y' }, { at: -1 }, 2, 3));
    expect(await got({ k: 'x', at: _.gte(new Date('2026-01-04T00:00:00Z')) }, [['at', 'asc']])).toEqual(
      expected({ k: 'x', at: { $gte: new Date('2026-01-04T00:00:00Z') } }, { at: 1 }),
    );
    expect(await got({ k: 'y', n: _.gt(3) }, [['at', 'desc']], 1, 2)).toEqual(expected({ k: 'y', n: { $gt: 3 } }, { at: -1 }, 1, 2));
    expect(await got({}, [['n', 'desc']], 3, 4)).toEqual(expected({}, { n: -1 }, 3, 4)); // unindexed order: mingo sorts
    expect(await got({ k: 'x' }, [['_id', 'desc']])).toEqual(expected({ k: 'x' }, { _id: -1 }));
  });
});

describe('conformance: a multikey index (a path through an array) answered from its own table', () => {
  it('answers string conditions on points.lots.expiresOn as mingo does over every document, through the table, after updates and removals', () => {
    const store = new DocumentStore(':memory:');
    const docs = new Map<string, Record<string, unknown>>();
    const put = (doc: Record<string, unknown> & { _id: string }, replace = false) => {
      if (replace) store.replace('members', doc);
      else store.insert('members', doc);
      docs.set(doc._id, doc);
    };
    // documents written before the index existed are indexed when it is created
    store.createCollection('members');
    put({ _id: 'early', openid: 'oe', cardNo: 'ce', points: { lots: [{ expiresOn: '2027-01-05' }] } });
    store.applySchema(declared);
    for (let i = 0; i < 300; i += 1) {
      const lots = Array.from({ length: i % 4 }, (_, k) => ({ id: `l${k}`, expiresOn: `2027-01-${String(((i + k * 7) % 28) + 1).padStart(2, '0')}` }));
      const points = i % 7 === 0 ? { lots: { expiresOn: '2027-01-05' } } : i % 11 === 0 ? { lots: [[{ expiresOn: '2027-01-06' }]] } : { lots };
      put({ _id: `m${String(i).padStart(3, '0')}`, openid: `o${i}`, cardNo: `c${i}`, points });
    }
    put({ _id: 'm010', openid: 'o10', cardNo: 'c10', points: { lots: [{ expiresOn: '2027-01-05' }, { expiresOn: 5 }] } }, true);
    store.remove('members', 'm020');
    docs.delete('m020');
    const multikey = { coll: 'members', fields: store.multikeyOf('members') };
    const pushable = store.indexedFieldsAll('members');
    const queries: Record<string, unknown>[] = [
      { 'points.lots.expiresOn': '2027-01-05' },
      { 'points.lots.expiresOn': { $in: ['2027-01-05', '2027-01-12'] } },
      { 'points.lots.expiresOn': { $in: ['2027-01-05', '2027-01-12'] }, _id: { $gt: 'm100' } },
      { 'points.lots.expiresOn': { $gte: '2027-01-10', $lt: '2027-01-12' } },
      { 'points.lots.expiresOn': 5 }, // not a string: left to mingo over every document
    ];
    for (const q of queries) {
      const t = translateQuery(q, pushable, multikey);
      expect(t.exact).toBe(false); // mingo re-tests the table's superset
      const test = (d: Record<string, unknown>) => find([d], q).all().length === 1;
      const got = [...store.select('members', { conditions: t.conditions, orderBy: 'id ASC' })]
        .map((r) => r.doc)
        .filter(test)
        .map((d) => d._id);
      const want = [...docs.values()]
        .filter(test)
        .map((d) => d._id as string)
        .sort();
      expect([JSON.stringify(q), got]).toEqual([JSON.stringify(q), want]);
      if (typeof (q['points.lots.expiresOn'] as unknown) !== 'number') {
        expect(t.conditions[0].sql).toMatch(/FROM multikey/);
        expect(store.explain('members', { conditions: t.conditions, orderBy: 'id ASC', limit: 50 }).join(' | ')).toMatch(/SEARCH multikey USING PRIMARY KEY/);
      }
    }
    store.close();
  });
});

describe('conformance: the declared indexes answer the queries (EXPLAIN QUERY PLAN)', () => {
  const ctx = {} as { cloud: TestCloud };
  afterAll(() => closeTestCloud(ctx.cloud, { checkDocuments: false }));
  const plan = (coll: string, query: Record<string, unknown>, order: SortSpec = [], count = false) => {
    const store = ctx.cloud.store;
    const t = translateQuery(query, store.indexedFieldsAll(coll));
    const orderBy = order.length ? orderBySql(order, store.indexedFieldsAll(coll)) : undefined;
    return store.explain(coll, { conditions: t.conditions, orderBy, limit: 50 }, count).join(' | ');
  };

  beforeAll(() => {
    ctx.cloud = openTestCloud();
    // Enough rows that the planner's statistics (ANALYZE) prefer an index over the collection's range.
    const s = ctx.cloud.store;
    s.atomically(() => {
      for (let i = 0; i < 3000; i += 1) {
        const m = `m${i}`;
        s.insert('members', {
          _id: m,
          openid: `o${i}`,
          cardNo: `c${i}`,
          tierId: `t${i % 4}`,
          birthdayMD: `0${(i % 9) + 1}-1${i % 10}`,
          phone: { hash: `h${i}` },
          tierReviewDueOn: i % 50 ? null : '2026-03-01',
          growth: i,
          nickname: `n${i}`,
          ...(i % 100 === 0 ? { deletedAt: new Date(1767225600000 + i * 1000) } : {}),
          crm: { rfm: { segment: `seg${i % 8}` } },
          points: { nextEventOn: i % 10 ? null : `2026-03-${String((i % 28) + 1).padStart(2, '0')}`, reconcileDue: i % 20 === 0, available: i },
          ...(i % 3
            ? {
                purchases: {
                  count: i % 7 === 0 ? 2 : 1,
                  amountFen: 100,
                  firstAt: new Date(1767225600000 + i * 3_600_000),
                  lastAt: new Date(1767225600000 + i * 3_600_000),
                },
              }
            : {}),
        });
        s.insert('purchase_cycles', { _id: m, memberId: m, categories: [], remindOn: i % 7 ? null : `2026-03-${String((i % 28) + 1).padStart(2, '0')}` });
        s.insert('orders', {
          _id: `o${i}`,
          memberId: `m${i % 300}`,
          storeId: `s${i % 5}`,
          receiptNo: `r${i}`,
          paidAt: new Date(1767225600000 + i * 60_000),
          createdAt: new Date(1767225600000 + i * 60_000),
        });
        s.insert('ledger', { _id: `l${i}`, memberId: `m${i % 300}`, createdAt: new Date(1767225600000 + i * 60_000) });
        s.insert('roles', { _id: `r${i}`, openid: `staff${i}` });
        s.insert('coupons', {
          _id: `c${i}`,
          memberId: `m${i % 300}`,
          status: i % 3 ? 'unused' : 'used',
          issuedAt: new Date(1767225600000 + i * 60_000),
          ...(i % 3 ? {} : { used: { at: new Date(1767225600000 + i * 120_000) } }),
        });
        s.insert('tier_changes', { _id: `tc${i}`, memberId: `m${i % 300}`, at: new Date(1767225600000 + i * 1000) });
        s.insert('pos_nonces', { _id: `n${i}`, expiresAt: new Date(1767225600000 + i * 1000) });
        s.insert('fraud_flags', { _id: `f${i}`, status: i % 10 ? 'released' : 'open', memberId: `m${i % 300}`, createdAt: new Date(1767225600000 + i * 1000) });
        s.insert('access_log', { _id: `a${i}`, memberId: `m${i % 300}`, at: new Date(1767225600000 + i * 1000) });
        if (i < 300) s.insert('crm_segments', { _id: `seg${i}`, name: `分群${i}`, updatedAt: new Date(1767225600000 + i * 1000) });
        s.insert('crm_notes', { _id: `note${i}`, memberId: `m${i % 300}`, at: new Date(1767225600000 + i * 1000) });
        s.insert('points_drift', { _id: `d${i}`, status: i % 100 ? 'resolved' : 'open' });
      }
    });
    s.analyze(); // the statistics the store keeps (optimize decides when; here: now)
  });

  const march = new Date('2026-03-01T00:00:00Z');
  // The shapes the functions ask, one or more per declared index.
  const cases: Array<{ index: string; coll: string; query: Record<string, unknown>; order?: SortSpec; count?: boolean }> = [
    { index: 'members.openid_unique', coll: 'members', query: { openid: 'o17' } },
    { index: 'members.cardNo_unique', coll: 'members', query: { cardNo: 'c17' } },
    { index: 'members.tier', coll: 'members', query: { tierId: 't1' }, count: true },
    { index: 'members.birthdayMD', coll: 'members', query: { birthdayMD: '03-13' } },
    { index: 'members.phone_hash', coll: 'members', query: { 'phone.hash': 'h17' } },
    {
      index: 'members.tier_review_due',
      coll: 'members',
      query: { tierReviewDueOn: { $lte: '2026-03-01' } },
      order: [
        ['tierReviewDueOn', 1],
        ['_id', 1],
      ],
    },
    { index: 'members.growth', coll: 'members', query: { growth: { $gte: 2990 } } },
    {
      index: 'members.points_nextEventOn',
      coll: 'members',
      query: { 'points.nextEventOn': { $lte: '2026-03-02' } },
      order: [
        ['points.nextEventOn', 1],
        ['_id', 1],
      ],
    },
    { index: 'members.points_reconcileDue', coll: 'members', query: { 'points.reconcileDue': true, _id: { $gt: 'm100' } } },
    { index: 'roles.openid', coll: 'roles', query: { openid: 'staff9' } },
    { index: 'orders.member_paidAt', coll: 'orders', query: { memberId: 'm7', paidAt: { $gte: march } }, count: true },
    { index: 'orders.member_paidAt', coll: 'orders', query: { memberId: 'm7' }, order: [['paidAt', -1]] },
    { index: 'orders.store_receipt_unique', coll: 'orders', query: { storeId: 's1', receiptNo: 'r11' } },
    { index: 'orders.store_createdAt', coll: 'orders', query: { storeId: 's1', createdAt: { $gte: march } }, count: true },
    { index: 'ledger.member_createdAt', coll: 'ledger', query: { memberId: 'm7' }, order: [['createdAt', -1]] },
    { index: 'coupons.member_status', coll: 'coupons', query: { memberId: 'm7', status: 'unused' } },
    { index: 'tier_changes.member_at', coll: 'tier_changes', query: { memberId: 'm7' }, order: [['at', -1]] },
    { index: 'pos_nonces.expiresAt', coll: 'pos_nonces', query: { expiresAt: { $lt: new Date(1767225600000 + 100_000) } } },
    { index: 'fraud_flags.status_createdAt', coll: 'fraud_flags', query: { status: 'open' }, order: [['createdAt', -1]] },
    { index: 'fraud_flags.member', coll: 'fraud_flags', query: { memberId: 'm7' } },
    { index: 'access_log.at', coll: 'access_log', query: {}, order: [['at', -1]] },
    { index: 'access_log.member_at', coll: 'access_log', query: { memberId: 'm7' }, order: [['at', -1]] },
    { index: 'points_drift.status', coll: 'points_drift', query: { status: 'open' } },
    // a store's trailing hours (cloudfunctions/_lib/orders/store-hours.ts) and a number's transfer history
    { index: 'store_hours.store_hour', coll: 'store_hours', query: { storeId: 's1', hour: { $gte: '2026112300', $lt: '2026112400' } } },
    { index: 'phone_transfers.hash', coll: 'phone_transfers', query: { hash: 'h1' } },
    // the merchant's run records (marketing.listJobRuns), all jobs or one
    { index: 'job_records.startedAt', coll: 'job_records', query: {}, order: [['startedAt', -1]] },
    { index: 'job_records.job_startedAt', coll: 'job_records', query: { job: 'birthday' }, order: [['startedAt', -1]] },
    // coupons: the wallet by member and status, the nightly expiry by status and end, the audit by clerk and by time
    {
      index: 'coupons.status_endsAt',
      coll: 'coupons',
      query: { status: 'unused', endsAt: { $lte: new Date('2026-07-03T00:00:00Z') } },
      order: [['endsAt', 1]],
    },
    { index: 'coupon_audit.actor_at', coll: 'coupon_audit', query: { 'actor.openid': 'o-clerk' }, order: [['at', -1]] },
    { index: 'coupon_audit.at', coll: 'coupon_audit', query: {}, order: [['at', -1]] },
    // the mall's orders: mine, by status for the console, all newest first
    { index: 'mall_orders.member_createdAt', coll: 'mall_orders', query: { memberId: 'm7' }, order: [['createdAt', -1]] },
    { index: 'mall_orders.status_createdAt', coll: 'mall_orders', query: { status: 'paid' }, order: [['createdAt', -1]] },
    { index: 'mall_orders.createdAt', coll: 'mall_orders', query: {}, order: [['createdAt', -1]] },
    // departures past their retention, purged nightly (cloudfunctions/_lib/members/departures.ts)
    { index: 'departures.keepUntil', coll: 'departures', query: { keepUntil: { $lt: '2026-12-01' } } },
    // engagement: check-in reminders and the day's check-ins, invitations, the message log and registry, credits, daily statistics
    { index: 'checkin_state.remind_lastDay', coll: 'checkin_state', query: { remind: true, lastDay: { $lt: '2026-12-01' } } },
    { index: 'checkin_state.lastDay', coll: 'checkin_state', query: { lastDay: '2026-12-01' }, count: true },
    { index: 'invitations.inviter_at', coll: 'invitations', query: { inviterId: 'm7' }, order: [['at', -1]] },
    { index: 'members.registeredAt', coll: 'members', query: { registeredAt: { $lt: march } }, count: true },
    { index: 'message_log.status_createdAt', coll: 'message_log', query: { status: 'sent', createdAt: { $gte: march } }, count: true },
    { index: 'message_log.member_createdAt', coll: 'message_log', query: { memberId: 'm7' }, order: [['createdAt', -1]] },
    { index: 'message_templates.purpose_active', coll: 'message_templates', query: { purpose: 'birthday', active: true } },
    { index: 'orders.paidAt', coll: 'orders', query: { paidAt: { $gte: march } }, count: true },
    { index: 'subscribe_credits.member', coll: 'subscribe_credits', query: { memberId: 'm7' } },
    // lifecycle: the dormancy windows on the last purchase, the repurchase job's new orders and due reminders
    {
      index: 'members.purchases_lastAt',
      coll: 'members',
      query: { 'purchases.lastAt': { $gte: march, $lt: new Date('2026-03-02T00:00:00Z') } },
      order: [
        ['purchases.lastAt', 1],
        ['_id', 1],
      ],
    },
    { index: 'members.purchases_lastAt', coll: 'members', query: { 'purchases.lastAt': march, _id: { $gt: 'm100' } }, order: [['_id', 1]] },
    {
      index: 'orders.createdAt',
      coll: 'orders',
      query: { createdAt: { $gt: march, $lt: new Date('2026-03-02T00:00:00Z') } },
      order: [
        ['createdAt', 1],
        ['_id', 1],
      ],
    },
    { index: 'purchase_cycles.remindOn', coll: 'purchase_cycles', query: { remindOn: { $lte: '2026-03-01' } } },
    // crm: the segment filters on precomputed fields, the merchant's member list sorted by balance, segments by date
    { index: 'members.points_available', coll: 'members', query: { 'points.available': { $gte: 2900 } } },
    { index: 'members.points_available', coll: 'members', query: { 'points.available': { $gte: 0 } }, order: [['points.available', -1]] },
    { index: 'members.crm_rfm_segment', coll: 'members', query: { 'crm.rfm.segment': { $in: ['seg1', 'seg2'] } } },
    { index: 'members.nickname', coll: 'members', query: { nickname: { $gte: 'n12', $lt: 'n13' } } },
    { index: 'members.deletedAt', coll: 'members', query: { deletedAt: { $lt: march } } },
    { index: 'crm_segments.updatedAt', coll: 'crm_segments', query: {}, order: [['updatedAt', -1]] },
    // the member page's notes, newest first; noteMember's count of a member's notes
    { index: 'crm_notes.member_at', coll: 'crm_notes', query: { memberId: 'm17' }, order: [['at', -1]] },
    { index: 'crm_notes.member_at', coll: 'crm_notes', query: { memberId: 'm17' }, count: true },
    // the nightly statistics (cloudfunctions/_lib/engagement/daily-stats.ts): repurchasers, the day's coupons and ledger entries
    { index: 'members.purchases_count', coll: 'members', query: { 'purchases.count': { $gte: 2 } }, count: true },
    { index: 'coupons.issuedAt', coll: 'coupons', query: { issuedAt: { $gte: march, $lt: new Date('2026-03-02T00:00:00Z') } }, count: true },
    { index: 'coupons.used_at', coll: 'coupons', query: { 'used.at': { $gte: march, $lt: new Date('2026-03-02T00:00:00Z') } }, count: true },
    { index: 'ledger.createdAt', coll: 'ledger', query: { createdAt: { $gte: march, $lt: new Date('2026-03-02T00:00:00Z') } } },
  ];
  /**
   * An index over an array path (MongoDB's multikey index) has no SQLite expression-index equivalent:
   * the local store keeps it in its own table (tested above). Marked `multikey: true` in database.json.
   */
  const MULTIKEY_ON_THE_CLOUD_ONLY = Object.entries(declared.collections).flatMap(([coll, spec]) =>
    (spec.indexes ?? []).filter((i: IndexSpec) => i.multikey).map((i: IndexSpec) => `${coll}.${i.name}`),
  );

  it.each(cases)('$index answers $coll $query', ({ index, coll, query, order, count }) => {
    const [c, name] = index.split('.');
    const detail = plan(coll, query, order ?? [], count);
    expect(detail).toMatch(new RegExp(`USING (COVERING )?INDEX ix_${c}_${name} `));
    // the whole query is in SQL: no row goes back to mingo
    expect(translateQuery(query, ctx.cloud.store.indexedFieldsAll(coll)).exact).toBe(true);
  });

  it('every declared index is exercised by one of the shapes above', () => {
    const all = Object.entries(declared.collections).flatMap(([coll, spec]) => (spec.indexes ?? []).map((i: IndexSpec) => `${coll}.${i.name}`));
    expect(new Set([...cases.map((c) => c.index), ...MULTIKEY_ON_THE_CLOUD_ONLY])).toEqual(new Set(all));
  });

  it('a lookup by _id and a count of a whole collection use the primary key, not a scan of every collection', () => {
    expect(plan('members', { _id: 'm5' })).toMatch(/SEARCH docs USING PRIMARY KEY \(coll=\? AND id=\?\)/);
    // any index whose first column is the collection (a declared one, the store's natural order, the primary key)
    expect(plan('orders', {}, [], true)).toMatch(/SEARCH docs USING (COVERING INDEX (ix_orders_\w+|docs_natural)|PRIMARY KEY) \(coll=\?\)/);
  });
});
