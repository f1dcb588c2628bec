import { useH5App } from '../support/e2e';

jest.setTimeout(120_000);

describe('points history page in a real browser', () => {
  const app = useH5App();

  it('shows the demo consumer her points by month, with reasons, and what expires soon', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const login = await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer' } });
    expect(login.ok()).toBe(true);
    const api = (await (await page.request.post(app.server().url + '/api/fn/points', { data: { action: 'history' } })).json()) as {
      ok: true;
      data: { summary: { available: number; pending: number; expiringSoon: number }; entries: { reason: string }[] };
    };
    expect(api.ok).toBe(true);

    await page.goto(app.server().url + '/pages/points/index');
    await page.locator('.points-history').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.points-available').first().textContent()).resolves.toBe(String(api.data.summary.available));
    expect(await page.locator('.points-month').count()).toBeGreaterThan(1);
    // every line the page shows is the history's line, in its order, with its reason
    const shown = await page.locator('.points-entry').allTextContents();
    expect(shown).toHaveLength(api.data.entries.length);
    api.data.entries.forEach((e, i) => expect(shown[i]).toContain(e.reason));
    await expect(page.locator('.points-month').first().textContent()).resolves.toMatch(/\d{4}年\d{1,2}月/);
    if (api.data.summary.expiringSoon > 0) {
      await expect(page.locator('.points-expiring').first().textContent()).resolves.toContain('即将过期');
    }
    // the registration bonus (a year back) is in the history with its reason
    expect(api.data.entries.map((e) => e.reason)).toContain('注册礼');
    expect(shown.filter((line) => line.includes('注册礼'))).toHaveLength(1);
    await context.close();
  });
});
