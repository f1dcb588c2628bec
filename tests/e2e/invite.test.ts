import { useH5App } from '../support/e2e';
import { answerSubscribeSheet } from '../support/subscribe-sheet';

jest.setTimeout(120_000);

describe('invitation page in a real browser', () => {
  const app = useH5App();

  it('shows the member a poster whose QR code carries their signed invitation, and the member day on the card', async () => {
    const context = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    expect((await page.request.post(app.server().url + '/api/login', { data: { role: 'consumer' } })).ok()).toBe(true);
    const api = (await (await page.request.post(app.server().url + '/api/fn/member', { data: { action: 'getInvite' } })).json()) as {
      ok: true;
      data: { token: string; path: string };
    };
    expect(api.ok).toBe(true);

    await page.goto(app.server().url + '/pages/invite/index');
    await page.locator('.invite-poster').first().waitFor({ timeout: 30_000 });
    const code = await page.locator('.invite-qr .member-code-qr').first().getAttribute('data-code');
    expect(code).toBe(`${app.server().url}/${api.data.path}`);
    expect(code).toContain(`invite=${encodeURIComponent(api.data.token)}`);
    expect(await page.locator('.invite-qr .member-code-qr__cell').count()).toBeGreaterThan(50);
    await page.locator('.invite-stats').first().waitFor({ timeout: 15_000 });
    await expect(page.locator('.invite-stats__line').first().textContent()).resolves.toMatch(/已邀请 0 位好友，获得 0 积分/);

    // the card: the member day with its multiplier, and the way to the invitation
    await page.goto(app.server().url + '/pages/index/index');
    await page.locator('.member-day').first().waitFor({ timeout: 30_000 });
    await expect(page.locator('.member-day').first().textContent()).resolves.toMatch(/会员日.*×2/);
    await page.locator('.member-invite-link').first().click();
    await page.locator('.invite-poster').first().waitFor({ timeout: 30_000 });
    await context.close();
  });
});

// Its own server: a friend joins through the demo member's invitation (the shared demo keeps 0 invitations).
describe('a friend joins through the invitation link', () => {
  const app = useH5App({ ownServer: true });

  it('opens the link in another browser, joins, and the inviter’s page lists the friend and the reward', async () => {
    const url = app.server().url;
    const inviter = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const mine = await inviter.newPage();
    expect((await mine.request.post(url + '/api/login', { data: { role: 'consumer' } })).ok()).toBe(true);
    await mine.goto(url + '/pages/invite/index');
    const link = await mine.locator('.invite-qr .member-code-qr').first().getAttribute('data-code', { timeout: 30_000 });
    expect(link).toContain('invite=');
    await mine.locator('.invite-stats').first().waitFor({ timeout: 15_000 });
    await expect(mine.locator('.invite-row').count()).resolves.toBe(0);

    // the friend: another WeChat user (another browser context), no card yet, opens the poster's link
    const friendContext = await app.browser().newContext({ viewport: { width: 390, height: 844 } });
    const friend = await friendContext.newPage();
    expect((await friend.request.post(url + '/api/login', { data: { role: 'consumer', openid: 'o-e2e-invited-friend' } })).ok()).toBe(true);
    await friend.goto(link!);
    await friend.locator('.join-agree').first().waitFor({ timeout: 30_000 });
    expect(friend.url()).toContain('invite=');
    const answer = friend.waitForResponse((r) => r.url().endsWith('/api/fn/member') && r.request().postData()?.includes('"join"') === true);
    await friend.locator('.join-agree').first().click();
    await friend.locator('.join-submit').first().click();
    await answerSubscribeSheet(friend);
    expect(((await (await answer).json()) as { data: { invite: unknown } }).data.invite).toEqual({ accepted: true, reason: null });
    await friend.locator('.member-card, .member-day').first().waitFor({ timeout: 30_000 });
    await friendContext.close();

    // the inviter sees the friend, registered, and the 50 points the invitation earned
    await mine.reload();
    await mine.locator('.invite-row').first().waitFor({ timeout: 30_000 });
    await expect(mine.locator('.invite-row').count()).resolves.toBe(1);
    await expect(mine.locator('.invite-row__status').first().textContent()).resolves.toBe('已注册');
    await expect(mine.locator('.invite-row').first().textContent()).resolves.toContain('+50');
    await expect(mine.locator('.invite-stats__line').first().textContent()).resolves.toMatch(/已邀请 1 位好友，获得 50 积分/);
    await inviter.close();
  });
});
