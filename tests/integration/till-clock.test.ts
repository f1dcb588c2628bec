import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { realClock, setClock, shanghai } from '../support/clock';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';

jest.setTimeout(60_000);

/**
 * The server's clock stamps a clerk's order (issue 26 item 3): the till sends no paidAt, so a device
 * clock behind the server can no longer make an order a late back-fill nor miss the member day (the
 * default rules: Wednesday ×2). 2026-11-23 is a Monday, 2026-11-25 a Wednesday (Shanghai).
 */
describe('the till: a clerk-recorded order is stamped by the server clock', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
  });
  afterEach(() => {
    realClock();
    closeTestCloud(cloud);
  });
  const { call, ok, register } = pointsKit(() => cloud);
  /** What the till sends now: no paidAt. */
  const tillOrder = (receiptNo: string, memberId: string, amountFen: number) => ({
    action: 'recordOrder',
    storeId: 'store-a',
    receiptNo,
    items: [{ sku: 'S1', category: 'coffee', priceFen: amountFen, quantity: 1 }],
    amountFen,
    member: { memberId },
  });
  const orderDoc = (receiptNo: string) => cloud.store.scan('orders').find((s) => (s.doc as Any).receiptNo === receiptNo)?.doc as Any;

  it('paid now by the server: the member day doubles, no late-entry flag, paidAt is the server instant', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const memberId = await register('o-ann');
    const monday = await ok('points', tillOrder('T-MON', memberId, 20000), 'o-clerk');
    expect(monday).toMatchObject({ flags: [], held: false });

    setClock(shanghai('2026-11-25 12:00'));
    const wednesday = await ok('points', tillOrder('T-WED', memberId, 20000), 'o-clerk');
    expect(wednesday).toMatchObject({ flags: [], held: false });
    expect(wednesday.points).toBe(2 * monday.points);
    expect(new Date(orderDoc('T-WED').paidAt).toISOString()).toBe(new Date(shanghai('2026-11-25 12:00')).toISOString());
  });

  it('the old till sent its device clock: 2 days behind it was a late back-fill without the ×2; the server stamp is not', async () => {
    setClock(shanghai('2026-11-25 12:00'));
    const memberId = await register('o-ann');
    // What a device clock two days behind used to send: accepted as an explicit back-fill, flagged, paid on Monday.
    const behind = await ok('points', { ...tillOrder('T-OLD', memberId, 20000), paidAt: shanghai('2026-11-23 12:00') }, 'o-clerk');
    expect(behind.flags).toContain('late_entry');
    const stamped = await ok('points', tillOrder('T-NEW', memberId, 20000), 'o-clerk');
    expect(stamped.flags).not.toContain('late_entry');
    expect(stamped.points).toBeGreaterThan(behind.points);
  });

  it('an explicit paidAt from a clerk is held to the POS rules: not in the future beyond the skew, not older than the window', async () => {
    setClock(shanghai('2026-11-25 12:00'));
    const memberId = await register('o-ann');
    expect(await call({ ...tillOrder('T-F', memberId, 1000), paidAt: shanghai('2026-11-25 12:30') }, 'o-clerk')).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(await call({ ...tillOrder('T-O', memberId, 1000), paidAt: shanghai('2026-09-01 12:00') }, 'o-clerk')).toMatchObject({
      ok: false,
      code: 'ORDER_TOO_OLD',
    });
    expect(cloud.store.scan('orders')).toHaveLength(0);
  });
});
