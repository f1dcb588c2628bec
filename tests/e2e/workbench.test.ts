import type { APIRequestContext } from 'playwright-core';
import { useH5App } from '../support/e2e';
import { openConsoleArea } from '../support/console';
import type { Result } from '../../shared/envelope';
import type { ResultOf } from '../../shared/contract';
import type { pointsContract } from '../../shared/contracts/points';

jest.setTimeout(180_000);

/** What `points.history` answers (the points contract). */
type History = ResultOf<typeof pointsContract, 'history'>;

async function call<T>(request: APIRequestContext, url: string, fn: string, data: Record<string, unknown>): Promise<T> {
  const res = (await (await request.post(`${url}/api/fn/${fn}`, { data })).json()) as Result<T>;
  if (!res.ok) throw new Error(`${fn}.${String(data.action)}: ${res.code} ${res.message}`);
  return res.data;
}

describe('staff workbench and merchant console (H5, real local cloud)', () => {
  const app = useH5App();

  it('staff land on the workbench, identify 小林 by her member code and record an order that shows as pending in her history', async () => {
    const url = app.server().url;
    // The consumer, in her own browser context: her current member code and her history before.
    const consumer = await app.browser().newContext();
    await consumer.request.post(url + '/api/login', { data: { role: 'consumer' } });
    const code = await call<{ code: string; numeric: string | null }>(consumer.request, url, 'member', { action: 'getMemberCode' });
    const before = await call<History>(consumer.request, url, 'points', { action: 'history' });
    expect(await call<{ role: string | null }>(consumer.request, url, 'member', { action: 'myRole' })).toEqual({ role: null });

    const staff = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await staff.newPage();
    await page.request.post(url + '/api/login', { data: { role: 'staff' } });
    await page.goto(url + '/');
    await page.locator('.staff-workbench').first().waitFor({ timeout: 30_000 });
    expect(page.url()).toContain('/pages/staff/index');
    // The loading view carries the same class: wait for the loaded workbench, not just the element.
    await page.waitForFunction(() => (document.querySelector('.staff-workbench')?.textContent ?? '').includes('静安寺店'), undefined, { timeout: 30_000 });
    // Signing in as staff did not make the clerk a member.
    expect((await call<{ role: string | null }>(page.request, url, 'member', { action: 'myRole' })).role).toBe('staff');

    // No card at hand: the member's mobile number finds them (by keyed hash); staff see it masked.
    await page.locator('.staff-code-input input').first().fill('139 1000 0000');
    await page.locator('.staff-identify').first().click();
    await page.locator('.staff-member-summary').first().waitFor({ timeout: 10_000 });
    const byPhone = (await page.locator('.staff-member-summary').first().textContent()) ?? '';
    expect(byPhone).toContain('小林');
    expect(byPhone).toContain('139****0000');

    // A wrong code: a clear message from the envelope, and the previous member is cleared.
    await page.locator('.staff-code-input input').first().fill('12345');
    await page.locator('.staff-identify').first().click();
    await page.locator('.staff-identify-error').first().waitFor({ timeout: 10_000 });
    await expect(page.locator('.staff-identify-error').first().textContent()).resolves.toContain('会员码');
    expect(await page.locator('.staff-member-summary').count()).toBe(0);

    await page
      .locator('.staff-code-input input')
      .first()
      .fill(code.numeric ?? code.code);
    await page.locator('.staff-identify').first().click();
    const summary = page.locator('.staff-member-summary').first();
    await summary.waitFor({ timeout: 10_000 });
    const summaryText = (await summary.textContent()) ?? '';
    expect(summaryText).toContain('小林');
    expect(summaryText).toMatch(/1\d{2}\*{4}\d{4}|8\d{11}/);
    expect(summaryText).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/); // never the full phone number

    // One latte and ¥256 typed at the till: ¥288.
    await page.locator('.staff-menu-plus--COF-LAT').first().click();
    await page.locator('.staff-amount-input input').first().fill('256');
    await expect(page.locator('.staff-order-total').first().textContent()).resolves.toBe('¥288.00');
    await page.locator('.staff-record-order').first().click();
    const result = page.locator('.staff-order-result').first();
    await result.waitFor({ timeout: 15_000 });
    const credited = Number(((await page.locator('.staff-order-points').first().textContent()) ?? '').replace('+', ''));
    expect(credited).toBeGreaterThan(0);
    await expect(result.textContent()).resolves.toMatch(/待生效|待商家审核/);

    // 小林's own history now holds the pending entry.
    const after = await call<History>(consumer.request, url, 'points', { action: 'history' });
    expect(after.summary.pending).toBe(before.summary.pending + credited);
    const entry = after.entries.find((e) => !before.entries.some((b) => b.id === e.id));
    expect(entry).toMatchObject({ kind: 'earn', points: credited });
    expect(entry?.maturesOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await staff.close();
    await consumer.close();
  });

  it('the merchant lands on the console; reconciliation finds no drift on the seed; saving a tier threshold bumps the version', async () => {
    const url = app.server().url;
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.request.post(url + '/api/login', { data: { role: 'merchant' } });
    await page.goto(url + '/');
    await page.locator('.merchant-console').first().waitFor({ timeout: 30_000 });
    expect(page.url()).toContain('/pages/merchant/index');

    await openConsoleArea(page, url, 'risk');
    await page.locator('.merchant-tab-reconcile').first().click();
    await page.locator('.merchant-reconcile').first().click();
    await page.locator('.merchant-reconcile-result').first().waitFor({ timeout: 90_000 });
    await expect(page.locator('.merchant-reconcile-drifts').first().textContent()).resolves.toBe('0');
    expect(Number(await page.locator('.merchant-reconcile-checked').first().textContent())).toBeGreaterThanOrEqual(301);

    await openConsoleArea(page, url, 'tiers');
    const version = page.locator('.merchant-tier-version').first();
    await version.waitFor({ timeout: 10_000 });
    const v0 = Number(((await version.textContent()) ?? '').replace('v', ''));
    await page.locator('.merchant-tier-threshold--silver input').first().fill('1200');
    await page.locator('.merchant-tier-save').first().click();
    // saving the ladder asks first (issue 26 item 4)
    await page.locator('.taro-model__confirm >> visible=true').first().click();
    await page.waitForFunction((v) => document.querySelector('.merchant-tier-version')?.textContent === `v${v}`, v0 + 1, { timeout: 10_000 });
    const saved = await call<{ config: { version: number; tiers: { id: string; threshold: number }[] } }>(page.request, url, 'member', {
      action: 'getTierConfig',
    });
    expect(saved.config.version).toBe(v0 + 1);
    expect(saved.config.tiers.find((t) => t.id === 'silver')?.threshold).toBe(1200);

    // The other sections answer too: rules, fraud list, POS secret (masked until 显示).
    await openConsoleArea(page, url, 'rules');
    await page.locator('.merchant-rules-version').first().waitFor({ timeout: 10_000 });
    await openConsoleArea(page, url, 'risk');
    await page.locator('.merchant-tab-fraud').first().click();
    await page.locator('.merchant-fraud-list').first().waitFor({ timeout: 10_000 });
    // Staff lookups are accountable: one by phone (made here, as the clerk) shows in 查询记录.
    const clerk = await app.browser().newContext();
    await clerk.request.post(url + '/api/login', { data: { role: 'staff' } });
    await call(clerk.request, url, 'member', { action: 'identifyByPhone', phone: '13910000000' });
    await clerk.close();
    await page.locator('.merchant-tab-access').first().click();
    await page.locator('.merchant-access-item').first().waitFor({ timeout: 10_000 });
    await expect(page.locator('.merchant-access-item').first().textContent()).resolves.toMatch(/店员 小吴.*以手机号识别会员 \d+/);

    await openConsoleArea(page, url, 'stores');
    const secret = page.locator('.merchant-pos-store--store-jingan .merchant-pos-secret').first();
    await page.waitForFunction(
      () => (document.querySelector('.merchant-pos-store--store-jingan .merchant-pos-secret')?.textContent ?? '').includes('•'),
      undefined,
      { timeout: 10_000 },
    );
    await page.locator('.merchant-pos-store--store-jingan .merchant-pos-toggle').first().click();
    await expect(secret.textContent()).resolves.not.toContain('•');
    await context.close();
  });
});
