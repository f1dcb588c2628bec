/**
 * One member-by-OPENID lookup (`memberByOpenid`, _lib/members): a visitor who has not joined (开卡),
 * or whose account was erased, gets NOT_A_MEMBER from every consumer action — the client shows the
 * 开卡 prompt on that code — and nothing is written. MEMBER_NOT_FOUND stays for staff and the
 * merchant naming someone else.
 */
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { seedStoreAndStaff, type Any } from '../support/points-kit';
import type { Result } from '../../shared/envelope';

jest.setTimeout(60_000);

/** Every consumer action that reads the caller's own card, with an input its schema accepts. */
const CONSUMER_ACTIONS: Record<string, [string, Record<string, unknown>][]> = {
  checkin: [
    ['checkIn', {}],
    ['calendar', {}],
    ['makeUp', { day: '2026-03-01' }],
    ['setReminder', { enabled: true }],
  ],
  coupon: [
    ['claimable', {}],
    ['claim', { templateId: 'tpl_x', requestId: 'visitor-claim-1' }],
    ['listMine', {}],
    ['getMine', { couponId: 'c-1' }],
    ['summary', {}],
    ['getCode', { couponId: 'c-1' }],
  ],
  mall: [
    ['listItems', {}],
    ['getItem', { itemId: 'item-1' }],
    ['redeem', { itemId: 'item-1', requestId: 'visitor-redeem-1' }],
    ['myOrders', {}],
    ['lastAddress', {}],
    ['cancel', { orderId: 'order-1' }],
  ],
  points: [['history', {}]],
  member: [
    ['getProfile', {}],
    ['getMemberCode', {}],
    ['exportMyData', {}],
    ['getInvite', {}],
    ['myInvitations', {}],
    ['deleteAccount', { confirm: 'DELETE' }],
  ],
};

describe('a visitor (no card) gets NOT_A_MEMBER from every consumer action', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => closeTestCloud(cloud));
  const call = (fn: string, action: string, input: Record<string, unknown>, openid: string) =>
    cloud.invoke(fn, { ...input, action }, { openid }) as Promise<Result<Any>>;
  const written = () => ['members', 'ledger', 'coupons', 'checkin_state', 'checkin_months', 'mall_orders'].map((c) => cloud.store.scan(c).length);

  for (const [fn, actions] of Object.entries(CONSUMER_ACTIONS)) {
    it(`${fn}: ${actions.map(([a]) => a).join(', ')}`, async () => {
      const before = written();
      for (const [action, input] of actions) {
        const r = await call(fn, action, input, 'o-visitor');
        expect({ action, r }).toMatchObject({ action, r: { ok: false, code: 'NOT_A_MEMBER' } });
      }
      expect(written()).toEqual(before);
    });
  }

  it('an erased account is not a member either; the merchant naming someone who is not there gets MEMBER_NOT_FOUND', async () => {
    const joined = (await call('member', 'join', { agree: true }, 'o-leaver')) as Any;
    expect(joined).toMatchObject({ ok: true });
    expect(await call('member', 'deleteAccount', { confirm: 'DELETE' }, 'o-leaver')).toMatchObject({ ok: true });
    for (const [fn, action] of [
      ['checkin', 'calendar'],
      ['coupon', 'listMine'],
      ['mall', 'listItems'],
    ])
      expect(await call(fn, action, {}, 'o-leaver')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
    const grant = (await call('coupon', 'grant', { templateId: 'tpl_x', memberIds: [joined.data.memberId], requestId: 'grant-erased-1' }, 'o-boss')) as Any;
    expect(grant).toMatchObject({ ok: true, data: { results: [{ code: 'MEMBER_NOT_FOUND' }] } });
  });
});
