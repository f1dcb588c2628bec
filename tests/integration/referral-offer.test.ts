import { invoke, invokeOk, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import { useJobCloud } from '../support/engagement-kit';
import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { DEFAULT_REFERRAL_RULES } from '../../shared/rules/referral';

/**
 * What an invitation offers, both sides: the inviter's page (getInvite.offer) and the friend's 开卡 page
 * (inviteOffer, public). The friend learns the inviter's masked nickname and the gifts — no id, openid
 * or phone — and a bad, stale or orphaned link is refused with INVITE_INVALID.
 */
describe('referral: the offer both friends see', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened), { at: shanghai('2026-03-01 10:00') });

  it('the inviter sees what both get; the friend sees the masked inviter and the gift, nothing more', async () => {
    await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-offer-inviter');
    await invokeOk(cloud, 'member', 'updateProfile', { nickname: '王小明同学' }, 'o-offer-inviter');
    const mine = await invokeOk(cloud, 'member', 'getInvite', {}, 'o-offer-inviter');
    const offer = {
      inviter: '王**',
      friendPoints: DEFAULT_EARNING_RULES.registrationBonus,
      inviterOnRegister: DEFAULT_REFERRAL_RULES.onRegister.points,
      inviterOnFirstPurchase: DEFAULT_REFERRAL_RULES.onFirstPurchase.points,
      expiresOn: '2026-03-30',
    };
    expect(mine.offer).toEqual(offer);

    // a visitor with no card yet asks
    const seen = await invoke(cloud, 'member', 'inviteOffer', { invite: mine.token }, 'o-offer-visitor');
    expect(seen).toEqual({ ok: true, data: offer });
    const text = JSON.stringify(seen);
    const inviter = await invokeOk(cloud, 'member', 'getCard', {}, 'o-offer-inviter');
    expect(text).not.toContain('o-offer-inviter');
    expect(text).not.toContain(inviter.memberId);
    expect(text).not.toContain('小明');
    expect(text).not.toMatch(/138\d{4}/);
    // asking writes nothing: the visitor is still not a member
    expect((await invoke(cloud, 'member', 'getCard', {}, 'o-offer-visitor')).ok).toBe(false);
  });

  it('refuses a forged, malformed, stale or orphaned invitation with INVITE_INVALID', async () => {
    await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-offer-gone');
    const { token } = await invokeOk(cloud, 'member', 'getInvite', {}, 'o-offer-gone');
    const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [forged, 'not-a-token', 'someone.20260301.abcdefghijklmnopqrstuvwx']) {
      const res = await invoke(cloud, 'member', 'inviteOffer', { invite: bad }, 'o-offer-visitor');
      expect(res).toMatchObject({ ok: false, code: 'INVITE_INVALID', message: '邀请链接无效' });
    }
    // bad input is a validation failure, not a crash
    expect(await invoke(cloud, 'member', 'inviteOffer', { invite: '' }, 'o-offer-visitor')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });

    setClock(shanghai('2026-04-05 10:00'));
    expect(await invoke(cloud, 'member', 'inviteOffer', { invite: token }, 'o-offer-visitor')).toMatchObject({
      ok: false,
      code: 'INVITE_INVALID',
      message: '邀请链接已过期，请让好友重新分享',
    });
    setClock(shanghai('2026-03-02 10:00'));
    expect((await invoke(cloud, 'member', 'inviteOffer', { invite: token }, 'o-offer-visitor')).ok).toBe(true);
    await invokeOk(cloud, 'member', 'deleteAccount', { confirm: 'DELETE' }, 'o-offer-gone');
    expect(await invoke(cloud, 'member', 'inviteOffer', { invite: token }, 'o-offer-visitor')).toMatchObject({ ok: false, code: 'INVITE_INVALID' });
  });
});
