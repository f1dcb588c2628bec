import { closeTestCloud, openTestCloud } from '../support/local-cloud';
import { couponFixture, orderFixture } from '../support/fixtures';
import { issueMemberCode } from '../../cloudfunctions/_lib/members/member-code';
import { DEPARTURE_RETENTION_DAYS, PRIVACY_POLICY_VERSION } from '../../shared/rules/profile';
import { DEFAULT_TIER_CONFIG } from '../../shared/rules/tiers';
import type { Result } from '../../shared/envelope';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Only Date is faked: timers, the database and the SDK run for real. */
function fakeClock(now: Date) {
  jest.useFakeTimers({
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}
const DAY = 24 * 3600 * 1000;

describe('member profile, privacy, member code, tiers and my data', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  const call = async <T = Any>(data: Record<string, unknown>, openid?: string) => (await cloud.invoke('member', data, openid ? { openid } : {})) as Result<T>;
  const okData = async <T = Any>(data: Record<string, unknown>, openid?: string): Promise<T> => {
    const res = await call<T>(data, openid);
    if (!res.ok) throw new Error(`${String(data.action)} failed: ${res.code} ${res.message}`);
    return res.data;
  };
  const memberDoc = (memberId: string) => cloud.store.get('members', memberId)?.doc as Any;

  beforeEach(() => {
    cloud = openTestCloud();
    cloud.store.insert('roles', { _id: 'o-staff', openid: 'o-staff', role: 'staff', name: '店员 小吴', storeId: 'store-1' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '店主 老周' });
  });
  afterEach(() => {
    jest.useRealTimers();
    closeTestCloud(cloud);
  });

  it('sets profile fields, the birthday once a year (month-day indexed), and never the birthday twice within 365 days', async () => {
    const t0 = new Date('2026-03-01T02:00:00Z');
    fakeClock(t0);
    const card = await okData({ action: 'join', agree: true }, 'o-ann');
    // Consent is given at 开卡: a new member has accepted the current policy and is told of no "update".
    expect(card.privacy).toEqual({ currentVersion: PRIVACY_POLICY_VERSION, acceptedVersion: PRIVACY_POLICY_VERSION, accepted: true, changes: [] });
    const profile = await okData({ action: 'updateProfile', nickname: '安安', gender: 'female', avatarUrl: 'https://example.com/a.png' }, 'o-ann');
    expect(profile).toMatchObject({ nickname: '安安', gender: 'female', birthday: null, birthdayChangeableAt: null });
    expect(await call({ action: 'updateProfile', nickname: '' }, 'o-ann')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });

    expect(await call({ action: 'setBirthday', month: 2, day: 30 }, 'o-ann')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await call({ action: 'setBirthday', month: 2, day: 29, year: 2001 }, 'o-ann')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const set = await okData({ action: 'setBirthday', month: 2, day: 29 }, 'o-ann');
    expect(set.birthday).toEqual({ month: 2, day: 29 });
    expect(memberDoc(card.memberId)).toMatchObject({ birthdayMD: '02-29', nickname: '安安', gender: 'female' });
    // Same value again: fine, no change recorded.
    expect((await call({ action: 'setBirthday', month: 2, day: 29 }, 'o-ann')).ok).toBe(true);
    fakeClock(new Date(t0.getTime() + 364 * DAY));
    const again = await call({ action: 'setBirthday', month: 3, day: 1, year: 1990 }, 'o-ann');
    expect(again).toMatchObject({ ok: false, code: 'BIRTHDAY_CHANGE_TOO_SOON' });
    fakeClock(new Date(t0.getTime() + 365 * DAY));
    const later = await okData({ action: 'setBirthday', month: 3, day: 1, year: 1990 }, 'o-ann');
    expect(later.birthday).toEqual({ month: 3, day: 1, year: 1990 });
    expect(memberDoc(card.memberId).birthdayMD).toBe('03-01');
    // the birthday-coupon job's query: by the indexed month-day
    expect(cloud.store.scanByField('members', 'birthdayMD', '03-01').map((s) => s.doc._id)).toEqual([card.memberId]);

    expect(await call({ action: 'acceptPrivacy', version: '1999-01-01' }, 'o-ann')).toMatchObject({ ok: false, code: 'PRIVACY_VERSION_OUTDATED' });
    await okData({ action: 'acceptPrivacy', version: PRIVACY_POLICY_VERSION }, 'o-ann');
    expect((await okData({ action: 'getCard' }, 'o-ann')).privacy.accepted).toBe(true);
  });

  it('stores the phone number encrypted, hashed and masked: no 11-digit number anywhere in the document', async () => {
    const card = await okData({ action: 'join', agree: true }, 'o-pat');
    expect(await call({ action: 'bindPhone', code: 'invalid' }, 'o-pat')).toMatchObject({ ok: false, code: 'PHONE_CODE_INVALID' });
    const bound = await okData<{ phoneMasked: string }>({ action: 'bindPhone', code: 'code-from-the-button' }, 'o-pat');
    expect(bound.phoneMasked).toMatch(/^138\*{4}\d{4}$/);
    const stored = JSON.stringify(memberDoc(card.memberId));
    // No mainland mobile number (11 digits from 1) standing on its own; the 12-digit card number and hex hash are not one.
    expect(stored).not.toMatch(/(?<![0-9a-f])1\d{10}(?![0-9a-f])/);
    expect(memberDoc(card.memberId).phone).toEqual({
      cipher: expect.stringMatching(/^v1:/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      masked: bound.phoneMasked,
    });
    // The member sees the number; the card and staff see it masked.
    const profile = await okData({ action: 'getProfile' }, 'o-pat');
    expect(profile.phone).toMatch(/^138\d{8}$/);
    expect(profile.phone.slice(-4)).toBe(bound.phoneMasked.slice(-4));
    expect(stored).not.toContain(profile.phone);
    expect((await okData({ action: 'join', agree: true }, 'o-pat')).phoneMasked).toBe(bound.phoneMasked);
    const code = await okData({ action: 'getMemberCode' }, 'o-pat');
    const seen = await okData({ action: 'identifyByCode', code: code.code }, 'o-staff');
    expect(seen).toMatchObject({ memberId: card.memberId, phoneMasked: bound.phoneMasked });
    expect(JSON.stringify(seen)).not.toContain(profile.phone);

    // At the counter without the card: the number finds the member (written any usual way), masked.
    const spaced = `+86 ${profile.phone.slice(0, 3)} ${profile.phone.slice(3, 7)} ${profile.phone.slice(7)}`;
    for (const phone of [profile.phone, spaced]) expect(await okData({ action: 'identifyByPhone', phone }, 'o-staff')).toEqual(seen);
    expect(await call({ action: 'identifyByPhone', phone: profile.phone }, 'o-pat')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await call({ action: 'identifyByPhone', phone: '13700000001' }, 'o-staff')).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
    expect(await call({ action: 'identifyByPhone', phone: '1234' }, 'o-staff')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });

    // Every disclosure is logged (who, how, when); a miss discloses nothing and logs nothing.
    const staffActor = { openid: 'o-staff', role: 'staff', name: '店员 小吴', storeId: 'store-1' };
    const log = await okData<{ entries: { memberId: string; by: string; actor: object; at: string }[] }>(
      { action: 'listAccessLog', memberId: card.memberId },
      'o-boss',
    );
    expect(log.entries.map((e) => e.by).sort()).toEqual(['member_code', 'phone', 'phone']);
    expect(
      log.entries.every((e) => e.memberId === card.memberId && JSON.stringify(e.actor) === JSON.stringify(staffActor) && !Number.isNaN(Date.parse(e.at))),
    ).toBe(true);
    expect((await okData<{ entries: unknown[] }>({ action: 'listAccessLog' }, 'o-boss')).entries).toHaveLength(3);
    for (const who of ['o-staff', 'o-pat']) expect(await call({ action: 'listAccessLog' }, who)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // ...and the member sees it in their export: which staff, where, how, when.
    const exported = await okData<{ accessLog: { staff: string; storeId: string; by: string }[] }>({ action: 'exportMyData' }, 'o-pat');
    expect(exported.accessLog).toHaveLength(3);
    expect(exported.accessLog[0]).toMatchObject({ staff: '店员 小吴', storeId: 'store-1' });
    expect(JSON.stringify(exported.accessLog)).not.toContain('o-staff');
  });

  it('issues a dynamic code that staff can scan, that changes after 60 s and is refused once expired', async () => {
    const t0 = new Date('2026-05-05T06:00:10Z');
    fakeClock(t0);
    const card = await okData({ action: 'join', agree: true }, 'o-kim');
    const first = await okData({ action: 'getMemberCode' }, 'o-kim');
    expect(first.periodMs).toBe(60_000);
    expect(await okData({ action: 'identifyByCode', code: first.code }, 'o-staff')).toMatchObject({ memberId: card.memberId, tier: { name: '普通会员' } });
    expect(await okData({ action: 'identifyByCode', code: first.numeric }, 'o-boss')).toMatchObject({ memberId: card.memberId });
    // consumers cannot identify others
    expect(await call({ action: 'identifyByCode', code: first.code }, 'o-kim')).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    fakeClock(new Date(t0.getTime() + 60_000));
    const second = await okData({ action: 'getMemberCode' }, 'o-kim');
    expect(second.code).not.toBe(first.code);
    expect((await call({ action: 'identifyByCode', code: first.code }, 'o-staff')).ok).toBe(true); // previous window still accepted

    fakeClock(new Date(t0.getTime() + 120_000));
    expect(await call({ action: 'identifyByCode', code: first.code }, 'o-staff')).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' });
    expect(await call({ action: 'identifyByCode', code: first.numeric }, 'o-staff')).toMatchObject({ ok: false, code: 'MEMBER_CODE_EXPIRED' });
    const forged = issueMemberCode(card.memberId, new Date(t0.getTime() + 120_000)).code.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect(await call({ action: 'identifyByCode', code: forged }, 'o-staff')).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' });
    expect(await call({ action: 'identifyByCode', code: 'm1.x.1.y' }, 'o-staff')).toMatchObject({ ok: false, code: 'MEMBER_CODE_INVALID' });
  });

  it('lets only the merchant change tier settings, validated and versioned with history', async () => {
    expect(await call({ action: 'getTierConfig' }, 'o-staff')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const initial = await okData({ action: 'getTierConfig' }, 'o-boss');
    expect(initial.config.version).toBe(1);
    const settings = {
      basis: 'cumulative',
      growthPerYuan: 1,
      graceDays: 15,
      tiers: DEFAULT_TIER_CONFIG.tiers.map((t) => (t.id === 'silver' ? { ...t, threshold: 800 } : t)),
    };
    const bad = await call(
      { action: 'updateTierConfig', settings: { ...settings, tiers: [{ ...settings.tiers[0], threshold: 5 }, ...settings.tiers.slice(1)] } },
      'o-boss',
    );
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await call({ action: 'updateTierConfig', expectedVersion: 1, settings }, 'o-staff')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // expectedVersion is required, as for the earning rules (one versioned-settings policy)
    expect(await call({ action: 'updateTierConfig', settings }, 'o-boss')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const saved = await okData({ action: 'updateTierConfig', expectedVersion: 1, settings }, 'o-boss');
    expect(saved.version).toBe(2);
    expect(await call({ action: 'updateTierConfig', expectedVersion: 1, settings }, 'o-boss')).toMatchObject({
      ok: false,
      code: 'TIER_CONFIG_VERSION_CONFLICT',
    });
    const after = await okData({ action: 'getTierConfig' }, 'o-boss');
    expect(after.config).toMatchObject({ version: 2, basis: 'cumulative', graceDays: 15 });
    expect(after.history.map((h: Any) => h.version)).toEqual([2, 1]);
  });

  it('reviews tiers monthly from the last 12 months of orders: grace first, then one level down; idempotent per period', async () => {
    const t0 = new Date('2026-01-01T19:00:00Z'); // 03:00 on 2 Jan in Shanghai
    fakeClock(t0);
    const card = await okData({ action: 'join', agree: true }, 'o-gus');
    // A gold member whose spending in the last 12 months is ¥1,200 (the rest is older).
    cloud.store.replace('members', { ...memberDoc(card.memberId), _id: card.memberId, tierId: 'gold', growth: 6200 });
    cloud.store.insert(
      'orders',
      orderFixture({
        _id: 'o1',
        memberId: card.memberId,
        storeId: 's',
        receiptNo: 'R1',
        amountFen: 120000,
        paidAt: new Date(t0.getTime() - 30 * DAY),
      }),
    );
    cloud.store.insert(
      'orders',
      orderFixture({
        _id: 'o2',
        memberId: card.memberId,
        storeId: 's',
        receiptNo: 'R2',
        amountFen: 500000,
        paidAt: new Date(t0.getTime() - 400 * DAY),
      }),
    );

    // the scheduler's daily tier-review job (its report: the occurrence's counters)
    const run1 = (await cloud.runJob('tier-review')) as Result<Any>;
    expect(run1).toMatchObject({
      ok: true,
      data: { status: 'done', processed: 1, counters: { period: '2026-01', reviewed: 1, graceStarted: 1, downgraded: 0 } },
    });
    expect(memberDoc(card.memberId)).toMatchObject({ tierId: 'gold', growth: 1200, lastReviewPeriod: '2026-01' });
    const run1b = (await cloud.runJob('tier-review')) as Result<Any>;
    expect(run1b).toMatchObject({ ok: true, data: { status: 'done', processed: 1, counters: { reviewed: 1 } } });
    expect(cloud.store.scan('tier_changes')).toHaveLength(1);
    // consumers cannot run the review
    expect(await cloud.invoke('scheduler', { action: 'runJob', job: 'tier-review' }, { openid: 'o-gus' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    fakeClock(new Date(t0.getTime() + 31 * DAY));
    const run2 = (await cloud.runJob('tier-review')) as Result<Any>;
    expect(run2).toMatchObject({ ok: true, data: { counters: { period: '2026-02', downgraded: 1 } } });
    expect(memberDoc(card.memberId)).toMatchObject({ tierId: 'silver' });
    const shown = await okData({ action: 'join', agree: true }, 'o-gus');
    expect(shown.tier.name).toBe('银卡会员');
    expect(shown.tierChanges.map((c: Any) => c.kind)).toEqual(['downgrade', 'grace']);
    expect(shown.tierChanges[0].reason).toContain('保级期结束');
    expect(cloud.store.scan('tier_changes')).toHaveLength(2);
  });

  it('exports everything held about the member, then deletes the account with balanced books', async () => {
    const card = await okData({ action: 'join', agree: true }, 'o-del');
    await okData({ action: 'bindPhone', code: 'abc' }, 'o-del');
    await okData({ action: 'setBirthday', month: 7, day: 14, year: 1995 }, 'o-del');
    await okData({ action: 'acceptPrivacy', version: PRIVACY_POLICY_VERSION }, 'o-del');
    const adjust = (await cloud.invoke(
      'points',
      { action: 'adjustPoints', memberId: card.memberId, delta: 300, requestId: 'adj-00000001', reason: '测试赠送积分' },
      { openid: 'o-boss' },
    )) as Result<Any>;
    expect(adjust.ok).toBe(true);
    cloud.store.insert('coupons', couponFixture({ _id: 'cp-1', memberId: card.memberId, templateId: 'tpl', status: 'unused', issuedAt: new Date() }));
    cloud.store.insert('coupons', couponFixture({ _id: 'cp-2', memberId: card.memberId, templateId: 'tpl', status: 'used', issuedAt: new Date() }));
    cloud.store.insert('orders', orderFixture({ _id: 'od-1', memberId: card.memberId, storeId: 's', receiptNo: 'RX', amountFen: 3200, paidAt: new Date() }));

    const exported = await okData({ action: 'exportMyData' }, 'o-del');
    expect(exported.member).toMatchObject({ _id: card.memberId, wechatOpenid: 'o-del', birthday: { month: 7, day: 14, year: 1995 } });
    expect(exported.member.phone).toMatch(/^138\d{8}$/);
    expect(exported.orders).toHaveLength(1);
    expect(exported.coupons).toHaveLength(2);
    expect(exported.ledger.length).toBeGreaterThanOrEqual(1);
    expect(exported.member.privacy.version).toBe(PRIVACY_POLICY_VERSION);

    expect(await call({ action: 'deleteAccount' }, 'o-del')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const held = memberDoc(card.memberId).points;
    expect(held.available).toBeGreaterThanOrEqual(300); // the adjustment, plus any registration gift
    const deleted = await okData({ action: 'deleteAccount', confirm: 'DELETE' }, 'o-del');
    expect(deleted).toMatchObject({ memberId: card.memberId, couponsVoided: 1, pointsForfeited: held.available + held.pending });
    // Deleting twice: the caller is now a stranger (a new first open would create a fresh member).
    expect(await call({ action: 'deleteAccount', confirm: 'DELETE' }, 'o-del')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
    const doc = memberDoc(card.memberId);
    expect(doc.openid).not.toBe('o-del');
    expect(doc).toMatchObject({ nickname: '已注销会员', avatarUrl: '' });
    for (const field of ['phone', 'birthday', 'birthdayMD', 'gender', 'privacy']) expect(doc[field]).toBeUndefined();
    expect(JSON.stringify(doc)).not.toContain('o-del');
    expect(cloud.store.get('coupons', 'cp-1')?.doc).toMatchObject({ status: 'void' });
    expect(cloud.store.get('coupons', 'cp-2')?.doc).toMatchObject({ status: 'used' });
    // Books: the ledger is kept under the card number and sums to the (now zero) balance.
    const entries = cloud.store
      .scan('ledger')
      .map((s) => s.doc as Any)
      .filter((e) => e.memberId === card.memberId);
    expect(entries.some((e) => e.kind === 'forfeit')).toBe(true);
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(doc.points.available);
    expect(doc.points.available).toBe(0);
    expect(entries.reduce((s, e) => s + (e.pendingDelta ?? 0), 0)).toBe(doc.points.pending);

    // The next open is not a silent re-enrolment: no card until an explicit 开卡, which makes a fresh
    // member without a second registration bonus.
    expect(await call({ action: 'getCard' }, 'o-del')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
    expect((await okData<{ departedOn: string | null }>({ action: 'joinStatus' }, 'o-del')).departedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const fresh = await okData({ action: 'join', agree: true }, 'o-del');
    expect(fresh.memberId).not.toBe(card.memberId);
    expect(fresh.isNew).toBe(true);
    expect(fresh.points.available).toBe(0);
    expect(cloud.store.scan('ledger').filter((e) => (e.doc as Any).memberId === fresh.memberId)).toHaveLength(0);
    // Only a keyed hash of the OPENID and the date are kept, and only for the retention the policy states.
    expect(JSON.stringify(cloud.store.scan('departures'))).not.toContain('o-del');
    expect(cloud.store.scan('departures')).toHaveLength(1);
    fakeClock(new Date(Date.now() + (DEPARTURE_RETENTION_DAYS + 2) * DAY));
    expect(await cloud.invoke('scheduler', { action: 'runJob', job: 'tier-review' }, { openid: 'o-boss' })).toMatchObject({ ok: true });
    expect(cloud.store.scan('departures')).toHaveLength(0);
    // Staff scanning an old screenshot of the deleted member's code: refused.
    const old = issueMemberCode(card.memberId, new Date());
    expect(await call({ action: 'identifyByCode', code: old.code }, 'o-staff')).toMatchObject({ ok: false, code: 'MEMBER_NOT_FOUND' });
  });
});
