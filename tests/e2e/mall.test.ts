import type { APIRequestContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { useH5App } from '../support/e2e';
import path from 'node:path';
import { ARTIFACTS_DIR, PHONE, screenshot } from '../support/artifacts';
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
    // Spending points asks first: a dialog says what is spent, what is left and that it cannot be undone.
    await page.locator('.mall-redeem-confirm').first().click();
    const ask = page.locator('.mall-redeem-dialog').first();
    await ask.waitFor({ timeout: 15_000 });
    await expect(ask.textContent()).resolves.toContain(`将消耗 200 积分兑换「满100减20 优惠券」×1，兑换后剩余 ${before.summary.available - 200} 积分`);
    await expect(ask.textContent()).resolves.toContain('兑换后不可取消');
    await screenshot(page, 'mall-coupon-ask-first');
    await ask.locator('.nut-dialog-footer-ok').first().click();
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

  /** A 240×240 PNG in two colours (a picture a person can see in the screenshots). */
  function picture(): Buffer {
    const png = new PNG({ width: 240, height: 240 });
    for (let y = 0; y < 240; y += 1)
      for (let x = 0; x < 240; x += 1) {
        const i = (y * 240 + x) * 4;
        const cup = (x - 120) ** 2 + (y - 130) ** 2 < 70 ** 2;
        png.data.set(cup ? [250, 44, 25, 255] : [255, 236, 214, 255], i);
      }
    return PNG.sync.write(png);
  }
  const upload = async (page: Page, file: { name: string; mimeType: string; buffer: Buffer }) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('.merchant-mall-upload').first().click()]);
    await chooser.setFiles(file);
    await page.locator('.merchant-mall-picture').first().waitFor({ timeout: 15_000 });
  };
  const imageShown = (page: Page, selector: string) =>
    page.waitForFunction(
      (sel) => {
        const img = document.querySelector<HTMLImageElement>(sel);
        return !!img && img.complete && img.naturalWidth > 0;
      },
      selector,
      { timeout: 15_000 },
    );

  it('the merchant uploads an item picture (a GIF is refused), 小林 sees it, picks her region, is asked before spending, finds her address remembered and is asked before 取消兑换', async () => {
    const url = app.server().url;
    // ---- the merchant, at a desk
    const desk = await app.browser().newContext({ viewport: { width: 1280, height: 800 } });
    const console_ = await desk.newPage();
    await console_.request.post(url + '/api/login', { data: { role: 'merchant' } });
    await console_.goto(url + '/');
    // The console as tabs, or (branch console, issue 21 item 7) as a home grid of areas: the mall either way.
    await console_.locator('.merchant-console, .merchant-home').first().waitFor({ timeout: 30_000 });
    if (await console_.locator('.merchant-home').count()) await console_.locator('.merchant-area-mall >> visible=true').first().click();
    else await console_.locator('.merchant-tab-mall').first().click();
    await console_.locator('.merchant-mall-create').first().waitFor({ timeout: 15_000 });
    for (const [key, value] of [
      ['title', '拾光陶瓷杯'],
      ['points', '10'],
      ['stock', '5'],
      ['category', '周边'],
    ])
      await console_.locator(`.merchant-mall-${key} input`).first().fill(value);

    // A GIF goes to storage, but the item does not keep it: the function reads its bytes.
    await upload(console_, {
      name: 'cup.gif',
      mimeType: 'image/gif',
      buffer: Buffer.from(
        'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;',
        'latin1',
      ),
    });
    await console_.locator('.merchant-mall-create').first().click();
    await console_.locator('.merchant-error', { hasText: '商品图片只支持 JPG、PNG 或 WebP 格式' }).first().waitFor({ timeout: 15_000 });
    await screenshot(console_, 'merchant-mall-picture-refused');
    // And where the merchant is looking: the message beside the form's button, below the first screen.
    await console_.locator('.merchant-mall-create').first().scrollIntoViewIfNeeded();
    await console_.screenshot({ path: path.join(ARTIFACTS_DIR, 'screenshots', 'merchant-mall-picture-refused-at-form.png') });
    await console_.locator('.merchant-mall-picture-remove').first().click();

    await upload(console_, { name: 'cup.png', mimeType: 'image/png', buffer: picture() });
    await console_.locator('.merchant-mall-create').first().click();
    // The console lists the new item once createItem has answered; then the server is asked what it kept.
    await console_.locator('text=拾光陶瓷杯 >> visible=true').first().waitFor();
    const items = await ok<{ items: { itemId: string; title: string; images: string[] }[] }>(console_.request, url, 'mall', { action: 'adminItems' });
    const cup = items.items.find((i) => i.title === '拾光陶瓷杯');
    expect(cup?.images).toEqual([expect.stringMatching(/^cloud:\/\/.+\/mall\/\d{8}\/[a-z0-9]+\.png$/)]);
    const itemId = cup?.itemId ?? '';
    await imageShown(console_, `.merchant-mall-item--${itemId} img`);
    await screenshot(console_, 'merchant-mall-picture-thumbnails');
    // A second item for the next order (the cup allows one a member).
    const tote = await ok<{ itemId: string }>(console_.request, url, 'mall', {
      action: 'createItem',
      kind: 'physical',
      title: '拾光帆布袋',
      pointsPrice: 10,
      stock: 5,
      category: '周边',
    });
    await desk.close();

    // ---- 小林, on her phone
    const phone = await app.browser().newContext(PHONE);
    const page = await phone.newPage();
    await page.request.post(url + '/api/login', { data: { role: 'consumer' } });
    const before = await ok<{ summary: { available: number } }>(page.request, url, 'points', { action: 'history' });
    expect(before.summary.available).toBeGreaterThanOrEqual(20);
    await page.goto(url + '/pages/mall/index');
    await page.locator(`.mall-item--${itemId}`).first().waitFor({ timeout: 30_000 });
    await imageShown(page, `.mall-item--${itemId} img`);
    await screenshot(page, 'mall-thumbnails');

    await page.locator(`.mall-item--${itemId}`).first().click();
    await page.locator('.mall-redeem').first().click();
    await page.locator('.mall-address').first().waitFor({ timeout: 15_000 });
    // The form names the field that is missing, as the form calls it.
    await page.locator('.mall-address-name input').first().fill('');
    await page.locator('.mall-redeem-confirm').first().click();
    await expect(page.locator('.mall-redeem-error').first().textContent()).resolves.toBe('收货人不能为空');
    await page.locator('.mall-address-name input').first().fill('林小姐');
    await page.locator('.mall-address-phone input').first().fill('13912345678');
    await page.locator('.mall-address-detail input').first().fill('南京西路 1788 号 12 楼');
    // The region from the picker: province, city, district.
    await page.locator('.mall-address-region').first().click();
    // Each level is a pane of its own (the earlier ones stay in the page behind their tabs).
    for (const [level, place] of ['上海市', '上海市', '静安区'].entries()) {
      await page
        .locator('.nut-cascader-pane')
        .nth(level)
        .locator('.nut-cascader-item-title', { hasText: new RegExp(`^${place}$`) })
        .first()
        .click();
      // The next level's pane opens (or, after the district, the picker closes and the row shows the region).
      if (level < 2)
        await page
          .locator('.nut-cascader-pane')
          .nth(level + 1)
          .waitFor();
      if (level === 1) await screenshot(page, 'mall-region-picker');
    }
    await expect(page.locator('.mall-region').first().textContent()).resolves.toBe('上海市 上海市 静安区');
    await screenshot(page, 'mall-address-region');

    await page.locator('.mall-redeem-confirm').first().click();
    const ask = page.locator('.mall-redeem-dialog').first();
    await ask.waitFor({ timeout: 15_000 });
    const asked = (await ask.textContent()) ?? '';
    expect(asked).toContain(`将消耗 10 积分兑换「拾光陶瓷杯」×1，兑换后剩余 ${before.summary.available - 10} 积分，库存减少 1 件`);
    expect(asked).toContain('未发货前可在「我的兑换」取消');
    await screenshot(page, 'mall-physical-ask-first');
    await ask.locator('.nut-dialog-footer-ok').first().click();
    await page.locator('.mall-redeemed').first().waitFor({ timeout: 15_000 });

    // The next order starts from this address (the last order's, on the server).
    await page.goto(url + `/pages/mall/item/index?id=${tote.itemId}`);
    await page.locator('.mall-redeem').first().click();
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('.mall-address-name input')?.value === '林小姐', undefined, { timeout: 15_000 });
    await expect(page.locator('.mall-region').first().textContent()).resolves.toBe('上海市 上海市 静安区');
    await expect(page.locator('.mall-address-detail input').first().inputValue()).resolves.toBe('南京西路 1788 号 12 楼');
    await screenshot(page, 'mall-address-remembered');

    // 取消兑换 asks first: the points back, the stock back.
    await page.goto(url + '/pages/mall/orders/index');
    await page.locator('.mall-order--paid .mall-order-cancel').first().waitFor({ timeout: 30_000 });
    await page.locator('.mall-order--paid .mall-order-cancel').first().click();
    const cancelAsk = page.locator('.mall-cancel-dialog').first();
    await cancelAsk.waitFor({ timeout: 15_000 });
    const cancelText = (await cancelAsk.textContent()) ?? '';
    expect(cancelText).toContain('取消「拾光陶瓷杯」×1：10 积分按原有效期退回');
    expect(cancelText).toContain('商品库存加回 1 件');
    await screenshot(page, 'mall-cancel-ask-first');
    await cancelAsk.locator('.nut-dialog-footer-ok').first().click();
    await page.locator('.mall-order--cancelled').first().waitFor({ timeout: 15_000 });
    await page.locator('.mall-toast', { hasText: '已取消，退回 10 积分' }).first().waitFor({ timeout: 5000 });
    await screenshot(page, 'mall-cancelled');
    const after = await ok<{ summary: { available: number } }>(page.request, url, 'points', { action: 'history' });
    expect(after.summary.available).toBe(before.summary.available);
    await phone.close();
  });
});
