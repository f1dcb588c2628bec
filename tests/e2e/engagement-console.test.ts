/**
 * The merchant's engagement console (issue 15) in a phone-sized browser against the built H5 app and
 * its own local cloud (the file changes settings): a referral reward and a dormancy day saved after
 * the confirmation and still there after a reload, and a job's run record after `POST /api/jobs/<job>/run`.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useH5App } from '../support/e2e';
import { ARTIFACTS_DIR, PHONE, screenshot } from '../support/artifacts';
import { openConsoleArea } from '../support/console';

jest.setTimeout(240_000);

/** Taro's H5 modal (showModal): its confirm button. */
const confirmModal = (page: Page) => page.locator('.taro-model__confirm >> visible=true').first();
const inputValue = (page: Page, selector: string) => page.locator(`${selector} input`).first().inputValue();

describe('merchant engagement console (H5, phone size, own local cloud)', () => {
  const app = useH5App({ ownServer: true });

  it('saves a referral reward and a dormancy day, keeps them over a reload, and shows a job run record', async () => {
    const url = app.server().url;
    const context = await app.browser().newContext(PHONE);
    try {
      const page = await context.newPage();
      expect((await page.request.post(url + '/api/login', { data: { role: 'merchant' } })).ok()).toBe(true);
      await page.goto(url + '/');
      await page.locator('.merchant-console').first().waitFor({ timeout: 30_000 });

      // 邀请有礼: the inviter's reward for a friend's 开卡, from the default 50 to 88 points (互动)
      await openConsoleArea(page, url, 'engagement');
      await page.locator('.merchant-tab-referral').first().click();
      await page.locator('.merchant-referral-version').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('.merchant-referral-version').first().textContent()).toBe('v0');
      expect(await inputValue(page, '.merchant-referral-onRegister')).toBe('50');
      await page.locator('.merchant-referral-onRegister input').first().fill('88');
      await page.locator('.merchant-referral-save').first().click();
      const confirm = confirmModal(page);
      await confirm.waitFor({ timeout: 10_000 });
      expect(await page.locator('.taro-modal__text >> visible=true').first().textContent()).toContain('好友开卡 88 积分');
      await confirm.click();
      await page.waitForFunction(() => document.querySelector('.merchant-referral-version')?.textContent === 'v1', undefined, { timeout: 15_000 });
      expect(await page.locator('.merchant-referral .merchant-saved').first().textContent()).toBe('已保存为第 1 版');
      await screenshot(page, 'engagement-01-referral-saved');

      // 会员生命周期: 预警 after 45 days instead of 30; an impossible order of days is refused before any save
      await page.locator('.merchant-tab-lifecycle').first().click();
      await page.locator('.merchant-lifecycle-version').first().waitFor({ timeout: 15_000 });
      expect(await inputValue(page, '.merchant-lifecycle-warningDays')).toBe('30');
      await page.locator('.merchant-lifecycle-warningDays input').first().fill('95');
      await page.locator('.merchant-lifecycle-save').first().click();
      await page.locator('.merchant-lifecycle .merchant-error').first().waitFor({ timeout: 10_000 });
      expect(await page.locator('.merchant-lifecycle .merchant-error').first().textContent()).toContain('预警 < 沉睡 < 流失');
      await page.locator('.merchant-lifecycle-warningDays input').first().fill('45');
      await page.locator('.merchant-lifecycle-save').first().click();
      await confirmModal(page).waitFor({ timeout: 10_000 });
      await confirmModal(page).click();
      await page.waitForFunction(() => document.querySelector('.merchant-lifecycle-version')?.textContent === 'v1', undefined, { timeout: 15_000 });
      await screenshot(page, 'engagement-02-lifecycle-saved');

      // 订阅消息 and 会员关怀 load for the merchant
      await openConsoleArea(page, url, 'settings');
      await page.locator('.merchant-tab-templates').first().click();
      await page.locator('.merchant-template-register').first().waitFor({ timeout: 15_000 });
      await page.locator('.merchant-template-id input').first().fill('tmplCheckin0001');
      await page.locator('.merchant-template-title input').first().fill('签到提醒');
      // a key WeChat would not accept is refused before anything is sent
      await page.locator('.merchant-template-fields input').first().fill('foo1 活动名称');
      await page.locator('.merchant-template-register').first().click();
      await page.locator('.merchant-templates .merchant-error').first().waitFor({ timeout: 10_000 });
      await page.locator('.merchant-template-fields input').first().fill('thing1 活动名称；date2 日期');
      await page.locator('.merchant-template-register').first().click();
      await confirmModal(page).waitFor({ timeout: 10_000 });
      await confirmModal(page).click();
      // the demo ships its reminders' templates registered: the new one joins them
      const row = page.locator('.merchant-template', { hasText: 'tmplCheckin0001' }).first();
      await row.waitFor({ timeout: 15_000 });
      expect(await page.locator('.merchant-template', { hasText: 'DEMO_TPL_BIRTHDAY' }).count()).toBe(1);
      const registered = (await row.textContent()) ?? '';
      expect(registered).toContain('签到提醒');
      expect(registered).toContain('tmplCheckin0001');
      expect(registered).toContain('日期：日期');
      await openConsoleArea(page, url, 'engagement');
      await page.locator('.merchant-tab-care').first().click();
      await page.locator('.merchant-care-version').first().waitFor({ timeout: 15_000 });
      await page.locator('.merchant-checkin-version').first().waitFor({ timeout: 15_000 });
      expect(await inputValue(page, '.merchant-checkin-dailyPoints')).toBe('2');
      await screenshot(page, 'engagement-04-care');

      // after a reload both are what the server keeps
      await page.reload();
      await page.locator('.merchant-console').first().waitFor({ timeout: 30_000 });
      await openConsoleArea(page, url, 'engagement');
      await page.locator('.merchant-tab-referral').first().click();
      await page.locator('.merchant-referral-version').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('.merchant-referral-version').first().textContent()).toBe('v1');
      expect(await inputValue(page, '.merchant-referral-onRegister')).toBe('88');
      await page.locator('.merchant-tab-lifecycle').first().click();
      await page.locator('.merchant-lifecycle-version').first().waitFor({ timeout: 15_000 });
      expect(await inputValue(page, '.merchant-lifecycle-warningDays')).toBe('45');
      expect(await inputValue(page, '.merchant-lifecycle-sleepingDays')).toBe('90');

      // a job run now (the control route takes the session) shows as its last run in 任务记录
      const run = (await (await page.request.post(url + '/api/jobs/dormancy/run')).json()) as {
        ok: boolean;
        data: { processed: number; skipped: number; errors: number };
      };
      expect(run.ok).toBe(true);
      await openConsoleArea(page, url, 'settings');
      await page.locator('.merchant-tab-jobs').first().click();
      const job = page.locator('.merchant-job--dormancy').first();
      await job.waitFor({ timeout: 15_000 });
      const jobText = (await job.textContent()) ?? '';
      expect(jobText).toContain('每天 04:30');
      expect(jobText).toContain('结束');
      expect(jobText).toContain(`处理 ${run.data.processed} · 跳过 ${run.data.skipped} · 错误 ${run.data.errors}`);
      // a job never run says so
      expect((await page.locator('.merchant-job--birthday').first().textContent()) ?? '').toContain('尚未运行');
      await job.locator('.merchant-job-history-toggle').first().click();
      await job.locator('.merchant-job-history .merchant-job-run').first().waitFor({ timeout: 15_000 });
      await screenshot(page, 'engagement-03-job-runs');
      // the page scrolls inside Taro's page element: the dormancy job's record on its own
      await job.screenshot({ path: path.join(ARTIFACTS_DIR, 'screenshots', 'engagement-03b-dormancy-runs.png') });
    } finally {
      await context.close();
    }
  });
});
