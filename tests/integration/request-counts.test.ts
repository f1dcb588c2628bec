/**
 * Database requests per business action (issue 10 item 4), counted by the local cloud's transport
 * (`cloud.database.requestCounts`: every request wx-server-sdk sends, each one billed on the cloud).
 */
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';
import { claimCouponsToVerify } from '../support/coupon-kit';

jest.setTimeout(60_000);

describe('database requests per business action', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => closeTestCloud(cloud));
  const kit = pointsKit(() => cloud);

  const total = () => [...cloud.database.requestCounts.values()].reduce((a, b) => a + b, 0);
  const byAction = () => new Map(cloud.database.requestCounts);
  /** Requests one call makes (and which kinds), on a warm function instance. */
  async function measure<T>(run: () => Promise<T>): Promise<{ n: number; result: T; kinds: Record<string, number> }> {
    const before = byAction();
    const t0 = total();
    const result = await run();
    const kinds: Record<string, number> = {};
    for (const [k, v] of cloud.database.requestCounts) if (v - (before.get(k) ?? 0) > 0) kinds[k.replace('database.', '')] = v - (before.get(k) ?? 0);
    return { n: total() - t0, result, kinds };
  }

  it('counts the requests of each business action on a warm instance', async () => {
    const report: Record<string, Any> = {};
    await kit.ok('member', { action: 'joinStatus' }, 'o-rc-0'); // a warm instance (its copy of the tier ladder)
    const first = await measure(() => kit.ok('member', { action: 'join', agree: true }, 'o-rc-1'));
    report['join (开卡, registers)'] = first;
    const memberId = first.result.memberId as string;
    report['join (again: the card answered)'] = await measure(() => kit.ok('member', { action: 'join', agree: true }, 'o-rc-1'));
    report['getCard (returning)'] = await measure(() => kit.ok('member', { action: 'getCard' }, 'o-rc-1'));
    await kit.ok('points', kit.order('RC0', memberId, 10000), 'o-clerk'); // warm the instance
    report['recordOrder (staff, member id)'] = await measure(() => kit.ok('points', kit.order('RC1', memberId, 10000), 'o-clerk'));
    const { code } = await kit.ok('member', { action: 'getMemberCode' }, 'o-rc-1');
    report['recordOrder (staff, member code)'] = await measure(() =>
      kit.ok('points', { ...kit.order('RC2', memberId, 10000), member: { memberCode: code } }, 'o-clerk'),
    );
    report['recordOrder (replay)'] = await measure(() => kit.ok('points', kit.order('RC2', memberId, 10000), 'o-clerk'));
    await kit.identify(memberId, 'o-clerk');
    report['redeemPoints (staff)'] = await measure(() =>
      kit.ok('points', { action: 'redeemPoints', memberId, amount: 10, requestId: 'rc-redeem-1', reason: '抵现' }, 'o-clerk'),
    );
    await kit.ok('member', { action: 'myRole' }, 'o-boss');
    await kit.ok('points', { action: 'getRules' }, 'o-boss'); // the merchant's role, as a working console has it
    report['redeemPoints (merchant)'] = await measure(() =>
      kit.ok('points', { action: 'redeemPoints', memberId, amount: 10, requestId: 'rc-redeem-2', reason: '抵现' }, 'o-boss'),
    );

    // check-in (the day's first)
    await kit.ok('member', { action: 'join', agree: true }, 'o-rc-2');
    await kit.ok('checkin', { action: 'checkIn' }, 'o-rc-2'); // warm the instance
    report['checkIn'] = await measure(() => kit.ok('checkin', { action: 'checkIn' }, 'o-rc-1'));

    // coupon verification at the till (the clerk's instance warm)
    const { templateId, codes } = await claimCouponsToVerify(kit.ok, 'o-boss', 'o-rc-1', ['rc-claim-1', 'rc-claim-2']);
    await kit.ok('coupon', { action: 'verify', code: codes[0] }, 'o-clerk');
    report['coupon verify'] = await measure(() => kit.ok('coupon', { action: 'verify', code: codes[1] }, 'o-clerk'));

    // the mall's redemption (a coupon item: no address)
    const { itemId } = await kit.ok(
      'mall',
      {
        action: 'createItem',
        kind: 'coupon',
        title: '满100减20 券',
        couponTemplateId: templateId,
        pointsPrice: 1,
        stock: 10,
        perMemberLimit: 5,
        category: '券',
      },
      'o-boss',
    );
    await kit.ok('mall', { action: 'listItems' }, 'o-rc-1');
    report['mall redeem'] = await measure(() => kit.ok('mall', { action: 'redeem', itemId, requestId: 'rc-mall-1' }, 'o-rc-1'));

    const n = (k: string) => report[k].n as number;

    // The settings arrive in ONE read per call (rules, engagement, check-in, referral, gifts and the
    // ladder's stamp: _lib/platform/settings-read.ts); nothing counts orders; the role and store names are kept.
    // recordOrder: 1 settings read + the transaction's 6 (start, member, order, member update, earn
    // entry, commit). Goal ≤ 6: the 7th is the read that makes a merchant's edit apply to the next
    // accrual (settings-freshness.test.ts); 4 would need the order without a transaction.
    expect(n('recordOrder (staff, member id)')).toBe(7);
    expect(n('recordOrder (staff, member code)')).toBe(7);
    expect(report['recordOrder (staff, member id)'].kinds.calculateDocument).toBeUndefined(); // no counting queries
    expect(report['recordOrder (staff, member id)'].kinds.getDocument).toBe(2); // the settings and the member
    // getCard (returning): the member, the settings (ladder stamp, member-day rules), the tier changes. Goal ≤ 3.
    expect(n('getCard (returning)')).toBeLessThanOrEqual(3);
    // 开卡 (first open): the staff-account refusal, the departure record, the settings, and a
    // transaction of 4 (start, the member with its bonus, the bonus entry, commit). Was 11; goal ≤ 3
    // (the transaction alone is 4).
    expect(n('join (开卡, registers)')).toBe(7);
    // redemption: the transaction's 5 (start, member, member update, spend entry, commit); a clerk
    // also shows the member was identified this shift (1 read). Was 7; goal ≤ 4 (the transaction alone is 5).
    expect(n('redeemPoints (merchant)')).toBe(5);
    expect(n('redeemPoints (staff)')).toBe(6);
    // coupon verification: the clerk's wrong-code count (1 read: the rate limit, issue 25), the plain
    // read that answers a used coupon without a transaction, then the transaction's 5 (start, coupon,
    // its update, the audit entry, commit). Was 7, then 6 before the rate limit; goal ≤ 4.
    expect(n('coupon verify')).toBe(7);
    // check-in: the member, the settings, and a transaction over the state, the member, the entry and
    // the month (8). Was 12; goal ≤ 4 needs another shape of the check-in documents.
    expect(n('checkIn')).toBe(11);
    // the mall (a coupon item): the order, the item, the member, the holding, the entry and the coupon
    // issued, in one transaction (the spend entry is no longer looked up first: the order's key covers it).
    expect(n('mall redeem')).toBe(18);
  });
});
