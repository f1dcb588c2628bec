import { useH5App } from '../support/e2e';

jest.setTimeout(90_000);

describe('member card page: tier progress, benefits and the dynamic member code (H5, real local cloud)', () => {
  // Its own local cloud: the test moves that cloud's clock, which other files must not feel.
  const app = useH5App({ ownServer: true });

  it('shows the progress in words, both tiers’ benefits, and a QR + barcode code that refreshes with its window and that staff can identify', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    // The page's clock is Playwright's, so the 60 s window can pass without waiting for it.
    await context.clock.install();
    const page = await context.newPage();
    await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer' } });
    await page.goto(app.server().url + '/');
    await page.locator('.member-card').first().waitFor({ timeout: 30_000 });
    // The seeded demo consumer 小林 is 银卡: the next tier is 金卡.
    await expect(page.locator('.tier-progress-text').first().textContent()).resolves.toMatch(/^再消费 ¥\d+ \/ 再得 \d+ 成长值 升级金卡会员$/);
    const benefits = (await page.locator('.tier-benefits').first().textContent()) ?? '';
    expect(benefits).toContain('银卡会员权益');
    expect(benefits).toContain('升级金卡会员可享');
    // Only entitlements the product delivers are listed (no birthday template configured in the demo).
    expect(benefits).toContain('会员日到店 9.5 折');
    expect(benefits).not.toMatch(/生日礼券|免运费|积分兑换/);

    const text = page.locator('.member-code-text').first();
    await text.waitFor({ timeout: 30_000 });
    expect(await page.locator('.member-code-qr .member-code-qr__cell').count()).toBeGreaterThan(50);
    expect(await page.locator('.member-code-barcode .member-code-barcode__bar').count()).toBeGreaterThan(20);
    const first = ((await text.textContent()) ?? '').replace(/\s/g, '');
    expect(first).toMatch(/^\d{26}$/);
    const qrToken = await page.locator('.member-code-qr').first().getAttribute('data-code');
    expect(qrToken).toMatch(/^m1\.\d{12}\.\d+\.[A-Za-z0-9_-]{22}$/);

    // Staff scan what is on screen (the QR token and the typed digits): the member is identified.
    const staff = await app.browser().newContext();
    await staff.request.post(app.server().url + '/api/login', { data: { role: 'staff' } });
    const scanned = await (await staff.request.post(app.server().url + '/api/fn/member', { data: { action: 'identifyByCode', code: qrToken } })).json();
    expect(scanned).toMatchObject({ ok: true, data: { nickname: '小林', tier: { name: '银卡会员' } } });
    expect((await (await staff.request.post(app.server().url + '/api/fn/member', { data: { action: 'identifyByCode', code: first } })).json()).ok).toBe(true);

    // The client refreshes when the 60 s window ends: the code on screen changes. Both clocks move a
    // window on (the local cloud's by POST /api/clock, the page's by Playwright): no real minute waited.
    // The clock is the merchant's (development mode): the staff context signs in as the merchant for it.
    await staff.request.post(app.server().url + '/api/login', { data: { role: 'merchant' } });
    expect((await staff.request.post(app.server().url + '/api/clock', { data: { advanceMs: 61_000 } })).ok()).toBe(true);
    await page.clock.fastForward(61_000);
    await page.waitForFunction((old) => (document.querySelector('.member-code-text')?.textContent ?? '').replace(/\s/g, '') !== old, first, {
      timeout: 20_000,
      polling: 500,
    });
    const second = ((await text.textContent()) ?? '').replace(/\s/g, '');
    expect(second).toMatch(/^\d{26}$/);
    expect(second).not.toBe(first);
    expect(second.slice(0, 12)).toBe(first.slice(0, 12));
    await staff.close();
    await context.close();
  });

  it('opens the profile page from the card', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer', openid: 'e2e-profile' } });
    // 开卡 with consent (the policy is accepted then, so the profile says so).
    expect((await (await page.request.post(app.server().url + '/api/fn/member', { data: { action: 'join', agree: true } })).json()).ok).toBe(true);
    await page.goto(app.server().url + '/');
    await page.locator('.member-profile-link').first().click();
    await page.locator('.privacy-accepted').first().waitFor({ timeout: 30_000 });
    await page.locator('.profile-phone-button').first().click();
    await page.waitForFunction(() => /^138\d{8}$/.test(document.querySelector('.profile-phone')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await context.close();
  });
});
