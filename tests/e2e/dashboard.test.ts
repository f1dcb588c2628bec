/**
 * Issue 21 item 5: the merchant opens 数据看板 on the seeded demo (a year and more of history, a
 * snapshot every night) in a phone-sized and a desktop-sized browser: the cards, the charts drawn
 * (uCharts on a canvas), the redemption alert, and a table exported as CSV (BOM, Chinese headers).
 * Screenshots kept in test-artifacts/screenshots.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useH5App } from '../support/e2e';
import { ARTIFACTS_DIR, PHONE, screenshot } from '../support/artifacts';

jest.setTimeout(240_000);

const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } as const;

/** How many pixels of a chart's canvas are drawn (not the white background). */
/** How much a chart's canvas has drawn (pixels sampled that are not near-white). */
function canvasInk(sel: string): number {
  const canvas = document.querySelector(`${sel} canvas`) as HTMLCanvasElement | null;
  const ctx = canvas?.getContext('2d');
  if (!canvas || !ctx || !canvas.width) return 0;
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 0; i < data.length; i += 16) if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) ink += 1;
  return ink;
}
const inkOf = (page: Page, selector: string) => page.evaluate(canvasInk, selector);
/** The charts draw with an animation: wait (on the page, not the clock) until this one has ink. */
const inked = (page: Page, selector: string) =>
  page.waitForFunction(([sel, fn]) => (new Function(`return (${fn})`)() as (s: string) => number)(sel) > 200, [selector, canvasInk.toString()] as const, {
    timeout: 30_000,
  });

describe('the merchant’s dashboard (H5, seeded demo)', () => {
  const app = useH5App();

  for (const [size, options] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`shows the year's figures, charts and alert at ${size} size, and exports a table as CSV`, async () => {
      const url = app.server().url;
      const context = await app.browser().newContext({ ...options, acceptDownloads: true });
      try {
        const page = await context.newPage();
        expect((await page.request.post(url + '/api/login', { data: { role: 'merchant' } })).ok()).toBe(true);
        await page.goto(url + '/pages/merchant/dashboard/index');
        await page.locator('.dash-card-members').first().waitFor({ timeout: 60_000 });
        const members = Number(await page.locator('.dash-card-members .dash-card__value').first().textContent());
        expect(members).toBeGreaterThan(100);
        expect(await page.locator('.dash-card-liability .dash-card__value').first().textContent()).toMatch(/^¥\d+\.\d{2}$/);
        expect(await page.locator('.dash-card-redemption .dash-card__value').first().textContent()).toMatch(/%$/);
        // Every chart drew something: a year of months, two stores, the tiers, the RFM segments.
        for (const chart of ['members', 'points', 'stores', 'tiers', 'rfm']) {
          await inked(page, `.dash-chart-${chart}`);
          expect(await inkOf(page, `.dash-chart-${chart}`)).toBeGreaterThan(200);
        }
        expect(await page.locator('.dash-panel-cohorts .dash-table__row').count()).toBeGreaterThan(10);
        await screenshot(page, `dashboard-${size}`);
        // The whole page, charts and tables included: Taro's page view scrolls inside itself, so it is
        // let grow to its content for this one picture.
        await page.evaluate(() => {
          for (const el of Array.from(document.querySelectorAll<HTMLElement>('.taro_page, .taro_router, body, html'))) {
            el.style.height = 'auto';
            el.style.overflow = 'visible';
          }
        });
        await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'screenshots', `dashboard-${size}-full.png`), fullPage: true });

        if (size === 'desktop') {
          const download = page.waitForEvent('download');
          await page.locator('.dash-export-members').first().click();
          // The browser runs in the e2e server's process: the file is copied here to be read.
          const file = path.join(os.tmpdir(), `dashboard-${process.pid}.csv`);
          await (await download).saveAs(file);
          const csv = fs.readFileSync(file, 'utf8');
          fs.rmSync(file, { force: true });
          expect(csv.startsWith('\uFEFF月份,新增会员,月末会员数,订单数,销售额(元)')).toBe(true);
          expect(csv.trim().split('\r\n').length).toBe(14); // the header and 13 months
        } else {
          // The range buttons: 近30天 reloads with a month's figures.
          await page.locator('.dash-range-30').first().click();
          await page.waitForFunction(() => (document.querySelector('.dash-asof')?.textContent ?? '').includes('至'), undefined, { timeout: 30_000 });
          await page.locator('.dash-card-members').first().waitFor({ timeout: 30_000 });
          await screenshot(page, 'dashboard-phone-30d');
        }
      } finally {
        await context.close();
      }
    });
  }
});
