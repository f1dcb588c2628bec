import type { APIRequestContext } from 'playwright-core';
import { useH5App } from '../support/e2e';
import type { Result } from '../../shared/envelope';

jest.setTimeout(180_000);

async function ok<T>(request: APIRequestContext, url: string, fn: string, data: Record<string, unknown>): Promise<T> {
  const res = (await (await request.post(`${url}/api/fn/${fn}`, { data })).json()) as Result<T>;
  if (!res.ok) throw new Error(`${fn}.${String(data.action)}: ${res.code} ${res.message}`);
  return res.data;
}

describe('points mall (H5, real local cloud)', () => {
  const app = useH5App({ ownServer: true });

  it('小林 redeems a coupon item: the confirmation shows the balance after, the coupon is in her wallet and the spend in her points history', async () => {
    const url = app.server().url;
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.request.post(url + '/api/login', { data: { role: 'consumer' } });
    const before = await ok<{ summary: { available: number } }>(page.request, url, 'points', { action: 'history' });
    expect(before.summary.available).toBeGreaterThanOrEqual(200);

    // From the card to the mall; 我能兑换 leaves out what the balance does not cover.
    await page.goto(url + '/');
    await page.locator('.member-mall-link').first().click();
    await page.locator('.mall-item--item-coupon-20off100').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.mall-balance-value').first().textContent()).resolves.toBe(String(before.summary.available));
    expect(await page.locator('.mall-item--item-grinder').count()).toBe(1);
    await page.locator('.mall-affordable').first().click();
    await page.locator('.mall-affordable.mall-chip--active').first().waitFor({ timeout: 5000 });
    await page.locator('.mall-item--item-coupon-20off100').first().waitFor({ timeout: 15_000 });
    if (before.summary.available < 20000) expect(await page.locator('.mall-item--item-grinder').count()).toBe(0);

    // The item, the confirmation with the balance after, then the redemption.
    await page.locator('.mall-item--item-coupon-20off100').first().click();
    await page.locator('.mall-redeem').first().click();
    await page.locator('.mall-confirm').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('.mall-cost').first().textContent()).resolves.toBe('200');
    await expect(page.locator('.mall-balance-preview').first().textContent()).resolves.toBe(String(before.summary.available - 200));
    await page.locator('.mall-redeem-confirm').first().click();
    await page.locator('.mall-redeemed').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('.mall-balance-after').first().textContent()).resolves.toBe(String(before.summary.available - 200));

    // The coupon is in her wallet (issued through the coupon path, channel points_mall).
    const orders = await ok<{ orders: { orderId: string; couponIds: string[]; status: string }[] }>(page.request, url, 'mall', { action: 'myOrders' });
    expect(orders.orders[0]).toMatchObject({ status: 'completed', couponIds: [expect.stringMatching(/^\d{12}$/)] });
    const couponId = orders.orders[0].couponIds[0];
    await page.locator('.mall-go-coupons').first().click();
    await page.locator(`.my-coupon--${couponId}`).first().waitFor({ timeout: 15_000 });
    await expect(page.locator(`.my-coupon--${couponId}`).first().textContent()).resolves.toContain('满100减20');

    // And the spend is in her points history.
    await page.goto(url + '/pages/points/index');
    await page.locator('.points-history').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.points-available').first().textContent()).resolves.toBe(String(before.summary.available - 200));
    await expect(page.locator('.points-history').first().textContent()).resolves.toContain('积分兑换：满100减20 优惠券');
    const history = await ok<{ entries: { kind: string; points: number; reason: string }[] }>(page.request, url, 'points', { action: 'history' });
    expect(history.entries[0]).toMatchObject({ kind: 'spend', points: -200, reason: '积分兑换：满100减20 优惠券' });
    await context.close();
  });
});
