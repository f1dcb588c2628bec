/**
 * The merchant console is a home grid and one page per area (issue 21 item 7): e2e tests open an
 * area the way a merchant does, from the home's tile (a fresh load, so no page of an earlier area
 * stays behind hidden in the H5 page stack).
 */
import type { Page } from 'playwright-core';

type ConsoleAreaId = 'members' | 'dashboard' | 'tiers' | 'rules' | 'coupons' | 'mall' | 'risk' | 'engagement' | 'stores' | 'settings';

export async function openConsoleArea(page: Page, url: string, area: ConsoleAreaId): Promise<void> {
  await page.goto(url + '/');
  await page.locator('.merchant-home').first().waitFor({ timeout: 30_000 });
  await page.locator(`.merchant-area-${area} >> visible=true`).first().click();
  await page.locator(`.merchant-area-page--${area} >> visible=true`).first().waitFor({ timeout: 30_000 });
}
