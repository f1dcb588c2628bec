/**
 * Issue 26 items 1 and 2 in the browser: 开卡 asks for subscriptions with the H5 stand-in of WeChat's
 * dialog (and the answer is recorded as on the phone), and on the member's birthday the card greets
 * them with the day's points multiplier. Screenshots in test-artifacts/screenshots.
 */
import { businessDate } from '../../shared/calendar';
import { useH5App } from '../support/e2e';
import { PHONE, screenshot } from '../support/artifacts';
import { answerSubscribeSheet } from '../support/subscribe-sheet';

jest.setTimeout(120_000);

describe('reminders asked for at 开卡, the birthday greeted on the card (H5)', () => {
  const app = useH5App();

  it('asks with the stand-in sheet at 开卡, records the answer, and greets on the birthday with ×2', async () => {
    const context = await app.browser().newContext(PHONE);
    const page = await context.newPage();
    const url = app.server().url;
    const openid = `e2e-bday-${Date.now().toString(36)}`;
    expect((await page.request.post(url + '/api/login', { data: { role: 'consumer', openid } })).ok()).toBe(true);
    await page.goto(url + '/');
    await page.locator('.join-agree').locator('visible=true').first().click();
    await page.locator('.join-submit').locator('visible=true').first().click();

    // The stand-in: the brand asks, one ticked line per reminder (the demo's registered templates).
    const sheet = page.locator('.subscribe-sheet__body').locator('visible=true').first();
    await sheet.waitFor({ timeout: 30_000 });
    await expect(sheet.textContent()).resolves.toContain('申请向你发送以下订阅消息');
    for (const title of ['会员生日提醒', '优惠券到期提醒', '积分过期提醒']) await expect(sheet.textContent()).resolves.toContain(title);
    await screenshot(page, 'journeys-26-subscribe-sheet');
    const recorded = page.waitForResponse((r) => r.url().endsWith('/api/fn/member') && r.request().postData()?.includes('recordSubscriptions') === true);
    await answerSubscribeSheet(page, 'accept');
    const answer = (await (await recorded).json()) as { ok: boolean; data: { recorded: { templateId: string; credits: number }[] } };
    expect(answer.ok).toBe(true);
    expect(answer.data.recorded.map((r) => r.templateId).sort()).toEqual(['DEMO_TPL_BIRTHDAY', 'DEMO_TPL_COUPON_EXPIRY', 'DEMO_TPL_POINTS_EXPIRY']);
    await page.locator('.member-card').locator('visible=true').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.member-card__birthday').count()).toBe(0);

    // A nickname and a birthday of today (Shanghai): the card greets and tells the ×2.
    // The local clock is the merchant's to read (development mode): a merchant context asks it.
    const merchant = await app.browser().newContext();
    expect((await merchant.request.post(url + '/api/login', { data: { role: 'merchant' } })).ok()).toBe(true);
    const clock = (await (await merchant.request.get(url + '/api/clock')).json()) as { data: { now: string } };
    await merchant.close();
    const today = businessDate(new Date(clock.data.now));
    const fn = async (data: Record<string, unknown>) => (await (await page.request.post(url + '/api/fn/member', { data })).json()) as { ok: boolean };
    expect(await fn({ action: 'updateProfile', nickname: '阿宝' })).toMatchObject({ ok: true });
    expect(await fn({ action: 'setBirthday', month: Number(today.slice(5, 7)), day: Number(today.slice(8)) })).toMatchObject({ ok: true });
    await page.goto(url + '/');
    const greeting = page.locator('.member-card__birthday').locator('visible=true').first();
    await greeting.waitFor({ timeout: 30_000 });
    await expect(greeting.textContent()).resolves.toContain('阿宝，生日快乐！');
    await expect(page.locator('.member-birthday').locator('visible=true').first().textContent()).resolves.toContain('今天是您的生日，消费积分 ×2');
    await screenshot(page, 'journeys-26-card-birthday');
    await context.close();
  });
});
