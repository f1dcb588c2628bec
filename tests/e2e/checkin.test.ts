import { useH5App } from '../support/e2e';
import { answerSubscribeSheet } from '../support/subscribe-sheet';

jest.setTimeout(120_000);

describe('daily check-in in a real browser', () => {
  const app = useH5App();

  it('checks the demo consumer in and shows the streak, the points and the day on the calendar', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const login = await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer' } });
    expect(login.ok()).toBe(true);

    await page.goto(app.server().url + '/pages/checkin/index');
    await page.locator('.checkin-button').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.checkin-streak').first().textContent()).toBe('0');
    const before = Number(await page.locator('.checkin-points').first().textContent());
    expect(await page.locator('.checkin-day--done').count()).toBe(0);

    await page.locator('.checkin-button').first().click();
    await answerSubscribeSheet(page);
    await page.locator('.checkin-toast').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('.checkin-toast').first().textContent()).resolves.toContain('签到成功，获得 2 积分');
    await page.waitForFunction(() => document.querySelector('.checkin-streak')?.textContent === '1', undefined, { timeout: 15_000 });
    expect(Number(await page.locator('.checkin-points').first().textContent())).toBe(before + 2);
    expect(await page.locator('.checkin-day--done').count()).toBe(1);
    await expect(page.locator('.checkin-day--today').first().textContent()).resolves.toContain('+2');
    await expect(page.locator('.checkin-button').first().textContent()).resolves.toContain('今日已签到');

    // a second tap (through the API) earns nothing more
    const again = (await (await page.request.post(app.server().url + '/api/fn/checkin', { data: { action: 'checkIn' } })).json()) as {
      ok: boolean;
      data: { already: boolean; streak: number };
    };
    expect(again).toMatchObject({ ok: true, data: { already: true, streak: 1 } });
    await context.close();
  });
});
