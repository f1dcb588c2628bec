/**
 * Issue 26 item 5: 导出我的数据 gives the member a file they can read (Chinese labels, Beijing time,
 * ¥, signed points, one section per kind), as .txt or as .csv with a BOM for Excel, and JSON for
 * machines. The downloads and the screenshots are kept in test-artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useH5App } from '../support/e2e';
import { ARTIFACTS_DIR, PHONE, screenshot } from '../support/artifacts';

jest.setTimeout(180_000);

describe('导出我的数据 in the browser', () => {
  const app = useH5App();

  async function download(page: Page, kind: 'txt' | 'csv' | 'json'): Promise<{ name: string; text: string }> {
    await page.locator('.mydata-export').first().click();
    await page.locator(`.mydata-choice--${kind}`).first().waitFor({ timeout: 10_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`.mydata-choice--${kind}`).first().click()]);
    const dir = path.join(ARTIFACTS_DIR, 'downloads');
    fs.mkdirSync(dir, { recursive: true });
    const target = path.join(dir, `data-export.${kind}`);
    await file.saveAs(target);
    return { name: file.suggestedFilename(), text: fs.readFileSync(target, 'utf8') };
  }

  it('downloads a readable .txt, an Excel-ready .csv and the JSON', async () => {
    const context = await app.browser().newContext({ ...PHONE, acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(app.server().url + '/');
    await page.locator('.login-consumer').first().click();
    await page.locator('.member-card').first().waitFor({ timeout: 30_000 });
    await page.locator('.member-profile-link').first().click();
    await page.locator('.mydata-export').first().waitFor({ timeout: 15_000 });

    await page.locator('.mydata-export').first().click();
    await page.locator('.mydata-choice--txt').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'data-export-01-choices');
    await page
      .locator('.nut-overlay')
      .first()
      .click({ position: { x: 10, y: 10 } });
    await page.locator('.mydata-choice--txt').first().waitFor({ state: 'hidden', timeout: 10_000 });

    const txt = await download(page, 'txt');
    expect(txt.name).toMatch(/^我的会员数据-\d+-\d{4}-\d{2}-\d{2}\.txt$/);
    expect(txt.text.charCodeAt(0)).toBe(0xfeff);
    for (const title of ['【会员信息】', '【积分明细】', '【优惠券】', '【订单】', '【商城兑换】', '【签到】']) expect(txt.text).toContain(title);
    expect(txt.text).toMatch(/昵称：小林/);
    expect(txt.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} \| [^|]+ \| [+−]\d+/); // a ledger row: Beijing time, signed points
    expect(txt.text).toMatch(/¥\d+\.\d{2}/);
    expect(txt.text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/); // no UTC instants
    await page.getByText('已下载').first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'data-export-02-downloaded');

    const csv = await download(page, 'csv');
    expect(csv.name).toMatch(/\.csv$/);
    expect(csv.text.charCodeAt(0)).toBe(0xfeff);
    expect(csv.text).toContain('时间,类型,积分,说明,可用余额,生效日期');

    const json = await download(page, 'json');
    expect(json.name).toMatch(/\.json$/);
    const data = JSON.parse(json.text) as { format: string; ledger: unknown[] };
    expect(data.format).toBe('huiyuan-member-export/1');
    expect(data.ledger.length).toBeGreaterThan(0);
    await context.close();
  });
});
