/**
 * Issue 26 on the consumer's pages, at phone size against the built H5 app and a real local cloud:
 * ask before it costs (the birthday), points rows that say what happened, the card at the counter,
 * the invitation selling both sides, no dead ends, one UI kit. A screenshot per item is kept in
 * test-artifacts/screenshots (consumer-*.png).
 */
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import { useH5App } from '../support/e2e';
import { PHONE, screenshot } from '../support/artifacts';
import type { Result } from '../../shared/envelope';
import type { PointsHistory } from '../../shared/schemas/points';
import { describePointsLine } from '../../shared/rules/points-label';

jest.setTimeout(180_000);

async function api<T = Record<string, unknown>>(request: APIRequestContext, url: string, fn: string, data: Record<string, unknown>): Promise<Result<T>> {
  return (await (await request.post(`${url}/api/fn/${fn}`, { data })).json()) as Result<T>;
}
async function ok<T = Record<string, unknown>>(request: APIRequestContext, url: string, fn: string, data: Record<string, unknown>): Promise<T> {
  const r = await api<T>(request, url, fn, data);
  if (!r.ok) throw new Error(`${fn}.${String(data.action)}: ${r.code} ${r.message}`);
  return r.data;
}
/** Taro's H5 router keeps earlier pages in the DOM (hidden): match what is on screen. */
const shown = (page: Page, selector: string) => page.locator(`${selector} >> visible=true`).first();
const shownText = async (page: Page, selector: string) => ((await shown(page, selector).textContent()) ?? '').trim();
const box = async (page: Page, selector: string) => {
  const b = await shown(page, selector).boundingBox();
  if (!b) throw new Error(`no box for ${selector}`);
  return b;
};

describe('issue 26 on the consumer pages (H5, 390×844)', () => {
  const app = useH5App();
  const contexts: BrowserContext[] = [];
  const as = async (role: 'consumer' | 'staff' | 'merchant' | null, openid?: string) => {
    const context = await app.browser().newContext(PHONE);
    contexts.push(context);
    const page = await context.newPage();
    if (role) {
      const login = await page.request.post(app.server().url + '/api/login', { data: openid ? { role, openid } : { role } });
      expect(login.ok()).toBe(true);
    }
    return { page, request: page.request, url: app.server().url };
  };
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
  });

  it('the card at the counter: 出示会员码 centred clear of the card, a long nickname keeps the chip, the code sheet fits', async () => {
    const { page, request, url } = await as('consumer', 'e2e-r3-long-name');
    await ok(request, url, 'member', { action: 'join', agree: true });
    const nickname = '一二三四五六七八九十甲乙丙丁戊己庚辛壬癸';
    expect([...nickname]).toHaveLength(20);
    await ok(request, url, 'member', { action: 'updateProfile', nickname });
    await page.goto(url + '/');
    await shown(page, '.member-card').waitFor({ timeout: 30_000 });
    await shown(page, '.member-code-text').waitFor({ timeout: 15_000 });

    // 出示会员码: centred on the screen, a clear gap above the card's top
    const button = await box(page, '.member-show-code');
    const card = await box(page, '.member-card');
    const centre = button.x + button.width / 2;
    expect(Math.abs(centre - 390 / 2)).toBeLessThanOrEqual(2);
    expect(card.y - (button.y + button.height)).toBeGreaterThanOrEqual(8);
    expect(button.width).toBeLessThan(390 - 40);

    // the tier chip: one line, beside the nickname, inside the card
    const chip = await box(page, '.member-tier');
    const name = await box(page, '.member-nickname');
    expect(chip.height).toBeLessThan(name.height + 4);
    expect(chip.width).toBeGreaterThan(chip.height);
    expect(chip.x).toBeGreaterThanOrEqual(name.x + name.width);
    expect(chip.x + chip.width).toBeLessThanOrEqual(card.x + card.width);
    await screenshot(page, 'consumer-01-card-long-nickname');

    // full screen: the whole barcode and the digits (one line) in the width, 关闭 in view without scrolling
    await shown(page, '.member-show-code').click();
    await shown(page, '.member-code-sheet .member-code-text').waitFor({ timeout: 15_000 });
    const digits = await box(page, '.member-code-sheet .member-code-text');
    const lineHeight = await shown(page, '.member-code-sheet .member-code-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize) * 1.6);
    expect(digits.height).toBeLessThan(lineHeight);
    expect(digits.x).toBeGreaterThanOrEqual(0);
    expect(digits.x + digits.width).toBeLessThanOrEqual(390);
    const barcode = await box(page, '.member-code-sheet .member-code-barcode');
    expect(barcode.x + barcode.width).toBeLessThanOrEqual(390);
    const close = await box(page, '.member-code-sheet__close');
    expect(close.y + close.height).toBeLessThanOrEqual(844);
    expect(close.y).toBeGreaterThan(0);
    await screenshot(page, 'consumer-02-code-fullscreen');
    await shown(page, '.member-code-sheet__close').click();
    await shown(page, '.member-card').waitFor({ timeout: 15_000 });
  });

  it('保存生日 asks first with the kit’s dialog, saying it locks the birthday for a year; cancel saves nothing', async () => {
    const { page, request, url } = await as('consumer', 'e2e-r3-birthday');
    await ok(request, url, 'member', { action: 'join', agree: true });
    await page.goto(url + '/pages/profile/index');
    await shown(page, '.profile-birthday').waitFor({ timeout: 30_000 });
    expect(await shownText(page, '.profile-birthday')).toBe('未设置');
    // the rows are the kit's cells
    expect(await page.locator('.profile-row.nut-cell >> visible=true').count()).toBeGreaterThanOrEqual(5);

    // the date comes from NutUI's picker (month → its own days)
    await shown(page, '.profile-picker').click();
    await shown(page, '.nut-picker').waitFor({ timeout: 10_000 });
    await screenshot(page, 'consumer-03-birthday-picker');
    await shown(page, '.nut-picker-confirm-btn').click();
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.profile-birthday')).some((el) => el.textContent === '1 月 1 日'), undefined, {
      timeout: 10_000,
    });

    await shown(page, '.profile-save-birthday').click();
    const dialog = shown(page, '.profile-birthday-confirm .nut-dialog');
    await dialog.waitFor({ timeout: 10_000 });
    const said = (await dialog.textContent()) ?? '';
    expect(said).toContain('保存生日');
    expect(said).toContain('1 月 1 日');
    expect(said).toContain('一年内不能再修改');
    await screenshot(page, 'consumer-04-birthday-confirm');
    await shown(page, '.profile-birthday-confirm .nut-dialog-footer-cancel').click();
    await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
    expect(await ok<{ birthday: unknown }>(request, url, 'member', { action: 'getProfile' })).toMatchObject({ birthday: null });

    await shown(page, '.profile-save-birthday').click();
    await shown(page, '.profile-birthday-confirm .nut-dialog-footer-ok').click();
    await page.getByText('生日一年内只能修改一次').first().waitFor({ timeout: 10_000 });
    expect(await ok<{ birthday: unknown }>(request, url, 'member', { action: 'getProfile' })).toMatchObject({ birthday: { month: 1, day: 1 } });
    await screenshot(page, 'consumer-05-birthday-saved');
  });

  it('points rows say what happened, with the kit’s tabs and cells', async () => {
    const { page, request, url } = await as('consumer');
    const history = await ok<PointsHistory>(request, url, 'points', { action: 'history' });
    expect(history.entries.length).toBeGreaterThan(0);
    await page.goto(url + '/pages/points/index');
    await shown(page, '.points-history').waitFor({ timeout: 30_000 });
    expect(await page.locator('.points-filters.nut-tabs').count()).toBe(1);
    const rows = page.locator('.points-entry.nut-cell');
    expect(await rows.count()).toBe(history.entries.length);
    const titles = await page.locator('.points-entry__title').allTextContents();
    const amounts = await page.locator('.points-entry__delta').allTextContents();
    history.entries.forEach((e, i) => {
      const label = describePointsLine(e, history.earning);
      expect(titles[i]).toBe(label.title);
      expect(amounts[i]).toBe(label.amount);
    });
    expect(titles).toContain('开卡礼');
    // every spent or lost row reads with a real minus sign
    history.entries.forEach((e, i) => expect(amounts[i].startsWith(e.points < 0 ? '\u2212' : e.points > 0 ? '+' : '0')).toBe(true));
    await screenshot(page, 'consumer-06-points-rows');
  });

  it('the invite page shows what both friends get; the friend’s 开卡 page names the inviter and the gift; a bad link says so', async () => {
    const { page, request, url } = await as('consumer');
    const mine = await ok<{ path: string; offer: { inviter: string } }>(request, url, 'member', { action: 'getInvite' });
    await page.goto(url + '/pages/invite/index');
    await shown(page, '.invite-offer').waitFor({ timeout: 30_000 });
    expect(await shownText(page, '.invite-offer__friend')).toContain('开卡即送 100 积分');
    const me = await shownText(page, '.invite-offer__me');
    expect(me).toContain('好友开卡 +50 积分');
    expect(me).toContain('好友首单 +100 积分');
    await screenshot(page, 'consumer-07-invite-offer');

    const friend = await as('consumer', 'e2e-r3-invited');
    await friend.page.goto(`${url}/${mine.path}`);
    await shown(friend.page, '.join-inviter').waitFor({ timeout: 30_000 });
    expect(await shownText(friend.page, '.join-inviter')).toBe(`${mine.offer.inviter} 邀请你加入拾光咖啡会员`);
    expect(mine.offer.inviter).toMatch(/^.\*\*$/);
    expect(await shownText(friend.page, '.join-invite-gift')).toContain('开卡即得 100 积分');
    await screenshot(friend.page, 'consumer-08-join-invited');

    await friend.page.goto(`${url}/pages/join/index?invite=${encodeURIComponent('forged.20260101.abcdefghijklmnopqrstuvwx')}`);
    await shown(friend.page, '.join-invite-invalid').waitFor({ timeout: 30_000 });
    expect(await shownText(friend.page, '.join-invite-invalid')).toContain('邀请链接无效');
    expect(await friend.page.locator('.join-submit >> visible=true').count()).toBe(1);
    await screenshot(friend.page, 'consumer-09-join-bad-invite');
  });

  it('no dead ends: a lost session, a stranger, a clerk and a failed load each get the way on', async () => {
    // a lost session (no sign-in at all): 重新登录 leads to the sign-in
    const visitor = await as(null);
    await visitor.page.goto(visitor.url + '/pages/points/index');
    await shown(visitor.page, '.page-status--UNAUTHENTICATED').waitFor({ timeout: 30_000 });
    expect(await shownText(visitor.page, '.page-status__home')).toBe('重新登录');
    expect(await visitor.page.locator('.page-status__retry >> visible=true').count()).toBe(0);
    await screenshot(visitor.page, 'consumer-10-lost-session');
    await shown(visitor.page, '.page-status__home').click();
    await shown(visitor.page, '.local-sign-in').waitFor({ timeout: 30_000 });

    // a stranger (signed in, no card) on a member page: 立即开卡
    const stranger = await as('consumer', 'e2e-r3-stranger');
    await stranger.page.goto(stranger.url + '/pages/checkin/index');
    await shown(stranger.page, '.not-member-join').waitFor({ timeout: 30_000 });
    await screenshot(stranger.page, 'consumer-11-stranger');

    // a clerk on consumer pages (the history, 开卡): the workbench is offered, nothing is registered
    const clerk = await as('staff');
    for (const path of ['/pages/points/index', '/pages/join/index']) {
      await clerk.page.goto(clerk.url + path);
      await shown(clerk.page, '.not-member-workbench').waitFor({ timeout: 30_000 });
    }
    expect(await shownText(clerk.page, '.not-member-workbench')).toBe('前往店员工作台');
    await screenshot(clerk.page, 'consumer-12-clerk-on-join');
    await shown(clerk.page, '.not-member-workbench').click();
    await clerk.page.waitForURL(/pages\/staff\/index/, { timeout: 30_000 });

    // a failed load: 重试 and the way home, never a bare 重试
    const member = await as('consumer');
    await member.page.route('**/api/fn/checkin', (route) =>
      route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ ok: false, code: 'INTERNAL', message: '服务暂时不可用' }) }),
    );
    await member.page.goto(member.url + '/pages/checkin/index');
    await shown(member.page, '.page-status--error').waitFor({ timeout: 30_000 });
    expect(await member.page.locator('.page-status__retry >> visible=true').count()).toBe(1);
    expect(await shownText(member.page, '.page-status__home')).toBe('返回首页');
    await screenshot(member.page, 'consumer-13-failed-load');
    await member.page.unroute('**/api/fn/checkin');
    await shown(member.page, '.page-status__home').click();
    await shown(member.page, '.member-card').waitFor({ timeout: 30_000 });
  });
});
