import type { AddressInfo } from 'node:net';
import type http from 'node:http';
import { createServer } from '../../local-cloud/server';
import { addBusinessDays, startOfBusinessDate } from '../../shared/calendar';
import type { MemberDetailView, MemberPageView, SegmentView, TagListView } from '../../shared/contracts/crm';
import { RFM_SEGMENTS } from '../../shared/rules/rfm';
import { matchesFilter, segmentFilterSchema, type SegmentFilter } from '../../shared/rules/segments';
import type { DocOf } from '../../shared/schemas/collections';
import { buildNewMember } from '../../cloudfunctions/member/new-member';
import { closeTestCloud, invokeOk, openTestCloud, type TestCloud } from '../support/local-cloud';
import { advanceClock, realClock, setClock, shanghai } from '../support/clock';
import { orderFixture } from '../support/fixtures';
import { EXPECTED_COUNTS, EXPECTED_SCORES, RFM_FIXTURE } from '../support/crm-fixture';
import { runMemberTags, runRfmScores } from '../../cloudfunctions/_lib/crm';

type MemberDoc = DocOf<'members'>;

/** The fixture's day: Monday 7 December 2026; jobs run at 03:00, the merchant works at 10:00. */
const TODAY = '2026-12-07';
const daysAgo = (days: number, hour = 10) => new Date(startOfBusinessDate(addBusinessDays(TODAY, -days)).getTime() + hour * 3600_000);
const FILLERS = 55;

/**
 * The RFM fixture (tests/support/crm-fixture.ts, worked by hand) as members and orders: member X's
 * `frequency` orders, the last `recencyDays` ago, summing to its `monetaryFen`; A–E bought at store-a,
 * F–J at store-b. Besides: an order of A before the window (not counted), a revoked order of B (not
 * a purchase, no money), K whose last purchase left the window while it still holds a segment, L who
 * registered 10 days ago and never bought, an erased member, and 55 members who never bought.
 */
function seed(cloud: TestCloud): Record<string, string> {
  const ids: Record<string, string> = {};
  let card = 800000000100;
  const member = (name: string, fields: Partial<MemberDoc>) => {
    const id = String((card += 1));
    ids[name] = id;
    cloud.store.insert('members', { ...buildNewMember(`o-${name}`, id, daysAgo(400)), nickname: `会员${name}`, ...fields });
    return id;
  };
  let receipt = 0;
  const order = (memberId: string, storeId: string, paidAt: Date, amountFen: number, refundedFen = 0) =>
    cloud.store.insert('orders', orderFixture({ _id: `ord-${(receipt += 1)}`, memberId, storeId, receiptNo: `R${receipt}`, amountFen, paidAt, refundedFen }));

  for (const [name, x] of Object.entries(RFM_FIXTURE)) {
    const storeId = 'ABCDE'.includes(name) ? 'store-a' : 'store-b';
    const lastAt = daysAgo(x.recencyDays);
    const first = daysAgo(x.recencyDays + x.frequency - 1);
    const id = member(name, {
      purchases: { count: x.frequency, amountFen: x.monetaryFen, firstAt: first, lastAt },
      birthdayMD: name === 'A' ? '12-25' : '06-01',
      tierId: name < 'F' ? 'silver' : 'normal',
      points: { ...buildNewMember('x', 'x', new Date()).points, available: name.charCodeAt(0) * 10 },
    });
    const each = Math.floor(x.monetaryFen / x.frequency);
    for (let k = 0; k < x.frequency; k += 1) {
      const amount = k === x.frequency - 1 ? x.monetaryFen - each * (x.frequency - 1) : each;
      order(id, storeId, daysAgo(x.recencyDays + k), amount);
    }
  }
  order(ids.A, 'store-b', daysAgo(500), 9_999_900);
  order(ids.B, 'store-b', daysAgo(3), 5000, 5000);
  member('K', {
    purchases: { count: 1, amountFen: 1000, firstAt: daysAgo(400), lastAt: daysAgo(400) },
    crm: { autoTags: [], manualTags: [], tags: [], rfm: { r: 5, f: 5, m: 5, segment: '重要价值' }, storeIds: ['store-a'] },
  });
  order(ids.K, 'store-a', daysAgo(400), 1000);
  member('L', { registeredAt: daysAgo(10) });
  member('gone', { deletedAt: daysAgo(5), nickname: '' });
  for (let i = 0; i < FILLERS; i += 1) member(`N${i}`, {});
  return ids;
}

describe('crm over the local HTTP contract', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies: Record<'merchant' | 'staff' | 'consumer', string> = { merchant: '', staff: '', consumer: '' };
  let ids: Record<string, string>;

  async function post(body: unknown, who: keyof typeof cookies = 'merchant') {
    const res = await fetch(`${base}/api/fn/crm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies[who] },
      body: JSON.stringify(body),
    });
    return (await res.json()) as { ok: boolean; data?: unknown; code?: string; message?: string };
  }
  async function ok<T>(body: unknown): Promise<T> {
    const r = await post(body);
    if (!r.ok) throw new Error(`crm.${(body as { action: string }).action}: ${r.code} ${r.message}`);
    return r.data as T;
  }
  const count = async (filter: SegmentFilter) => (await ok<{ count: number }>({ action: 'countSegment', filter })).count;
  const liveMembers = () => cloud.store.scan('members').map((s) => s.doc as MemberDoc);
  const member = (id: string) => cloud.store.get('members', id)!.doc as MemberDoc;
  async function runJob(job: string, at: string) {
    setClock(at);
    expect(await cloud.runJob(job)).toMatchObject({ ok: true, data: { status: 'done' } });
  }
  /** Every member of a saved segment, page after page. */
  async function walk(segmentId: string): Promise<string[]> {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 20; pages += 1) {
      const page = await ok<MemberPageView>({ action: 'segmentMembers', segmentId, ...(after ? { after } : {}) });
      seen.push(...page.members.map((m) => m.memberId));
      if (!page.nextAfter) return seen;
      after = page.nextAfter;
    }
    throw new Error('walk did not end');
  }

  beforeAll(async () => {
    cloud = openTestCloud();
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
    ids = seed(cloud);
    server = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [role, openid] of [
      ['merchant', 'o-boss'],
      ['staff', 'o-clerk'],
      ['consumer', 'o-someone'],
    ] as const) {
      const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
      cookies[role] = res.headers.get('set-cookie')!.split(';')[0];
    }
    await runJob('rfm-scores', shanghai(`${TODAY} 03:00`));
    await runJob('member-tags', shanghai(`${TODAY} 03:30`));
    setClock(shanghai(`${TODAY} 10:00`));
  }, 60_000);
  afterAll(async () => {
    realClock();
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  it('refuses staff and consumers (FORBIDDEN) before looking at their input', async () => {
    for (const who of ['staff', 'consumer'] as const) {
      expect(await post({ action: 'countSegment', filter: {} }, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await post({ action: 'countSegment', filter: { colour: 'red' } }, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await post({ action: 'memberDetail', memberId: ids.A }, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await post({ action: 'tagMembers', memberIds: [ids.A], add: ['VIP'] }, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await post({ action: 'noteMember', memberId: ids.A, text: '想看', requestId: 'note-forbidden' }, who)).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
    }
    expect(cloud.store.scan('crm_notes')).toHaveLength(0);
    expect(member(ids.A).crm?.manualTags).toEqual([]);
  });

  it('answers a bad filter with VALIDATION_FAILED', async () => {
    for (const filter of [
      { colour: 'red' },
      { daysSinceLastPurchase: { min: 10, max: 5 } },
      { rfmSegments: ['超级会员'] },
      { tags: [] },
      { birthdayMonth: 0 },
    ]) {
      expect([filter, await post({ action: 'countSegment', filter })]).toMatchObject([filter, { ok: false, code: 'VALIDATION_FAILED' }]);
    }
    expect(await post({ action: 'saveSegment', name: '坏分群', filter: { pointsBalance: {} } })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(cloud.store.scan('crm_segments')).toHaveLength(0);
  });

  it('scores the fixture as worked out by hand; the eight segment counts; a member out of the window loses its segment', async () => {
    for (const [name, [r, f, m]] of Object.entries(EXPECTED_SCORES)) {
      expect([name, member(ids[name]).crm?.rfm]).toEqual([name, expect.objectContaining({ r, f, m })]);
    }
    for (const segment of RFM_SEGMENTS) expect([segment, await count({ rfmSegments: [segment] })]).toEqual([segment, EXPECTED_COUNTS[segment]]);
    expect(member(ids.K).crm).toMatchObject({ rfm: null, storeIds: [] });
    expect(member(ids.L).crm?.rfm ?? null).toBeNull();
    expect(member(ids.A).crm?.storeIds).toEqual(['store-a']);
  });

  it('tags every member with its rules; the tag filters', async () => {
    expect(member(ids.A).crm?.tags).toEqual(['活跃', '高价值', '高频', '本月生日']);
    expect(member(ids.H).crm?.tags).toEqual(['预警', '高价值']);
    expect(member(ids.L).crm?.tags).toEqual(['新会员', '活跃']);
    expect(member(ids.N0).crm?.tags).toEqual(['流失']);
    expect(await count({ tags: ['高价值'] })).toBe(2);
    expect(await count({ tags: ['活跃', '高频'] })).toBe(2);
    expect(await count({ tags: ['流失'] })).toBe(FILLERS + 1);
  });

  it('counts what the filters say, the same as the in-memory oracle, for every key', async () => {
    const filters: SegmentFilter[] = [
      {},
      { tierIds: ['silver'] },
      { storeIds: ['store-b'] },
      { storeIds: ['store-a', 'store-b'], tierIds: ['normal'] },
      { daysSinceLastPurchase: { min: 5, max: 34 } },
      { daysSinceLastPurchase: { max: 2 } },
      { pointsBalance: { min: 700, max: 720 } },
      { birthdayMonth: 12 },
      { registeredAt: { from: addBusinessDays(TODAY, -10) } },
      { registeredAt: { to: addBusinessDays(TODAY, -11) } },
      { rfmSegments: ['一般挽留', '重要价值'], tags: ['活跃'] },
      { interests: ['咖啡'] },
    ];
    for (const filter of filters) {
      const expected = liveMembers().filter((m) => matchesFilter(m, segmentFilterSchema.parse(filter), TODAY)).length;
      expect([filter, await count(filter)]).toEqual([filter, expected]);
    }
    expect(await count({})).toBe(10 + 2 + FILLERS);
    expect(await count({ storeIds: ['store-b'] })).toBe(5);
  });

  it("a saved segment's count equals the length of its walk; saves are versioned", async () => {
    const everyone = await ok<{ segmentId: string; version: number }>({ action: 'saveSegment', name: '全部会员', filter: {} });
    expect(everyone.version).toBe(1);
    const members = await walk(everyone.segmentId);
    expect(members).toHaveLength(await count({}));
    expect(new Set(members).size).toBe(members.length);
    expect(members).not.toContain(ids.gone);

    advanceClock(60_000);
    const lapsed = await ok<{ segmentId: string; version: number }>({ action: 'saveSegment', name: '重要挽留', filter: { rfmSegments: ['重要挽留'] } });
    expect(await walk(lapsed.segmentId)).toEqual([ids.H]);
    expect(await post({ action: 'saveSegment', name: '重要挽留', filter: { rfmSegments: ['重要挽留', '重要保持'] } })).toMatchObject({
      ok: false,
      code: 'SEGMENT_VERSION_CONFLICT',
    });
    const v2 = await ok<{ segmentId: string; version: number }>({
      action: 'saveSegment',
      name: '重要挽留',
      filter: { rfmSegments: ['重要挽留', '重要保持'] },
      expectedVersion: 1,
    });
    expect(v2).toEqual({ segmentId: lapsed.segmentId, version: 2 });
    expect((await walk(lapsed.segmentId)).sort()).toEqual([ids.G, ids.H].sort());
    expect(await post({ action: 'saveSegment', name: '重要挽留', filter: {}, expectedVersion: 1 })).toMatchObject({
      ok: false,
      code: 'SEGMENT_VERSION_CONFLICT',
    });
    const list = await ok<SegmentView[]>({ action: 'listSegments' });
    expect(list.map((s) => [s.name, s.version])).toEqual([
      ['重要挽留', 2],
      ['全部会员', 1],
    ]);
    expect(cloud.store.get('crm_segment_versions', `${lapsed.segmentId}@1`)?.doc).toMatchObject({ filter: { rfmSegments: ['重要挽留'] } });
    expect(await post({ action: 'segmentMembers', segmentId: 'seg-none' })).toMatchObject({ ok: false, code: 'SEGMENT_NOT_FOUND' });
  });

  it('manual tags: added and removed, kept by the nightly job, filtered on', async () => {
    expect(await ok({ action: 'tagMembers', memberIds: [ids.A, ids.B, 'nobody'], add: ['VIP'] })).toEqual({ updated: 2, notFound: ['nobody'] });
    expect(await ok({ action: 'tagMembers', memberIds: [ids.A], add: ['VIP'] })).toEqual({ updated: 0, notFound: [] });
    expect(await post({ action: 'tagMembers', memberIds: [ids.A], add: ['沉睡'] })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await count({ tags: ['VIP'] })).toBe(2);
    await runJob('member-tags', shanghai(`${addBusinessDays(TODAY, 1)} 03:30`));
    setClock(shanghai(`${addBusinessDays(TODAY, 1)} 10:00`));
    expect(member(ids.A).crm?.tags).toEqual(['活跃', '高价值', '高频', '本月生日', 'VIP']);
    expect(await ok({ action: 'tagMembers', memberIds: [ids.B], remove: ['VIP'] })).toEqual({ updated: 1, notFound: [] });
    expect(await count({ tags: ['VIP'] })).toBe(1);
    // the tags page: every automatic tag with its rule and count, the manual tags used with theirs
    expect(await ok({ action: 'tagMembers', memberIds: ['nobody'], add: ['没人'] })).toEqual({ updated: 0, notFound: ['nobody'] });
    const tags = await ok<TagListView>({ action: 'listTags' });
    expect(tags.auto.map((t) => t.tag)).toEqual(['新会员', '活跃', '预警', '沉睡', '流失', '高价值', '高频', '本月生日']);
    expect(tags.auto.find((t) => t.tag === '预警')).toEqual({ tag: '预警', rule: '30–89 天未消费', count: await count({ tags: ['预警'] }) });
    expect(tags.auto.find((t) => t.tag === '高价值')?.count).toBe(await count({ tags: ['高价值'] }));
    expect(tags.manual).toEqual([{ tag: 'VIP', count: 1 }]);
    expect(await post({ action: 'listTags' }, 'staff')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('searches by phone (masked), card number and nickname, with filters and sorts', async () => {
    const joined = await invokeOk(cloud, 'member', 'join', { agree: true, phoneCode: 'crm-phone-1' }, 'o-phone');
    const { phone } = await invokeOk(cloud, 'member', 'getProfile', {}, 'o-phone');
    const byPhone = await ok<MemberPageView>({ action: 'searchMembers', query: phone! });
    expect(byPhone.members.map((m) => [m.memberId, m.phoneMasked])).toEqual([[joined.memberId, `${phone!.slice(0, 3)}****${phone!.slice(-4)}`]]);
    expect(JSON.stringify(byPhone)).not.toContain(phone!);
    expect((await ok<MemberPageView>({ action: 'searchMembers', query: ids.C })).members.map((m) => m.nickname)).toEqual(['会员C']);
    expect((await ok<MemberPageView>({ action: 'searchMembers', query: ids.C, filter: { tierIds: ['gold'] } })).members).toEqual([]);
    expect((await ok<MemberPageView>({ action: 'searchMembers', query: '会员N1' })).members).toHaveLength(11); // N1, N10–N19
    const bySpend = await ok<MemberPageView>({ action: 'searchMembers', filter: { tierIds: ['silver'] }, sort: 'points' });
    expect(bySpend.members.map((m) => m.nickname)).toEqual(['会员E', '会员D', '会员C', '会员B', '会员A']);
    // newest first, walked in pages through the ties of one registration instant
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page: MemberPageView = await ok<MemberPageView>({ action: 'searchMembers', sort: 'newest', ...(after ? { after } : {}) });
      seen.push(...page.members.map((m) => m.memberId));
      after = page.nextAfter ?? undefined;
    } while (after);
    expect(seen).toHaveLength(await count({}));
    expect(seen.slice(0, 2)).toEqual([joined.memberId, ids.L]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(await post({ action: 'searchMembers', sort: 'newest', after: 'garbage' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it("opens a member's page: card, orders, tags with rules, RFM with its hint, lifecycle; the look is logged", async () => {
    const before = cloud.store.scan('access_log').length;
    const detail = await ok<MemberDetailView>({ action: 'memberDetail', memberId: ids.H });
    expect(detail.member).toMatchObject({ memberId: ids.H, nickname: '会员H', purchaseCount: 1 });
    expect(detail.tags).toEqual([
      { tag: '预警', kind: 'auto', rule: '30–89 天未消费' },
      { tag: '高价值', kind: 'auto', rule: expect.stringContaining('前 20%') },
    ]);
    expect(detail.rfm).toMatchObject({ r: 2, f: 1, m: 5, segment: '重要挽留', todo: expect.stringContaining('挽回') });
    expect(detail.orders).toHaveLength(1);
    expect(detail.lifecycle).toMatchObject({ memberId: ids.H, stage: 'active' });
    expect(detail.accessLog[0]).toMatchObject({ memberId: ids.H, by: 'console', actor: { openid: 'o-boss', role: 'merchant' } });
    expect(cloud.store.scan('access_log')).toHaveLength(before + 1);
    expect(await post({ action: 'memberDetail', memberId: ids.gone })).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect(cloud.store.scan('access_log')).toHaveLength(before + 1);
  });

  it('notes on a member: written once per request, shown newest first on the member page; bad input writes nothing', async () => {
    const first = await ok<{ note: { noteId: string; text: string; byName: string }; duplicate: boolean }>({
      action: 'noteMember',
      memberId: ids.C,
      text: '  喜欢燕麦拿铁  ',
      requestId: 'note-req-0001',
    });
    expect(first).toMatchObject({ duplicate: false, note: { noteId: 'note:note-req-0001', text: '喜欢燕麦拿铁' } });
    // a retried tap: the same note, not a second one
    expect(await ok({ action: 'noteMember', memberId: ids.C, text: '喜欢燕麦拿铁', requestId: 'note-req-0001' })).toMatchObject({ duplicate: true });
    expect(await post({ action: 'noteMember', memberId: ids.C, text: '别的内容', requestId: 'note-req-0001' })).toMatchObject({
      ok: false,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(await post({ action: 'noteMember', memberId: ids.C, text: '   ', requestId: 'note-req-0002' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(await post({ action: 'noteMember', memberId: ids.C, text: '长'.repeat(201), requestId: 'note-req-0003' })).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(await post({ action: 'noteMember', memberId: ids.gone, text: '已注销', requestId: 'note-req-0004' })).toMatchObject({
      ok: false,
      code: 'MEMBER_NOT_FOUND',
    });
    expect(await post({ action: 'noteMember', memberId: 'nobody', text: '没有这人', requestId: 'note-req-0005' })).toMatchObject({
      ok: false,
      code: 'MEMBER_NOT_FOUND',
    });
    expect(cloud.store.scan('crm_notes')).toHaveLength(1);
    advanceClock(60_000);
    await ok({ action: 'noteMember', memberId: ids.C, text: '周末常来', requestId: 'note-req-0006' });
    const detail = await ok<MemberDetailView>({ action: 'memberDetail', memberId: ids.C });
    expect(detail.notes.map((n) => n.text)).toEqual(['周末常来', '喜欢燕麦拿铁']);
    expect(detail.notes[0]).toMatchObject({ noteId: 'note:note-req-0006', byName: expect.any(String) });
    setClock(shanghai(`${TODAY} 10:00`));
  });
});

describe('the nightly CRM jobs', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
  });
  afterEach(() => {
    realClock();
    closeTestCloud(cloud);
  });

  it('resume from their checkpoint when the budget runs out, ending with the same scores; a second night writes only what changed', async () => {
    const ids = seed(cloud);
    const night = new Date(shanghai(`${TODAY} 03:00`));
    setClock(night);
    let ms = 0;
    // Each look at the clock is 1 ms later: a budget of 3 ms lets an invocation start a chunk or two.
    const options = { budgetMs: 3, clock: () => (ms += 1), chunkSize: 1 };
    let invocations = 0;
    let run = await runRfmScores(night, options);
    for (invocations = 1; run.status !== 'done' && invocations < 100; invocations += 1) run = await runRfmScores(night, options);
    expect(run.status).toBe('done');
    expect(invocations).toBeGreaterThan(3);
    expect(run).toMatchObject({ measured: 10, scored: 10, changed: 10, cleared: 1 });
    expect(Object.fromEntries(RFM_SEGMENTS.map((s, i) => [s, run.segments[i]]))).toEqual(EXPECTED_COUNTS);
    for (const [name, [r, f, m]] of Object.entries(EXPECTED_SCORES)) {
      expect([name, (cloud.store.get('members', ids[name])!.doc as MemberDoc).crm?.rfm]).toEqual([name, expect.objectContaining({ r, f, m })]);
    }
    // the done occurrence again: nothing runs
    expect(await runRfmScores(night, options)).toMatchObject({ status: 'done', changed: 10 });

    // The next night everyone is a day further from their last purchase: the ranks, and so the scores, stay.
    const next = new Date(shanghai(`${addBusinessDays(TODAY, 1)} 03:00`));
    setClock(next);
    expect(await runRfmScores(next, { itemsPerSecond: Infinity })).toMatchObject({ status: 'done', scored: 10, changed: 0, cleared: 0 });
    const tags = await runMemberTags(next, { itemsPerSecond: Infinity });
    expect(tags).toMatchObject({ status: 'done', walked: 10 + 2 + 1 + FILLERS, changed: 10 + 2 + FILLERS });
    setClock(new Date(shanghai(`${addBusinessDays(TODAY, 2)} 03:30`)));
    // a day on, only the members whose tags moved are written (none of the fixture's crosses a threshold that day)
    expect(await runMemberTags(new Date(shanghai(`${addBusinessDays(TODAY, 2)} 03:30`)), { itemsPerSecond: Infinity })).toMatchObject({
      status: 'done',
      changed: 0,
    });
  });

  it('pace requests, not members: each page read and each write at the job rate', async () => {
    seed(cloud);
    const night = new Date(shanghai(`${TODAY} 03:30`));
    setClock(night);
    let t = 0;
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      t += ms;
    };
    // 10 requests a second: pages of 50 members (5 s of requests); 68 members, 67 of them written
    // (the erased one is not): 2 pages and the empty read that ends the walk, 67 writes, the 70th
    // request 6.9 s after the first.
    const run = await runMemberTags(night, { itemsPerSecond: 10, clock: () => t, sleep });
    expect(run).toMatchObject({ status: 'done', walked: 68, changed: 67, chunks: 2 });
    expect(t).toBe(6900);
  });
});
