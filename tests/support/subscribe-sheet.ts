import type { Page } from 'playwright-core';

/**
 * Answers the H5 stand-in of WeChat's subscription dialog (components/SubscribeSheet), which opens
 * after the taps WeChat allows to ask (开卡, 领券, 签到): 允许 records the ticked templates, 取消 none.
 */
export async function answerSubscribeSheet(page: Page, answer: 'accept' | 'reject' = 'accept'): Promise<void> {
  const button = page
    .locator(answer === 'accept' ? '.subscribe-sheet__accept' : '.subscribe-sheet__reject')
    .locator('visible=true')
    .first();
  await button.waitFor({ timeout: 15_000 });
  await button.click();
  await page
    .locator('.subscribe-sheet__body')
    .locator('visible=true')
    .first()
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => undefined);
}
