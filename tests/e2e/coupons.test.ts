import type { APIRequestContext } from 'playwright-core';
import { useH5App } from '../support/e2e';
import type { Result } from '../../shared/envelope';
import { answerSubscribeSheet } from '../support/subscribe-sheet';

jest.setTimeout(180_000);

async function call<T>(request: APIRequestContext, url: string, fn: string, data: Record<string, unknown>): Promise<Result<T>> {
  return (await (await request.post(`${url}/api/fn/${fn}`, { data })).json()) as Result<T>;
}

describe('coupons: claim, show, verify at the till, the wallet (H5, real local cloud)', () => {
  const app = useH5App();

  it('小林 claims a coupon and opens it; the clerk types its digits and verifies; a second verification is refused with time and store; her wallet shows it under 已使用', async () => {
    const url = app.server().url;
    const consumer = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const me = await consumer.newPage();
    await me.request.post(url + '/api/login', { data: { role: 'consumer' } });

    // The card shows her coupon count, and leads to the claim centre.
    await me.goto(url + '/');
    await me.locator('.member-coupon-count').first().waitFor({ timeout: 30_000 });
    await me.waitForFunction(() => /^\d+$/.test(document.querySelector('.member-coupon-count')?.textContent ?? ''), undefined, { timeout: 10_000 });
    const countBefore = Number(await me.locator('.member-coupon-count').first().textContent());
    expect(countBefore).toBeGreaterThan(0); // the seeded wallet
    await me.locator('.member-coupon-center-link').first().click();
    const item = me.locator('.coupon-center-item--tpl-20off100').first();
    await item.waitFor({ timeout: 30_000 });
    await item.locator('.coupon-center-claim').first().click();
    await answerSubscribeSheet(me);
    await item.locator('.coupon-center-use').first().waitFor({ timeout: 15_000 });
    await item.locator('.coupon-center-use').first().click();

    // The detail page: barcode, QR and the 24 digits to type.
    const digitsText = me.locator('.coupon-code-digits').first();
    await digitsText.waitFor({ timeout: 15_000 });
    const digits = ((await digitsText.textContent()) ?? '').replace(/\s/g, '');
    expect(digits).toMatch(/^\d{24}$/);
    expect(await me.locator('.coupon-detail .member-code-barcode__bar').count()).toBeGreaterThan(20);
    expect(await me.locator('.coupon-detail .member-code-qr__cell').count()).toBeGreaterThan(20);
    const couponId = new URL(me.url()).searchParams.get('id');
    expect(couponId).toBe(digits.slice(0, 12));

    // The clerk at 静安寺店 types the digits, sees the coupon and the member masked, and verifies.
    const staff = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const till = await staff.newPage();
    await till.request.post(url + '/api/login', { data: { role: 'staff' } });
    await till.goto(url + '/pages/staff/index');
    await till.waitForFunction(() => (document.querySelector('.staff-workbench')?.textContent ?? '').includes('静安寺店'), undefined, { timeout: 30_000 });
    await till.locator('.staff-code-input input').first().fill(digits);
    await till.locator('.staff-identify').first().click();
    const panel = till.locator('.staff-coupon').first();
    await till.locator('.staff-coupon-verify').first().waitFor({ timeout: 15_000 });
    const seen = (await panel.textContent()) ?? '';
    expect(seen).toContain('满100减20');
    expect(seen).toContain('小林');
    expect(seen).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // never the full phone number
    // The till asks the order's amount (满100: ¥128 is enough); success is a result sheet, closed with 完成.
    await till.locator('.staff-coupon-amount input').first().fill('128');
    await till.locator('.staff-coupon-verify').first().click();
    await till.locator('.staff-coupon-result').first().waitFor({ timeout: 15_000 });
    await expect(till.locator('.staff-coupon-result').first().textContent()).resolves.toContain('核销成功');
    await expect(till.locator('.staff-verified-sheet >> visible=true').first().textContent()).resolves.toContain('核销成功');
    await till.locator('.staff-verified-sheet .nut-dialog-footer-ok >> visible=true').first().click();
    await till.locator('.staff-verification').first().waitFor({ timeout: 10_000 });

    // A second verification of the same code: refused, saying when and where.
    await till.locator('.staff-code-input input').first().fill(digits);
    await till.locator('.staff-identify').first().click();
    await till.locator('.staff-coupon-error').first().waitFor({ timeout: 15_000 });
    await expect(till.locator('.staff-coupon-error').first().textContent()).resolves.toMatch(/^已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 在 静安寺店 核销$/);
    const again = await call(till.request, url, 'coupon', { action: 'verify', code: digits });
    expect(again).toMatchObject({ ok: false, code: 'COUPON_ALREADY_USED' });

    // Her detail page, opened again, says when and where it was used; the wallet lists it under 已使用.
    await me.reload();
    await me.locator('.coupon-detail-used').first().waitFor({ timeout: 15_000 });
    await expect(me.locator('.coupon-detail-used').first().textContent()).resolves.toContain('静安寺店');
    expect(await me.locator('.coupon-code-digits').count()).toBe(0);
    await me.goto(url + '/pages/coupons/mine/index');
    /** 我的券's tabs are the kit's (NutUI Tabs), found by their titles. */
    const couponTab = (title: string) => me.locator('.coupon-tabs .nut-tabs-titles-item', { hasText: title }).first();
    await couponTab('已使用').click();
    await me.locator(`.my-coupon--${couponId}`).first().waitFor({ timeout: 15_000 });
    await expect(me.locator(`.my-coupon--${couponId}`).first().textContent()).resolves.toMatch(/在 静安寺店 使用/);
    await couponTab('未使用').click();
    await me.locator('.my-coupon').first().waitFor({ timeout: 15_000 });
    expect(await me.locator(`.my-coupon--${couponId}`).count()).toBe(0);
    expect(await me.locator('.coupon-expiring-soon').count()).toBeGreaterThan(0);
    await couponTab('已过期').click();
    await me.locator('.coupon-tabs .nut-tabs-titles-item-active', { hasText: '已过期' }).first().waitFor({ timeout: 5000 });
    await me.locator('.my-coupon').first().waitFor({ timeout: 15_000 });
    expect(await me.locator('.my-coupon').count()).toBeGreaterThanOrEqual(2);
    await staff.close();
    await consumer.close();
  });
});
