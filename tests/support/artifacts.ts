import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Where e2e journeys keep what they saw (git-ignored): screenshots of every page at a phone size. */
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');

/** A phone-sized screenshot of the page as the person sees it now: `test-artifacts/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(ARTIFACTS_DIR, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // From the top of the page (a tap lower down scrolled it), as a person opening it sees it first.
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    for (const el of Array.from(document.querySelectorAll('.taro_page, .taro_router, body, html'))) el.scrollTop = 0;
  });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** The phone the journeys are taken on (an iPhone 12–14 sized viewport). */
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
