/**
 * Issue 25, hardening round three: what an attacker found in coupons, the mall, erasure and the clock.
 * One test (or more) per defect this file covers (2, 3, 6–12), over the local HTTP contract (the
 * in-process server, sessions by cookie) where that is how the defect was found. Each failed before
 * its fix.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, SESSION_COOKIE, SESSION_TTL_MS, SessionSigner } from '../../local-cloud/server';
import { backOff, closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock, setClock } from '../support/clock';
import type { Any } from '../support/points-kit';
import type { Result } from '../../shared/envelope';
import { businessDate, businessMonth, monthDay } from '../../shared/schemas/common';
import { cashTemplateInput } from '../support/coupon-kit';
import { ISSUE_PROBLEM_TEXT, type IssueProblem } from '../../shared/rules/coupons';
import { SUBSCRIBE_CREDIT_CAP } from '../../shared/rules/engagement';
import { REWARDED_INVITATIONS_PER_DAY } from '../../shared/rules/referral';
import { WRONG_CODE_LIMIT } from '../../cloudfunctions/_lib/coupons';
import { orderItemSchema } from '../../shared/schemas/points';
import { describeIssues, installChineseErrors } from '../../shared/validation';
import fs from 'node:fs';
import path from 'node:path';
import { collectionSchemas } from '../../shared/schemas/collections';

jest.setTimeout(120_000);

describe('hardening round three (issue 25) over the local HTTP contract', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    cloud = openTestCloud();
    cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => realClock());
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  async function login(openid: string, url = base): Promise<string> {
    const key = `${url} ${openid}`;
    let cookie = cookies.get(key);
    if (cookie) return cookie;
    const role = openid === 'o-boss' ? 'merchant' : openid.startsWith('o-clerk') ? 'staff' : 'consumer';
    const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
    cookie = res.headers.get('set-cookie')!.split(';')[0];
    cookies.set(key, cookie);
    return cookie;
  }
  /** `POST /api/fn/<fn>` as `openid` (signed session cookie): the envelope. */
  async function api(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<Result<Any>> {
    const res = await fetch(`${base}/api/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await login(openid) },
      body: JSON.stringify({ ...input, action }),
    });
    return (await res.json()) as Result<Any>;
  }
  async function ok(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<Any> {
    const r = await api(openid, fn, action, input);
    if (!r.ok) throw new Error(`${fn}.${action}: ${r.code} ${r.message}`);
    return r.data;
  }
  /** A control route as `openid`: status and body. */
  async function control(openid: string | null, method: string, pathname: string, body?: unknown, url = base) {
    const res = await fetch(`${url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', ...(openid ? { cookie: await login(openid, url) } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Any };
  }

  describe('10. the clock and job routes are the merchant’s, in development mode only', () => {
    it('refuses a consumer and staff (403), answers the merchant', async () => {
      for (const who of ['o-c10', 'o-clerk']) {
        expect(await control(who, 'POST', '/api/clock', { advanceMs: 86_400_000 })).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
        expect(await control(who, 'GET', '/api/clock')).toMatchObject({ status: 403 });
        expect(await control(who, 'POST', '/api/jobs/points-nightly/run')).toMatchObject({ status: 403, json: { code: 'FORBIDDEN' } });
        expect(await control(who, 'GET', '/api/jobs')).toMatchObject({ status: 403 });
      }
      expect(cloud.clock.state().offsetMs).toBe(0);
      expect(await control(null, 'POST', '/api/clock', { advanceMs: 1 })).toMatchObject({ status: 401 });
      expect(await control('o-boss', 'POST', '/api/clock', { advanceMs: 60_000 })).toMatchObject({ status: 200, json: { ok: true } });
      expect(await control('o-boss', 'GET', '/api/jobs')).toMatchObject({ status: 200, json: { ok: true } });
    });

    it('are absent (404) from a server not in development mode, even for the merchant', async () => {
      const prod = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
      await new Promise<void>((r) => prod.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(prod.address() as AddressInfo).port}`;
      try {
        expect(await control('o-boss', 'POST', '/api/clock', { advanceMs: 60_000 }, url)).toMatchObject({ status: 404, json: { code: 'NOT_FOUND' } });
        expect(await control('o-boss', 'GET', '/api/clock', undefined, url)).toMatchObject({ status: 404 });
        expect(await control('o-boss', 'POST', '/api/jobs/points-nightly/run', undefined, url)).toMatchObject({ status: 404 });
        expect(await control('o-boss', 'GET', '/api/jobs', undefined, url)).toMatchObject({ status: 404 });
        expect(cloud.clock.state().offsetMs).toBe(0);
      } finally {
        await new Promise((r) => prod.close(r));
      }
    });
  });

  describe('8. every business date is a real date', () => {
    const impossible = ['9999-99-99', '2027-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '2100-02-29'];

    it('the shared schemas refuse impossible days, months and month-days', () => {
      for (const day of impossible) expect({ day, ok: businessDate.safeParse(day).success }).toEqual({ day, ok: false });
      for (const day of ['2028-02-29', '2000-02-29', '2026-12-31']) expect({ day, ok: businessDate.safeParse(day).success }).toEqual({ day, ok: true });
      expect(businessMonth.safeParse('2026-13').success).toBe(false);
      expect(monthDay.safeParse('02-29').success).toBe(true);
      expect(monthDay.safeParse('02-30').success).toBe(false);
      expect(monthDay.safeParse('13-01').success).toBe(false);
    });

    it('a fixed coupon validity and a make-up check-in day are refused with VALIDATION_FAILED, nothing written', async () => {
      const before = cloud.store.scan('coupon_templates').length;
      for (const day of impossible) {
        const created = await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ validity: { type: 'fixed', from: '2026-01-01', to: day } }));
        expect({ day, created }).toMatchObject({ day, created: { ok: false, code: 'VALIDATION_FAILED' } });
        const from = await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ validity: { type: 'fixed', from: day, to: '9999-12-31' } }));
        expect({ day, from }).toMatchObject({ day, from: { ok: false, code: 'VALIDATION_FAILED' } });
        expect({ day, makeUp: await api('o-c8', 'checkin', 'makeUp', { day }) }).toMatchObject({ day, makeUp: { ok: false, code: 'VALIDATION_FAILED' } });
      }
      expect(cloud.store.scan('coupon_templates')).toHaveLength(before);
      const leap = await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ validity: { type: 'fixed', from: '2028-02-01', to: '2028-02-29' } }));
      expect(leap).toMatchObject({ ok: true });
    });
  });

  const docs = (coll: string) => cloud.store.scan(coll).map((r) => r.doc as Any);
  const address = { name: '林小姐', phone: '13912345678', region: '上海市静安区', detail: '南京西路 1788 号' };
  /** A member with `points` to spend (the merchant's adjustment): the member id. */
  async function memberWithPoints(openid: string, points: number, join: Record<string, unknown> = {}): Promise<string> {
    const { memberId } = await ok(openid, 'member', 'join', { agree: true, ...join });
    await ok('o-boss', 'points', 'adjustPoints', { memberId, delta: points, requestId: `adj-${openid}`.padEnd(8, '0'), reason: '测试积分' });
    return memberId as string;
  }

  describe('2. erasure covers every collection that holds personal data (docs/privacy.md)', () => {
    it('docs/privacy.md names every collection and what erasure does to it', () => {
      const text = fs.readFileSync(path.join(__dirname, '../../docs/privacy.md'), 'utf8');
      const missing = Object.keys(collectionSchemas).filter((c) => !text.includes(`\`${c}\``));
      expect(missing).toEqual([]);
    });

    it('deleteAccount scrubs the member, the mall address, credits, check-ins and habits, collection by collection', async () => {
      const who = 'o-er2';
      const memberId = await memberWithPoints(who, 1000, { phoneCode: 'code-er2' });
      await ok(who, 'member', 'setBirthday', { month: 6, day: 18 });
      const { itemId } = await ok('o-boss', 'mall', 'createItem', {
        kind: 'physical',
        title: '马克杯',
        pointsPrice: 100,
        stock: 5,
        perMemberLimit: 2,
        category: '周边',
      });
      const { orderId } = await ok(who, 'mall', 'redeem', { itemId, requestId: 'er2-mall-1', address });
      await ok(who, 'checkin', 'checkIn');
      await ok(who, 'checkin', 'setReminder', { enabled: true });
      await ok('o-boss', 'marketing', 'registerTemplate', {
        templateId: 'LOCAL_TPL_POINTS_EXPIRING',
        title: '积分到期提醒',
        purpose: 'points_expiry',
        fields: [
          { key: 'number1', label: '积分' },
          { key: 'date2', label: '到期' },
          { key: 'thing3', label: '说明' },
        ],
      });
      await ok(who, 'member', 'recordSubscriptions', { accepted: ['LOCAL_TPL_POINTS_EXPIRING'] });
      await ok('o-boss', 'crm', 'noteMember', { memberId, text: '喜欢燕麦拿铁，周末常来', requestId: 'er2-note-1' });
      const now = new Date();
      cloud.store.insert('member_lifecycle', { _id: memberId, memberId, stage: 'at_risk', since: now, episodeLastAt: now, couponIds: [], updatedAt: now });
      cloud.store.insert('purchase_cycles', { _id: memberId, memberId, categories: [], remindOn: null, updatedAt: now });
      const mine = (coll: string) => docs(coll).filter((d) => d.memberId === memberId);
      // everything is there before
      expect(mine('mall_orders')[0].address).toMatchObject({ cipher: expect.any(String) });
      for (const coll of ['subscribe_credits', 'checkin_state', 'checkin_months', 'member_lifecycle', 'purchase_cycles', 'phone_claims', 'crm_notes'])
        expect({ coll, n: mine(coll).length }).toEqual({ coll, n: 1 });

      await ok(who, 'member', 'deleteAccount', { confirm: 'DELETE' });

      const member = docs('members').find((d) => d._id === memberId);
      expect(member).toMatchObject({ openid: `deleted:${memberId}`, nickname: '已注销会员', avatarUrl: '' });
      for (const field of ['phone', 'gender', 'birthday', 'birthdayMD', 'birthdayChangedAt', 'privacy', 'terms'])
        expect({ field, value: member[field] }).toEqual({ field, value: undefined });
      // mall_orders: kept for the books, without the address; the merchant's list shows none
      expect(mine('mall_orders')).toEqual([expect.objectContaining({ _id: orderId, address: null })]);
      const listed = (await ok('o-boss', 'mall', 'listOrders', {})).orders.find((o: Any) => o.orderId === orderId);
      expect(listed).toMatchObject({ address: null, addressMasked: null });
      expect(JSON.stringify(listed)).not.toMatch(/林|13912345678|南京西路/);
      for (const coll of ['subscribe_credits', 'checkin_state', 'checkin_months', 'member_lifecycle', 'purchase_cycles', 'phone_claims', 'crm_notes'])
        expect({ coll, left: mine(coll) }).toEqual({ coll, left: [] });
    });
  });

  describe('3. nothing is issued to a member whose erasure has begun', () => {
    it('coupon claims and mall redemptions racing deleteAccount leave no usable coupon', async () => {
      const who = 'o-er3';
      const memberId = await memberWithPoints(who, 100_000);
      const { templateId } = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ stock: 500, perMemberLimit: 100 }));
      const { itemId } = await ok('o-boss', 'mall', 'createItem', {
        kind: 'coupon',
        title: '满100减20券',
        pointsPrice: 10,
        stock: 100,
        perMemberLimit: 100,
        category: '券',
        couponTemplateId: templateId,
      });
      const claims = Array.from({ length: 24 }, (_, i) => api(who, 'coupon', 'claim', { templateId, requestId: `er3-claim-${i}` }));
      const redemptions = Array.from({ length: 12 }, (_, i) => api(who, 'mall', 'redeem', { itemId, requestId: `er3-mall-${i}` }));
      const erasure = (async () => {
        await backOff(cloud, 15); // starts while the claims are on their way
        return api(who, 'member', 'deleteAccount', { confirm: 'DELETE' });
      })();
      const answers = await Promise.all([...claims, ...redemptions, erasure]);
      expect(answers.at(-1)).toMatchObject({ ok: true });
      expect(answers.filter((a) => !a.ok && !['MEMBER_NOT_FOUND', 'NOT_A_MEMBER'].includes(a.code))).toEqual([]);
      const coupons = docs('coupons').filter((c) => c.memberId === memberId);
      expect(coupons.filter((c) => c.status === 'unused')).toEqual([]);
      // issued ≤ stock still holds
      const template = docs('coupon_templates').find((t) => t._id === templateId);
      expect(template.issued).toBe(coupons.length);
    });

    it('an issue after erasure began is refused inside the transaction (MEMBER_NOT_FOUND), the grant reports it', async () => {
      const memberId = await memberWithPoints('o-er3b', 10);
      const { templateId } = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ stock: 10 }));
      // the erasure marked begun but not finished (a deleteAccount still running)
      cloud.store.replace('members', { ...(cloud.store.get('members', memberId)!.doc as Any), erasureBegunAt: new Date() });
      const granted = await ok('o-boss', 'coupon', 'grant', { templateId, memberIds: [memberId], requestId: 'er3b-grant-1' });
      expect(granted).toMatchObject({ issued: 0, results: [{ memberId, couponId: null, code: 'MEMBER_NOT_FOUND' }] });
      expect(await api('o-er3b', 'coupon', 'claim', { templateId, requestId: 'er3b-claim-1' })).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
      expect(docs('coupons').filter((c) => c.memberId === memberId)).toEqual([]);
    });
  });

  describe('7. settings that point at a coupon template nothing can issue', () => {
    async function saveBirthdayGift(couponTemplateId: string | null) {
      const { version, settings } = await ok('o-boss', 'marketing', 'getSettings');
      return api('o-boss', 'marketing', 'updateSettings', {
        expectedVersion: version,
        settings: { ...settings, birthday: { ...settings.birthday, enabled: true, couponTemplateId } },
      });
    }
    async function saveRecall(over: Record<string, unknown>) {
      const { version, settings } = await ok('o-boss', 'marketing', 'getLifecycleSettings');
      return api('o-boss', 'marketing', 'updateLifecycleSettings', {
        expectedVersion: version,
        settings: { ...settings, dormancy: { ...settings.dormancy, enabled: true, ...over } },
      });
    }

    it('refuses a birthday gift or a dormancy coupon that does not exist, is paused or lacks the channel (COUPON_TEMPLATE_NOT_ISSUABLE)', async () => {
      const { templateId: noChannel } = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ channels: ['claim_center'] }));
      const paused = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ channels: ['birthday', 'campaign'] }));
      const { action: _a, ...terms } = cashTemplateInput({ channels: ['birthday', 'campaign'] });
      await ok('o-boss', 'coupon', 'updateTemplate', { templateId: paused.templateId, expectedVersion: paused.version, status: 'paused', ...terms });
      const { templateId: good } = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ channels: ['birthday', 'campaign'] }));
      const refused = { ok: false, code: 'COUPON_TEMPLATE_NOT_ISSUABLE' };
      for (const [id, problem] of [
        ['tpl-does-not-exist', 'missing'],
        [paused.templateId, 'paused'],
        [noChannel, 'channel'],
      ]) {
        expect({ id, birthday: await saveBirthdayGift(id) }).toMatchObject({ id, birthday: refused });
        expect({ id, recall: await saveRecall({ recallCouponTemplateId: id }) }).toMatchObject({ id, recall: refused });
        expect({ id, warning: await saveRecall({ warningCouponTemplateId: id }) }).toMatchObject({ id, warning: refused });
        expect({ id, message: ((await saveBirthdayGift(id)) as Any).message }).toEqual({
          id,
          message: `生日礼券：${ISSUE_PROBLEM_TEXT[problem as IssueProblem]}`,
        });
      }
      expect((await ok('o-boss', 'marketing', 'getSettings')).settings.birthday.couponTemplateId).toBeNull();
      expect(await saveBirthdayGift(good)).toMatchObject({ ok: true });
      expect(await saveRecall({ warningCouponTemplateId: good, recallCouponTemplateId: good })).toMatchObject({ ok: true });
      // the gift off: nothing to check
      await saveBirthdayGift(null);
      await saveRecall({ warningCouponTemplateId: null, recallCouponTemplateId: null });
    });

    it('a birthday run whose gift was paused after the save records why it issued nothing', async () => {
      const created = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ channels: ['birthday'] }));
      expect(await saveBirthdayGift(created.templateId)).toMatchObject({ ok: true });
      const { action: _a, ...terms } = cashTemplateInput({ channels: ['birthday'] });
      await ok('o-boss', 'coupon', 'updateTemplate', { templateId: created.templateId, expectedVersion: created.version, status: 'paused', ...terms });
      setClock('2026-06-15T09:00:00+08:00');
      const memberId = (await ok('o-bd7', 'member', 'join', { agree: true })).memberId;
      await ok('o-bd7', 'member', 'setBirthday', { month: 6, day: 18 });
      const run = await control('o-boss', 'POST', '/api/jobs/birthday/run');
      expect(run).toMatchObject({ status: 200, json: { ok: true, data: { status: 'done', counters: { issued: 0, notIssued: 1, couponProblem: 'paused' } } } });
      expect(docs('coupons').filter((c) => c.memberId === memberId)).toEqual([]);
      await saveBirthdayGift(null);
    });
  });

  describe('9. subscribe credits count one per template per report, capped per template', () => {
    it('a template repeated in one call counts once; more ids than one request can hold are refused; credits stop at the cap', async () => {
      const who = 'o-sub9';
      const memberId = (await ok(who, 'member', 'join', { agree: true })).memberId;
      await ok('o-boss', 'marketing', 'registerTemplate', {
        templateId: 'LOCAL_TPL_POINTS_CHANGED',
        title: '积分变动提醒',
        purpose: 'campaign',
        fields: [
          { key: 'thing1', label: '原因' },
          { key: 'number2', label: '变动' },
        ],
      });
      const tpl = 'LOCAL_TPL_POINTS_CHANGED';
      expect(await ok(who, 'member', 'recordSubscriptions', { accepted: [tpl, tpl, tpl] })).toMatchObject({ recorded: [{ templateId: tpl, credits: 1 }] });
      expect(await api(who, 'member', 'recordSubscriptions', { accepted: Array(10).fill(tpl) })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      const credit = () => docs('subscribe_credits').find((d) => d.memberId === memberId && d.templateId === tpl);
      expect(credit()).toMatchObject({ credits: 1 });
      for (let i = 0; i < SUBSCRIBE_CREDIT_CAP + 5; i += 1) await ok(who, 'member', 'recordSubscriptions', { accepted: [tpl] });
      expect(credit()).toMatchObject({ credits: SUBSCRIBE_CREDIT_CAP });
    });
  });

  describe('6. coupon inspect by staff is an identification: logged', () => {
    it('writes an access_log entry naming the clerk, the store, the member and how (coupon)', async () => {
      const who = 'o-insp6';
      const memberId = (await ok(who, 'member', 'join', { agree: true })).memberId;
      const { templateId } = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput());
      const { couponId } = await ok(who, 'coupon', 'claim', { templateId, requestId: 'insp6-claim-1' });
      const { code } = await ok(who, 'coupon', 'getCode', { couponId });
      const logged = () => docs('access_log').filter((e) => e.memberId === memberId);
      expect(logged()).toEqual([]);
      const seen = await ok('o-clerk', 'coupon', 'inspect', { code });
      expect(seen).toMatchObject({ member: { memberId } });
      expect(logged()).toEqual([
        expect.objectContaining({ by: 'coupon', actor: expect.objectContaining({ openid: 'o-clerk', role: 'staff', storeId: 'store-a' }) }),
      ]);
      // the member reads it in their own access log
      const mine = await ok(who, 'member', 'exportMyData');
      expect(mine.accessLog).toEqual([expect.objectContaining({ by: 'coupon', staff: '店员', storeId: 'store-a' })]);
    });
  });

  describe('11. check-in after the clock moved back', () => {
    it('answers CLOCK_MOVED_BACK, writes nothing, and checks in again once the clock is past the last day', async () => {
      const who = 'o-ck11';
      const memberId = (await ok(who, 'member', 'join', { agree: true })).memberId;
      setClock('2026-07-10T10:00:00+08:00');
      expect(await ok(who, 'checkin', 'checkIn')).toMatchObject({ day: '2026-07-10', already: false });
      const before = JSON.stringify([docs('ledger').filter((e) => e.memberId === memberId), docs('checkin_state').filter((e) => e.memberId === memberId)]);
      setClock('2026-07-08T10:00:00+08:00');
      expect(await api(who, 'checkin', 'checkIn')).toMatchObject({ ok: false, code: 'CLOCK_MOVED_BACK' });
      expect(JSON.stringify([docs('ledger').filter((e) => e.memberId === memberId), docs('checkin_state').filter((e) => e.memberId === memberId)])).toBe(
        before,
      );
      setClock('2026-07-11T10:00:00+08:00');
      expect(await ok(who, 'checkin', 'checkIn')).toMatchObject({ day: '2026-07-11', streak: 2 });
    });
  });

  describe('12. smaller edges', () => {
    const mug = { kind: 'physical', title: '马克杯', pointsPrice: 100, stock: 5, perMemberLimit: 1, category: '周边' };

    it('mall images: only https:// or cloud://, never javascript: or data:', async () => {
      for (const url of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'http://example.com/a.png', 'JAVASCRIPT://x%0aalert(1)']) {
        expect({ url, r: await api('o-boss', 'mall', 'createItem', { ...mug, images: [url] }) }).toMatchObject({
          url,
          r: { ok: false, code: 'VALIDATION_FAILED' },
        });
      }
      // A cloud file must be in storage and a picture (issue 26 item 7: tests/integration/mall-images.test.ts).
      const fileId = cloud.storage.upload('mall/mug.png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
      expect(await api('o-boss', 'mall', 'createItem', { ...mug, images: ['https://img.example.com/mug.png', fileId] })).toMatchObject({ ok: true });
    });

    it('restock cannot take the stock past the cap create enforces', async () => {
      const { itemId } = await ok('o-boss', 'mall', 'createItem', { ...mug, stock: 9_999_000 });
      expect(await api('o-boss', 'mall', 'restock', { itemId, quantity: 1_000_000 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
      expect(docs('mall_items').find((i) => i._id === itemId).stock).toBe(9_999_000);
      expect(await ok('o-boss', 'mall', 'restock', { itemId, quantity: 1000 })).toMatchObject({ stock: 10_000_000 });
      expect(await api('o-boss', 'mall', 'restock', { itemId, quantity: 1 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    });

    it('a coupon template for a store that does not exist is refused (STORE_NOT_FOUND)', async () => {
      expect(await api('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ storeIds: ['store-a', 'store-ghost'] }))).toMatchObject({
        ok: false,
        code: 'STORE_NOT_FOUND',
      });
      const created = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput({ storeIds: ['store-a'] }));
      const { action: _a, ...terms } = cashTemplateInput({ storeIds: ['store-nowhere'] });
      expect(await api('o-boss', 'coupon', 'updateTemplate', { templateId: created.templateId, expectedVersion: 1, ...terms })).toMatchObject({
        ok: false,
        code: 'STORE_NOT_FOUND',
      });
    });

    it('session cookies expire, and logout revokes the token (a kept copy is no session)', async () => {
      const res = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'consumer', openid: 'o-sess12' }),
      });
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).toMatch(new RegExp(`Max-Age=${SESSION_TTL_MS / 1000}`));
      const cookie = setCookie.split(';')[0];
      const session = async () => ((await (await fetch(`${base}/api/session`, { headers: { cookie } })).json()) as Any).data;
      expect(await session()).toEqual({ role: 'consumer', openid: 'o-sess12' });
      await fetch(`${base}/api/logout`, { method: 'POST', headers: { cookie } });
      expect(await session()).toBeNull();
      const call = await fetch(`${base}/api/fn/member`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: '{"action":"getCard"}',
      });
      expect(call.status).toBe(401);
      // expiry, on real time (the signer's clock injected)
      let t = Date.UTC(2026, 0, 1);
      const signer = new SessionSigner(Buffer.from('k'), () => t);
      const token = signer.sign({ role: 'staff', openid: 'o-s' });
      expect(signer.fromCookieHeader(`${SESSION_COOKIE}=${token}`)).toEqual({ role: 'staff', openid: 'o-s' });
      t += SESSION_TTL_MS - 1;
      expect(signer.verify(token)).not.toBeNull();
      t += 2;
      expect(signer.verify(token)).toBeNull();
      expect(signer.fromCookieHeader(`${SESSION_COOKIE}=${token}`)).toBeNull();
    });

    it('an inviter is rewarded for at most REWARDED_INVITATIONS_PER_DAY invitations a business day', async () => {
      setClock('2026-08-03T10:00:00+08:00');
      const inviterId = (await ok('o-inv12', 'member', 'join', { agree: true })).memberId;
      const { token } = await ok('o-inv12', 'member', 'getInvite');
      const rewards = () => docs('ledger').filter((e) => e.memberId === inviterId && String(e._id).startsWith('referral:'));
      const answers = [];
      for (let i = 0; i < REWARDED_INVITATIONS_PER_DAY + 3; i += 1)
        answers.push((await ok(`o-fresh12-${i}`, 'member', 'join', { agree: true, invite: token })).invite);
      expect(rewards()).toHaveLength(REWARDED_INVITATIONS_PER_DAY);
      expect(answers.slice(REWARDED_INVITATIONS_PER_DAY).every((a) => JSON.stringify(a).includes('daily_cap'))).toBe(true);
      // the next business day counts afresh
      setClock('2026-08-04T10:00:00+08:00');
      await ok('o-fresh12-next', 'member', 'join', { agree: true, invite: (await ok('o-inv12', 'member', 'getInvite')).token });
      expect(rewards()).toHaveLength(REWARDED_INVITATIONS_PER_DAY + 1);
    });

    it('a clerk who enters WRONG_CODE_LIMIT wrong coupon codes is refused (TOO_MANY_ATTEMPTS), right codes included, until the window ends', async () => {
      setClock('2026-09-01T10:00:00+08:00');
      cloud.store.insert('roles', { _id: 'o-clerk-rl', openid: 'o-clerk-rl', role: 'staff', name: '店员乙', storeId: 'store-a' });
      const who = 'o-rl12';
      await ok(who, 'member', 'join', { agree: true });
      const { templateId } = await ok('o-boss', 'coupon', 'createTemplate', cashTemplateInput());
      const { couponId } = await ok(who, 'coupon', 'claim', { templateId, requestId: 'rl12-claim-1' });
      const wrong = (i: number) => `${String(100000000000 + i)}00${'1234567890'}`;
      const answers = [];
      for (let i = 0; i < WRONG_CODE_LIMIT + 5; i += 1) answers.push((await api('o-clerk-rl', 'coupon', 'inspect', { code: wrong(i) })) as Any);
      expect(answers.slice(0, WRONG_CODE_LIMIT).every((a) => a.code === 'COUPON_CODE_INVALID')).toBe(true);
      expect(answers.slice(WRONG_CODE_LIMIT).every((a) => a.code === 'TOO_MANY_ATTEMPTS')).toBe(true);
      const { code } = await ok(who, 'coupon', 'getCode', { couponId });
      expect(await api('o-clerk-rl', 'coupon', 'verify', { code })).toMatchObject({ ok: false, code: 'TOO_MANY_ATTEMPTS' });
      // another clerk is not held up; the window over, this one may try again
      expect(await api('o-clerk', 'coupon', 'inspect', { code })).toMatchObject({ ok: true });
      setClock('2026-09-01T10:11:00+08:00');
      const fresh = (await ok(who, 'coupon', 'getCode', { couponId })).code;
      expect(await api('o-clerk-rl', 'coupon', 'verify', { code: fresh })).toMatchObject({ ok: true });
    });

    it('merchant-only actions authorize before they validate: a consumer learns FORBIDDEN, not the fields', async () => {
      await ok('o-shape12', 'member', 'join', { agree: true });
      const probes: [string, string, Record<string, unknown>][] = [
        ['coupon', 'createTemplate', { title: 1 }],
        ['coupon', 'grant', {}],
        ['mall', 'createItem', { kind: 'nope' }],
        ['mall', 'restock', { quantity: -1 }],
        ['marketing', 'updateSettings', { settings: 'x' }],
        ['marketing', 'registerTemplate', {}],
      ];
      for (const [fn, action, input] of probes) {
        const r = (await api('o-shape12', fn, action, input)) as Any;
        expect({ fn, action, code: r.code, details: r.details ?? null }).toEqual({ fn, action, code: 'FORBIDDEN', details: null });
      }
      // the merchant still gets the fields
      expect(await api('o-boss', 'coupon', 'createTemplate', { title: 1 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    });

    it('one price over every cap is answered with one cap, the tightest', () => {
      installChineseErrors();
      const parsed = orderItemSchema.safeParse({ sku: 'A1', category: '饮品', priceFen: 10 ** 13, quantity: 1 });
      expect(parsed.success).toBe(false);
      const text = describeIssues(parsed.error!);
      expect(text.match(/不能超过/g)).toHaveLength(1);
      expect(text).toContain('¥10000000.00');
    });
  });
});
