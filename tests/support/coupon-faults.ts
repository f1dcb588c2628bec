import { buildNewMember } from '../../cloudfunctions/member/new-member';
import type { InputOf } from '../../shared/contract';
import type { couponContract } from '../../shared/contracts/coupon';
import type { Result } from '../../shared/envelope';
import { backOff, closeTestCloud, openTestCloud, type TestCloud } from './local-cloud';
import { seedStoreAndStaff, type Any } from './points-kit';
import { cashTemplateInput } from './coupon-kit';

/**
 * Coupons under concurrency with injected faults, sized by the caller: the default run
 * (tests/integration/coupons.test.ts) claims and verifies a few dozen times, the soak project
 * (tests/soak/coupons.test.ts) hundreds. The same assertions hold at every size.
 */
export const FAULTS = { conflict: 0.2, transient: 0.1, lostReply: 0.05, seed: 1313 };
/** What a till or a phone does on a system failure: try again, a bounded number of times. */
const SYSTEM = ['CONFLICT', 'UNAVAILABLE'];

export function kit(getCloud: () => TestCloud) {
  const call = async (data: Record<string, unknown>, openid: string): Promise<Result<Any> & { attempts: number }> => {
    for (let attempt = 1; ; attempt += 1) {
      const r = (await getCloud().invoke('coupon', data, { openid })) as Result<Any>;
      if (r.ok || !SYSTEM.includes(r.code) || attempt >= 40) return { ...r, attempts: attempt };
      await backOff(getCloud(), 10 + Math.random() * 40 * Math.min(attempt, 8));
    }
  };
  const ok = async (data: Record<string, unknown>, openid: string): Promise<Any> => {
    const r = await call(data, openid);
    if (!r.ok) throw new Error(`coupon.${String(data.action)}: ${r.code} ${r.message}`);
    return r.data;
  };
  /** Members written straight into the store (registration has its own tests): `o-m<i>` is member `9000000<i>`. */
  const members = (n: number, from = 0) => {
    const ids: string[] = [];
    for (let i = from; i < from + n; i += 1) {
      const cardNo = `9${String(i).padStart(11, '0')}`;
      getCloud().store.insert('members', {
        ...buildNewMember(`o-m${i}`, cardNo, new Date()),
        phone: { cipher: 'x', hash: `h${i}`, masked: '139****0000' },
      } as unknown as { _id: string });
      ids.push(cardNo);
    }
    return ids;
  };
  const template = (over: Partial<InputOf<typeof couponContract, 'createTemplate'>> = {}) => ok(cashTemplateInput(over), 'o-boss');
  const doc = (coll: string, id: string) => getCloud().store.get(coll, id)?.doc as Any;
  const coupons = () =>
    getCloud()
      .store.scan('coupons')
      .map((s) => s.doc as Any);
  const snapshot = () =>
    JSON.stringify(
      getCloud()
        .store.listCollections()
        .filter((c) => c !== 'job_runs')
        .map((c) => [c, getCloud().store.scan(c)]),
    );
  return { call, ok, members, template, doc, coupons, snapshot };
}

export function seedStores(cloud: TestCloud) {
  seedStoreAndStaff(cloud);
  cloud.store.insert('stores', { _id: 'store-b', name: 'B店' });
  cloud.store.insert('roles', { _id: 'o-clerk-b', openid: 'o-clerk-b', role: 'staff', name: 'B店店员', storeId: 'store-b' });
  cloud.store.insert('roles', { _id: 'o-manager', openid: 'o-manager', role: 'staff', name: 'A店店长', storeId: 'store-a', storeManager: true });
}

interface CouponSoakSizes {
  /** distinct members claiming at once (more than `stock`) */
  claimers: number;
  stock: number;
  /** concurrent claims by one member with limit 1 */
  sameMemberClaims: number;
  /** concurrent verifications of one coupon */
  verifications: number;
}

export function describeCouponsUnderFaults({ claimers, stock, sameMemberClaims, verifications }: CouponSoakSizes): void {
  // members o-m1000… and o-m2000… below are kept apart from the claimers o-m0…
  if (claimers > 1000) throw new Error('at most 1000 claimers');
  describe('coupons under concurrency with injected faults', () => {
    let cloud: TestCloud;
    const k = kit(() => cloud);
    beforeAll(() => {
      cloud = openTestCloud({ faults: FAULTS });
      seedStores(cloud);
    });
    afterAll(() => closeTestCloud(cloud));

    it(`${claimers} concurrent claims from distinct members on stock ${stock} give exactly ${stock} coupons and stock 0`, async () => {
      const { templateId } = await k.template({ stock });
      const ids = k.members(claimers);
      const results = await Promise.all(ids.map((_, i) => k.call({ action: 'claim', templateId, requestId: `claim-500-${i}` }, `o-m${i}`)));
      const codes = new Map<string, number>();
      for (const r of results) codes.set(r.ok ? 'ok' : r.code, (codes.get(r.ok ? 'ok' : r.code) ?? 0) + 1);
      expect(Object.fromEntries(codes)).toEqual({ ok: stock, COUPON_OUT_OF_STOCK: claimers - stock });
      const mine = k.coupons().filter((c) => c.templateId === templateId);
      expect(mine).toHaveLength(stock);
      expect(new Set(mine.map((c) => c.memberId)).size).toBe(stock);
      expect(k.doc('coupon_templates', templateId)).toMatchObject({ stock, issued: stock });
      const listed = await k.ok({ action: 'listTemplates' }, 'o-boss');
      expect(listed.templates.find((t: Any) => t.templateId === templateId)).toMatchObject({ remaining: 0, issued: stock });
      // every success names a coupon of its own member
      for (const [i, r] of results.entries()) if (r.ok) expect(k.doc('coupons', r.data.couponId).memberId).toBe(ids[i]);
    });

    it(`${sameMemberClaims} concurrent claims by one member with limit 1 give one coupon; a retried requestId answers the first coupon`, async () => {
      const { templateId } = await k.template({ stock: 50, perMemberLimit: 1 });
      const [memberId] = k.members(1, 1000);
      const results = await Promise.all(
        Array.from({ length: sameMemberClaims }, (_, i) => k.call({ action: 'claim', templateId, requestId: `claim-one-${i}` }, 'o-m1000')),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r as { code: string }).code)).toEqual(Array(sameMemberClaims - 1).fill('COUPON_LIMIT_REACHED'));
      expect(k.coupons().filter((c) => c.templateId === templateId && c.memberId === memberId)).toHaveLength(1);
      expect(k.doc('coupon_templates', templateId).issued).toBe(1);

      // A retried request (double tap, lost reply) answers the first coupon, even sent many times at once.
      const { templateId: t2 } = await k.template({ stock: 1, perMemberLimit: 3 });
      const first = await k.ok({ action: 'claim', templateId: t2, requestId: 'claim-retry-1' }, 'o-m1000');
      const again = await Promise.all(Array.from({ length: 10 }, () => k.call({ action: 'claim', templateId: t2, requestId: 'claim-retry-1' }, 'o-m1000')));
      for (const r of again) expect(r).toMatchObject({ ok: true, data: { couponId: first.couponId, duplicate: true } });
      expect(k.doc('coupon_templates', t2).issued).toBe(1);
      // A new request on the sold-out template is refused; the same requestId by another member is not theirs.
      expect(await k.call({ action: 'claim', templateId: t2, requestId: 'claim-retry-2' }, 'o-m1000')).toMatchObject({
        ok: false,
        code: 'COUPON_OUT_OF_STOCK',
      });
      k.members(1, 1001);
      expect(await k.call({ action: 'claim', templateId: t2, requestId: 'claim-retry-1' }, 'o-m1001')).toMatchObject({
        ok: false,
        code: 'IDEMPOTENCY_KEY_REUSED',
      });
    });

    it(`${verifications} concurrent verifications of one coupon give exactly one success, the rest COUPON_ALREADY_USED with time and store`, async () => {
      const { templateId } = await k.template({ stock: 10 });
      k.members(1, 2000);
      const { couponId } = await k.ok({ action: 'claim', templateId, requestId: 'claim-verify-1' }, 'o-m2000');
      const { digits, code } = await k.ok({ action: 'getCode', couponId }, 'o-m2000');
      expect(digits).toMatch(/^\d{24}$/);
      const results = await Promise.all(
        Array.from({ length: verifications }, (_, i) =>
          k.call({ action: 'verify', code: i % 2 ? digits : code, orderId: `till-${i}` }, i % 3 ? 'o-clerk' : 'o-boss'),
        ),
      );
      const oks = results.filter((r) => r.ok);
      expect(oks).toHaveLength(1);
      const refused = results.filter((r) => !r.ok) as { code: string; message: string }[];
      expect(new Set(refused.map((r) => r.code))).toEqual(new Set(['COUPON_ALREADY_USED']));
      const c = k.doc('coupons', couponId);
      expect(c.status).toBe('used');
      expect(refused[0].message).toMatch(/^已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 在 (A店|商家后台) 核销$/);
      // exactly one audit entry for it
      expect(cloud.store.scan('coupon_audit').filter((s) => (s.doc as Any).couponId === couponId)).toHaveLength(1);
      expect(c.used).toMatchObject({ verificationId: expect.any(String), orderId: expect.stringMatching(/^till-/) });
    });
  });
}
