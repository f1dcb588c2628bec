import path from 'node:path';
import { useH5App } from '../support/e2e';
import { answerSubscribeSheet } from '../support/subscribe-sheet';

jest.setTimeout(120_000);

describe('H5 app in a real browser', () => {
  const app = useH5App();

  it('signs in as the demo consumer and shows the seeded member card', async () => {
    const page = await app.browser().newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await page.goto(app.server().url + '/');
    await page.locator('.login-consumer').first().click();
    const card = page.locator('.member-card').first();
    await card.waitFor({ timeout: 30_000 });
    await expect(page.locator('.member-nickname').first().textContent()).resolves.toContain('小林');
    await expect(page.locator('.member-tier').first().textContent()).resolves.toContain('银卡会员');
    // The seed replays a year of orders through the points rules (T+1 maturity, 12-month expiry,
    // member days), so the balance depends on the day it is seeded: compare with the ledger-backed API.
    const seeded = (await (await page.request.post(app.server().url + '/api/fn/points', { data: { action: 'history' } })).json()) as {
      data: { summary: { available: number } };
    };
    expect(seeded.data.summary.available).toBeGreaterThan(100);
    await expect(page.locator('.member-points-available').first().textContent()).resolves.toBe(String(seeded.data.summary.available));
    if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: path.resolve(__dirname, '../../docs/screenshot.png') });
    await page.close();
  });

  it('shows a brand-new consumer the 开卡 page on first open, and the card after consent', async () => {
    const context = await app.browser().newContext();
    const page = await context.newPage();
    // Signing in over the API shares the session cookie with the page, as the sign-in panel does.
    const res = await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer', openid: 'e2e-newcomer' } });
    expect(res.ok()).toBe(true);
    await page.goto(app.server().url + '/');
    await page.locator('.join-submit').first().waitFor({ timeout: 30_000 });
    await page.locator('.join-agree').first().click();
    await page.locator('.join-submit').first().click();
    await answerSubscribeSheet(page);
    await page.locator('.member-card').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.member-tier').first().textContent()).resolves.toContain('普通会员');
    // The registration gift: exactly the rules' 100 points.
    await expect(page.locator('.member-points-available').first().textContent()).resolves.toBe('100');
    await context.close();
  });
});
