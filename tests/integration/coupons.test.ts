import { runScheduledJob } from '../../cloudfunctions/_lib/jobs';
import { issueCouponCode } from '../../cloudfunctions/_lib/coupons/coupons';
import { realClock, setClock, shanghai } from '../support/clock';
import { closeTestCloud, invoke, openTestCloud, type TestCloud } from '../support/local-cloud';
import { describeCouponsUnderFaults, FAULTS, kit, seedStores } from '../support/coupon-faults';
import type { Any } from '../support/points-kit';
import type { Result } from '../../shared/envelope';

jest.setTimeout(120_000);

// A few dozen claims and verifications under faults; hundreds in the soak project (tests/soak/coupons.test.ts).
describeCouponsUnderFaults({ claimers: 40, stock: 10, sameMemberClaims: 10, verifications: 20 });

describe('coupon rules: authorization, codes, expiry, undo, audit, templates, new-member gift', () => {
  let cloud: TestCloud;
  const k = kit(() => cloud);
  beforeEach(() => {
    cloud = openTestCloud({ faults: FAULTS });
    seedStores(cloud);
  });
  afterEach(() => {
    realClock();
    closeTestCloud(cloud);
  });

  it('refuses a consumer, a clerk of another store, an expired coupon, a rotated-out code and a forged code; nothing changes', async () => {
    setClock(shanghai('2026-05-01 10:00'));
    const { templateId } = await k.template({ storeIds: ['store-a'], validity: { type: 'fixed', from: '2026-05-01', to: '2026-05-03' } });
    k.members(2, 3000);
    const { couponId } = await k.ok({ action: 'claim', templateId, requestId: 'claim-auth-1' }, 'o-m3000');
    const { digits, code } = await k.ok({ action: 'getCode', couponId }, 'o-m3000');
    const before = k.snapshot();

    // a consumer (even the owner) cannot verify or inspect
    expect(await k.call({ action: 'verify', code }, 'o-m3000')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await k.call({ action: 'verify', code }, 'o-m3001')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await k.call({ action: 'inspect', code }, 'o-m3001')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // a clerk of another store: not valid there; nor may a clerk name another store
    expect(await k.call({ action: 'verify', code: digits }, 'o-clerk-b')).toMatchObject({ ok: false, code: 'COUPON_NOT_VALID_HERE' });
    expect(await k.call({ action: 'verify', code: digits, storeId: 'store-a' }, 'o-clerk-b')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const seenB = await k.ok({ action: 'inspect', code: digits }, 'o-clerk-b');
    expect(seenB).toMatchObject({ refusal: { code: 'COUPON_NOT_VALID_HERE' }, coupon: { couponId, status: 'unused' }, member: { phoneMasked: '139****0000' } });
    // forged: a digit changed in the MAC, a token with another coupon id, garbage
    const forged = digits.slice(0, 20) + ((Number(digits[20]) + 1) % 10) + digits.slice(21);
    expect(await k.call({ action: 'verify', code: forged }, 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_CODE_INVALID' });
    expect(await k.call({ action: 'verify', code: code.replace(couponId, '000000000001') }, 'o-clerk')).toMatchObject({
      ok: false,
      code: 'COUPON_CODE_INVALID',
    });
    expect(await k.call({ action: 'verify', code: '1'.repeat(24) }, 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_CODE_INVALID' });
    // rotated out: the code is accepted for its own window and the next, then refused (a fake clock, no real wait)
    setClock(shanghai('2026-05-01 10:03'));
    expect(await k.call({ action: 'verify', code }, 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_CODE_EXPIRED' });
    expect(await k.call({ action: 'verify', code: digits }, 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_CODE_EXPIRED' });
    // expired coupon: after its fixed range, with a fresh code too
    setClock(shanghai('2026-05-04 00:00'));
    const late = issueCouponCode(couponId, new Date());
    expect(await k.call({ action: 'verify', code: late.digits }, 'o-clerk')).toMatchObject({ ok: false, code: 'COUPON_EXPIRED' });
    expect(await k.call({ action: 'getCode', couponId }, 'o-m3000')).toMatchObject({ ok: false, code: 'COUPON_EXPIRED' });
    // Nothing changed but the accountability records: clerk B saw the holder (inspect shows who holds
    // the coupon: one access-log entry), and the clerk's wrong codes are counted (the rate limit).
    const after = new Map(JSON.parse(k.snapshot()) as [string, { doc: Any }[]][]);
    const was = new Map(JSON.parse(before) as [string, { doc: Any }[]][]);
    const changed = [...after.keys()].filter((c) => JSON.stringify(after.get(c)) !== JSON.stringify(was.get(c)));
    expect(changed).toEqual(['access_log', 'code_attempts']);
    expect(after.get('access_log')!.map((r) => r.doc)).toEqual([
      expect.objectContaining({ memberId: '900000003000', by: 'coupon', actor: expect.objectContaining({ openid: 'o-clerk-b' }) }),
    ]);
    // three forged codes; the rotated-out and expired ones are real codes, not wrong ones
    expect(after.get('code_attempts')!.map((r) => r.doc)).toEqual([expect.objectContaining({ openid: 'o-clerk', wrong: 3 })]);
    // and it reads as expired at once, before any job ran
    expect((await k.ok({ action: 'listMine', status: 'expired' }, 'o-m3000')).coupons.map((c: Any) => c.couponId)).toEqual([couponId]);
    expect((await k.ok({ action: 'listMine', status: 'unused' }, 'o-m3000')).coupons).toEqual([]);
    expect(k.doc('coupons', couponId).status).toBe('unused');
  });

  it('undo within 10 minutes by the merchant or a store manager, never by a plain clerk; every step audited; a clerk sees their own day', async () => {
    setClock(shanghai('2026-06-01 09:00'));
    const { templateId } = await k.template({ perMemberLimit: 3 });
    k.members(1, 4000);
    const claim = async (n: number) => (await k.ok({ action: 'claim', templateId, requestId: `claim-undo-${n}` }, 'o-m4000')).couponId as string;
    const verify = async (couponId: string, who: string) =>
      k.ok({ action: 'verify', code: (await k.ok({ action: 'getCode', couponId }, 'o-m4000')).digits, orderId: 'R-1' }, who);
    const c1 = await claim(1);
    const used = await verify(c1, 'o-clerk');
    expect(used).toMatchObject({ couponId: c1, verifiedAt: new Date().toISOString(), storeName: 'A店' });
    expect(k.doc('coupons', c1).used).toMatchObject({ storeId: 'store-a', staff: { openid: 'o-clerk' }, orderId: 'R-1' });

    // the clerk: not theirs to undo
    expect(await k.call({ action: 'undoVerify', couponId: c1 }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await k.call({ action: 'undoVerify', couponId: c1 }, 'o-clerk-b')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const day = await k.ok({ action: 'myVerifications' }, 'o-clerk');
    expect(day.entries).toEqual([expect.objectContaining({ action: 'verify', couponId: c1, active: true, canUndo: false, storeName: 'A店' })]);
    expect((await k.ok({ action: 'myVerifications' }, 'o-manager')).entries).toEqual([]);

    // the store manager, 9 minutes later: undone, the coupon unused again, and usable again
    setClock(shanghai('2026-06-01 09:09'));
    expect(await k.ok({ action: 'undoVerify', couponId: c1 }, 'o-manager')).toMatchObject({ couponId: c1, status: 'unused' });
    expect(k.doc('coupons', c1)).toMatchObject({ status: 'unused', used: null, undone: [expect.objectContaining({ by: 'A店店长' })] });
    expect(await k.call({ action: 'undoVerify', couponId: c1 }, 'o-manager')).toMatchObject({ ok: false, code: 'COUPON_NOT_USED' });
    expect((await k.ok({ action: 'myVerifications' }, 'o-clerk')).entries[0]).toMatchObject({ active: false });

    // a second use, then the window passes (10 minutes): nobody may undo, not even the merchant
    setClock('2026-06-01T09:09:30+08:00');
    await verify(c1, 'o-boss');
    const audit = await k.ok({ action: 'auditLog', limit: 10 }, 'o-boss');
    expect(audit.entries.map((e: Any) => e.action)).toEqual(['verify', 'undo', 'verify']);
    expect(audit.entries[0]).toMatchObject({ canUndo: true, active: true, staffName: '老板' });
    setClock('2026-06-01T09:19:31+08:00');
    expect(await k.call({ action: 'undoVerify', couponId: c1 }, 'o-boss')).toMatchObject({ ok: false, code: 'COUPON_UNDO_WINDOW_PASSED' });
    expect(k.doc('coupons', c1).status).toBe('used');
    expect(await k.call({ action: 'auditLog' }, 'o-clerk')).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    // the next day, the clerk's list is empty again
    setClock(shanghai('2026-06-02 09:00'));
    expect((await k.ok({ action: 'myVerifications' }, 'o-clerk')).entries).toEqual([]);
  });

  it('the nightly job marks expired coupons by the indexed end date, checkpointed; a used coupon stays used', async () => {
    setClock(shanghai('2026-07-01 12:00'));
    const { templateId } = await k.template({ perMemberLimit: 5, validity: { type: 'relative', days: 2 } });
    k.members(1, 5000);
    const ids: string[] = [];
    for (let i = 0; i < 4; i += 1) ids.push((await k.ok({ action: 'claim', templateId, requestId: `claim-exp-${i}` }, 'o-m5000')).couponId);
    await k.ok({ action: 'verify', code: (await k.ok({ action: 'getCode', couponId: ids[0] }, 'o-m5000')).digits }, 'o-clerk');
    expect(await k.ok({ action: 'summary' }, 'o-m5000')).toEqual({ unused: 3, expiringSoon: 3 });
    // valid through the end of 07-02 (the issue day is day 1)
    expect(k.doc('coupons', ids[1]).endsAt.toISOString()).toBe(new Date(shanghai('2026-07-03 00:00')).toISOString());
    setClock(shanghai('2026-07-03 01:10'));
    expect(await k.ok({ action: 'summary' }, 'o-m5000')).toEqual({ unused: 0, expiringSoon: 0 });
    // the scheduler's coupon-expiry job (its report: the occurrence's counters)
    const r = (await cloud.runJob('coupon-expiry')) as Result<Any>;
    expect(r).toMatchObject({ ok: true, data: { runId: 'coupon-expiry:20260703', status: 'done', processed: 3, counters: { expired: 3 } } });
    expect(ids.map((id) => k.doc('coupons', id).status)).toEqual(['used', 'expired', 'expired', 'expired']);
    // a second firing of the night does nothing; a consumer cannot run it
    expect(await runScheduledJob('coupon-expiry', new Date(), { itemsPerSecond: Infinity })).toMatchObject({ status: 'done', counters: { expired: 3 } });
    const runJob = { action: 'runJob', job: 'coupon-expiry' };
    expect(await cloud.invoke('scheduler', runJob, { openid: 'o-m5000' })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    // no side door: the coupon function does not run the job itself
    expect(await k.call({ action: 'expireCoupons' }, 'o-boss')).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect((await k.ok({ action: 'listMine', status: 'expired' }, 'o-m5000')).coupons).toHaveLength(3);
    expect((await k.ok({ action: 'listMine', status: 'used' }, 'o-m5000')).coupons).toEqual([
      expect.objectContaining({ couponId: ids[0], status: 'used', used: expect.objectContaining({ storeName: 'A店' }) }),
    ]);
  });

  it('templates are validated and versioned; the new-member gift is issued once at registration; grants are idempotent', async () => {
    const register = async (openid: string): Promise<string> => {
      for (let attempt = 0; attempt < 20; attempt += 1) {
        const r = await invoke(cloud, 'member', 'join', { agree: true }, openid);
        if (r.ok) return r.data.memberId;
        if (r.code !== 'CONFLICT' && r.code !== 'UNAVAILABLE') throw new Error(`member.join answered ${r.code} under faults`);
      }
      throw new Error('could not register');
    };
    const bad = [
      { kind: 'cash', valueFen: 0 },
      { kind: 'discount', discountPercent: null },
      { kind: 'cash', discountPercent: 80 },
      { validity: { type: 'fixed', from: '2026-05-03', to: '2026-05-01' } },
      { channels: [] },
      { newMemberGift: true, channels: ['claim_center'] },
      { stock: -1 },
    ];
    for (const over of bad) await expect(k.template(over as Any)).rejects.toThrow(/VALIDATION_FAILED/);
    expect(
      await k.call({ action: 'createTemplate', title: 'x', kind: 'gift', validity: { type: 'relative', days: 1 }, stock: 1, channels: ['manual'] }, 'o-clerk'),
    ).toMatchObject({ ok: false, code: 'FORBIDDEN' });

    const gift = await k.template({
      title: '新人礼 拿铁券',
      kind: 'gift',
      thresholdFen: 0,
      valueFen: 3200,
      stock: 2,
      channels: ['new_member'],
      newMemberGift: true,
    });
    const memberId = await register('o-newbie');
    const mine = await k.ok({ action: 'listMine', status: 'unused' }, 'o-newbie');
    expect(mine.coupons).toEqual([expect.objectContaining({ templateId: gift.templateId, channel: 'new_member', face: '兑换券' })]);
    expect(await register('o-newbie')).toBe(memberId);
    expect(k.coupons().filter((c) => c.memberId === memberId)).toHaveLength(1);
    // stock 2: the third new member registers without the gift (never fails registration)
    for (const who of ['o-n2', 'o-n3']) await register(who);
    expect(k.doc('coupon_templates', gift.templateId).issued).toBe(2);

    // a new version: stock raised, terms changed; issued coupons keep theirs; a stale version is refused
    const view = (await k.ok({ action: 'listTemplates' }, 'o-boss')).templates.find((t: Any) => t.templateId === gift.templateId);
    const { templateId: _t, version, issued: _i, remaining: _r, face: _f, conditions: _c, updatedAt: _u, ...terms } = view;
    expect(
      await k.ok({ action: 'updateTemplate', templateId: gift.templateId, expectedVersion: version, ...terms, title: '新人礼 美式券', stock: 10 }, 'o-boss'),
    ).toEqual({ templateId: gift.templateId, version: 2 });
    expect(await k.call({ action: 'updateTemplate', templateId: gift.templateId, expectedVersion: version, ...terms, stock: 10 }, 'o-boss')).toMatchObject({
      ok: false,
      code: 'TEMPLATE_VERSION_CONFLICT',
    });
    expect(await k.call({ action: 'updateTemplate', templateId: gift.templateId, expectedVersion: 2, ...terms, stock: 1 }, 'o-boss')).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(k.doc('coupon_template_history', `${gift.templateId}@1`)).toMatchObject({ title: '新人礼 拿铁券', version: 1 });
    expect(mine.coupons[0].title).toBe('新人礼 拿铁券');
    expect((await k.ok({ action: 'listMine', status: 'unused' }, 'o-newbie')).coupons[0].title).toBe('新人礼 拿铁券');

    // grant: one per member per request, a retry answers the same coupons
    const t = await k.template({ stock: 5, channels: ['manual'] });
    const ids = k.members(2, 6000);
    const g1 = await k.ok({ action: 'grant', templateId: t.templateId, memberIds: [...ids, 'no-such'], requestId: 'grant-0001' }, 'o-boss');
    // Faults are on: the kit may have re-sent the whole grant after a system error, and a member issued
    // by the first attempt then reads as a duplicate. Either way: one coupon per member under the key.
    expect(g1.results.slice(0, 2).map((r: Any) => r.code)).toEqual([null, null]);
    expect(g1.issued + g1.results.slice(0, 2).filter((r: Any) => r.duplicate).length).toBe(2);
    for (const memberId of ids) expect(k.coupons().filter((c) => c.issueKey === `grant:grant-0001:${memberId}`)).toHaveLength(1);
    expect(g1.results[2]).toMatchObject({ memberId: 'no-such', couponId: null, code: 'MEMBER_NOT_FOUND' });
    const g2 = await k.ok({ action: 'grant', templateId: t.templateId, memberIds: ids, requestId: 'grant-0001' }, 'o-boss');
    expect(g2).toMatchObject({
      issued: 0,
      results: [
        { couponId: g1.results[0].couponId, duplicate: true },
        { couponId: g1.results[1].couponId, duplicate: true },
      ],
    });
    // claiming a template without the claim-centre channel is refused
    expect(await k.call({ action: 'claim', templateId: t.templateId, requestId: 'claim-manual-1' }, 'o-m6000')).toMatchObject({
      ok: false,
      code: 'COUPON_UNAVAILABLE',
    });
    expect(k.doc('coupon_templates', t.templateId).issued).toBe(2);
  });
});
