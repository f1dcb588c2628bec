import { useH5App } from '../support/e2e';

jest.setTimeout(120_000);

describe('invitation page in a real browser', () => {
  const app = useH5App();

  it('shows the member a poster whose QR code carries their signed invitation, and the member day on the card', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    expect((await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer' } })).ok()).toBe(true);
    const api = (await (await page.request.post(app.server().url + '/api/fn/member', { data: { action: 'getInvite' } })).json()) as {
      ok: true;
      data: { token: string; path: string };
    };
    expect(api.ok).toBe(true);

    await page.goto(app.server().url + '/pages/invite/index');
    await page.locator('.invite-poster').first().waitFor({ timeout: 30_000 });
    const code = await page.locator('.invite-qr .member-code-qr').first().getAttribute('data-code');
    expect(code).toBe(`${app.server().url}/${api.data.path}`);
    expect(code).toContain(`invite=${encodeURIComponent(api.data.token)}`);
    expect(await page.locator('.invite-qr .member-code-qr__cell').count()).toBeGreaterThan(50);
    await page.locator('.invite-stats').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('.invite-stats__line').first().textContent()).resolves.toMatch(/已邀请 0 位好友，获得 0 积分/);

    // the card: the member day with its multiplier, and the way to the invitation
    await page.goto(app.server().url + '/pages/index/index');
    await page.locator('.member-day').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.member-day').first().textContent()).resolves.toMatch(/会员日.*×2/);
    await page.locator('.member-invite-link').first().click();
    await page.locator('.invite-poster').first().waitFor({ timeout: 30_000 });
    await context.close();
  });
});
