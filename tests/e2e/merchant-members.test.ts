/**
 * The merchant console as pages and the members UI (issue 21 items 1, 2, 4, 7), at a phone's size and
 * at a desktop browser's, against the built H5 app and its own local cloud (the file tags, notes and
 * adjusts the demo member): search the demo member by phone (shown masked), refuse an unknown card
 * number, open the member (the look logged), tag them, note them, adjust points after the
 * confirmation, build and save a segment and see its count equal the length of its member walk.
 */
import type { Page } from 'playwright-core';
import { useH5App } from '../support/e2e';
import { PHONE, screenshot } from '../support/artifacts';

jest.setTimeout(300_000);

const DESKTOP = { viewport: { width: 1280, height: 800 } } as const;
/** the demo member (local-cloud/tools/seed.ts): 小林, phone 13910000000 */
const DEMO_PHONE = '13910000000';
const DEMO_MASKED = '139****0000';

const text = async (page: Page, selector: string) => ((await page.locator(`${selector} >> visible=true`).first().textContent()) ?? '').trim();
const visible = (page: Page, selector: string) => page.locator(`${selector} >> visible=true`).first();
const waitText = (page: Page, selector: string, pattern: RegExp) =>
  page.waitForFunction(
    ({ selector, source }) => Array.from(document.querySelectorAll(selector)).some((el) => new RegExp(source).test(el.textContent ?? '')),
    { selector, source: pattern.source },
    { timeout: 20_000 },
  );

async function searchDemoMember(page: Page) {
  await visible(page, '.merchant-members-search-input input').fill(DEMO_PHONE);
  await visible(page, '.merchant-members-search-go').click();
  // the answer to this search: one visible member, the demo member (not the first page shown on open)
  await page.waitForFunction(
    (masked) => {
      const shown = Array.from(document.querySelectorAll('.merchant-member')).filter((el) => (el as HTMLElement).offsetParent !== null);
      return shown.length === 1 && (shown[0].textContent ?? '').includes(masked);
    },
    DEMO_MASKED,
    { timeout: 20_000 },
  );
  expect(await page.locator('.merchant-member >> visible=true').count()).toBe(1);
  const row = await text(page, '.merchant-member');
  expect(row).toContain(DEMO_MASKED);
  expect(row).not.toContain(DEMO_PHONE);
}

describe('merchant console pages and members (H5, own local cloud)', () => {
  const app = useH5App({ ownServer: true });

  it('at phone size: the home grid, a member found by phone, tagged, noted, points adjusted after the confirmation; a segment counted and walked', async () => {
    const url = app.server().url;
    const context = await app.browser().newContext(PHONE);
    try {
      const page = await context.newPage();
      expect((await page.request.post(url + '/api/login', { data: { role: 'merchant' } })).ok()).toBe(true);
      await page.goto(url + '/');
      await page.locator('.merchant-home').first().waitFor({ timeout: 30_000 });
      for (const area of ['members', 'dashboard', 'tiers', 'rules', 'coupons', 'mall', 'risk', 'engagement', 'stores', 'settings'])
        expect(await page.locator(`.merchant-area-${area} >> visible=true`).count()).toBe(1);
      // the side menu is a desktop's: not on a phone
      expect(await page.locator('.merchant-side >> visible=true').count()).toBe(0);
      await screenshot(page, 'console-01-home-phone');

      await visible(page, '.merchant-area-members').click();
      await page.locator('.merchant-member >> visible=true').first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'console-02-members-phone');

      // an unknown card number says so
      await visible(page, '.merchant-members-search-input input').fill('899999999999');
      await visible(page, '.merchant-members-search-go').click();
      await waitText(page, '.merchant-members-empty', /没有卡号为 899999999999 的会员/);

      await searchDemoMember(page);
      await screenshot(page, 'console-03-search-phone');
      await visible(page, '.merchant-member').click();
      await visible(page, '.merchant-detail-card').waitFor({ timeout: 30_000 });
      expect(await text(page, '.merchant-detail-ids')).toContain(DEMO_MASKED);
      expect(await page.locator('.merchant-detail >> visible=true').first().textContent()).not.toContain(DEMO_PHONE);
      // this look is in the access log, first
      expect(await text(page, '.merchant-detail-access-row')).toContain('后台查看');

      // a manual tag and a note
      await visible(page, '.merchant-detail-tag-input input').fill('VIP客户');
      await visible(page, '.merchant-detail-tag-add').click();
      await waitText(page, '.merchant-detail-tag--manual', /VIP客户/);
      await visible(page, '.merchant-detail-note-input textarea').fill('喜欢燕麦拿铁');
      await visible(page, '.merchant-detail-note-save').click();
      await waitText(page, '.merchant-detail-note', /喜欢燕麦拿铁/);

      // adjust points: cancelled first (nothing happens), then confirmed (the result shows the balance)
      const before = Number(/^\d+/.exec(await text(page, '.merchant-detail-points'))![0]);
      await visible(page, '.merchant-adjust-amount input').fill('50');
      await visible(page, '.merchant-adjust-reason input').fill('活动补发');
      await visible(page, '.merchant-adjust-submit').click();
      await visible(page, '.merchant-confirm').waitFor({ timeout: 10_000 });
      expect(await text(page, '.merchant-confirm')).toContain(`增加 50 积分`);
      expect(await text(page, '.merchant-confirm')).toContain(`调整后 ${before + 50} 积分`);
      await screenshot(page, 'console-04-adjust-confirm-phone');
      await visible(page, '.merchant-confirm .nut-dialog-footer-cancel').click();
      expect(await page.locator('.merchant-adjust-result >> visible=true').count()).toBe(0);
      expect(Number(/^\d+/.exec(await text(page, '.merchant-detail-points'))![0])).toBe(before);
      await visible(page, '.merchant-adjust-submit').click();
      await visible(page, '.merchant-confirm .nut-dialog-footer-ok').click();
      await waitText(page, '.merchant-adjust-result', new RegExp(`当前可用 ${before + 50} 积分`));
      await waitText(page, '.merchant-detail-points', new RegExp(`^${before + 50}`));
      await waitText(page, '.merchant-ledger-row--adjust', /活动补发/);
      await screenshot(page, 'console-05-member-phone');

      // tags page: the manual tag with its count, the automatic ones with their rules
      await openMembersPage(page, url, 'tags');
      await waitText(page, '.merchant-tag-row', /VIP客户.*1 人/);
      expect(await page.locator('.merchant-tags-auto .merchant-tag-row >> visible=true').count()).toBe(8);
      await screenshot(page, 'console-06-tags-phone');

      // segment builder: the tag picked, the live count, saved, walked
      await openMembersPage(page, url, 'segments');
      await waitText(page, '.merchant-segment-count', /^\d+$/);
      await visible(page, '.merchant-filter-tags-option--VIP客户').click();
      await waitText(page, '.merchant-segment-count', /^1$/);
      await visible(page, '.merchant-segment-name input').fill('贵宾');
      await visible(page, '.merchant-segment-save').click();
      await waitText(page, '.merchant-segment-saved', /已保存「贵宾」第 1 版/);
      const saved = visible(page, '.merchant-saved-segment');
      await waitText(page, '.merchant-saved-segment-count', /^1$/);
      await saved.locator('.merchant-saved-segment-walk').first().click();
      await waitText(page, '.merchant-saved-segment-walked', /共 1 位会员/);

      // a larger one: every member of the first tier; its count is the length of its walk
      await visible(page, '.merchant-filter-tags-option--VIP客户').click();
      await visible(page, '.merchant-filter-tiers-option--normal').click();
      // the new count: a number other than the tag's 1 (the live count answers the latest draft)
      await waitText(page, '.merchant-segment-count', /^(?!1$)\d+$/);
      await visible(page, '.merchant-segment-name input').fill('普通会员');
      await visible(page, '.merchant-segment-save').click();
      await waitText(page, '.merchant-segment-saved', /已保存「普通会员」第 1 版/);
      const row = page.locator('.merchant-saved-segment', { hasText: '普通会员' }).first();
      await page.waitForFunction(
        () =>
          Array.from(document.querySelectorAll('.merchant-saved-segment')).some(
            (el) => (el.textContent ?? '').includes('普通会员') && /^\d+$/.test(el.querySelector('.merchant-saved-segment-count')?.textContent ?? ''),
          ),
        undefined,
        { timeout: 20_000 },
      );
      const count = Number(await row.locator('.merchant-saved-segment-count').first().textContent());
      expect(count).toBeGreaterThan(1);
      expect(Number(await text(page, '.merchant-segment-count'))).toBe(count);
      await row.locator('.merchant-saved-segment-walk').first().click();
      await row.locator('.merchant-saved-segment-walked').first().waitFor({ timeout: 30_000 });
      expect(await row.locator('.merchant-saved-segment-walked').first().textContent()).toBe(`共 ${count} 位会员`);
      // the eight RFM segments, each with its hint
      expect(await page.locator('.merchant-rfm-row >> visible=true').count()).toBe(8);
      await screenshot(page, 'console-07-segments-phone');
    } finally {
      await context.close();
    }
  });

  it('at desktop size: the side menu beside each area; search, the member page and the segment builder', async () => {
    const url = app.server().url;
    const context = await app.browser().newContext(DESKTOP);
    try {
      const page = await context.newPage();
      expect((await page.request.post(url + '/api/login', { data: { role: 'merchant' } })).ok()).toBe(true);
      await page.goto(url + '/');
      await page.locator('.merchant-home').first().waitFor({ timeout: 30_000 });
      await visible(page, '.merchant-side').waitFor({ timeout: 10_000 });
      await screenshot(page, 'console-11-home-desktop');

      await visible(page, '.merchant-side-members').click();
      await visible(page, '.merchant-area-page--members').waitFor({ timeout: 30_000 });
      // the side menu stays beside the area
      await visible(page, '.merchant-side-members').waitFor();
      await searchDemoMember(page);
      await screenshot(page, 'console-12-members-desktop');
      await visible(page, '.merchant-member').click();
      await visible(page, '.merchant-detail-card').waitFor({ timeout: 30_000 });
      await screenshot(page, 'console-13-member-desktop');

      await openMembersPage(page, url, 'segments');
      await waitText(page, '.merchant-segment-count', /^\d+$/);
      await screenshot(page, 'console-14-segments-desktop');

      await visible(page, '.merchant-side-risk').click();
      await visible(page, '.merchant-area-page--risk').waitFor({ timeout: 30_000 });
      await visible(page, '.merchant-tab-access').click();
      await screenshot(page, 'console-15-risk-desktop');
    } finally {
      await context.close();
    }
  });
});

/** A page of the members area, opened fresh (no earlier page left hidden in the H5 stack). */
async function openMembersPage(page: Page, url: string, which: 'tags' | 'segments') {
  await page.goto(`${url}/pages/merchant/members/${which}/index`);
  await page.locator(`.merchant-members-nav-${which} >> visible=true`).first().waitFor({ timeout: 30_000 });
}
