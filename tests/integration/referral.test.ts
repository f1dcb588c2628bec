import { invoke, invokeOk, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import type { Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';
import { inTransaction } from '../../cloudfunctions/_lib/platform/db';
import { acceptInvitation, rewardFirstPurchase, verifyInvite } from '../../cloudfunctions/_lib/referral/referral';
import { DEFAULT_REFERRAL_RULES, invitationRefusal, inviteFresh, milestonesReached, parseInviteToken } from '../../shared/rules/referral';

describe('referral rules', () => {
  const base = { rules: DEFAULT_REFERRAL_RULES, inviterId: 'a', inviteeId: 'b', inviteeIsNew: true, phoneSeenBefore: false, inviterActive: true };
  it('rewards only a new member invited by someone else with a phone not seen before', () => {
    expect(invitationRefusal(base)).toBeNull();
    expect(invitationRefusal({ ...base, inviteeId: 'a' })).toBe('self');
    expect(invitationRefusal({ ...base, inviteeIsNew: false })).toBe('already_member');
    expect(invitationRefusal({ ...base, phoneSeenBefore: true })).toBe('phone_seen');
    expect(invitationRefusal({ ...base, inviterActive: false })).toBe('inviter_gone');
    expect(invitationRefusal({ ...base, rules: { ...DEFAULT_REFERRAL_RULES, enabled: false } })).toBe('disabled');
  });
  it('knows a token’s shape and age, and the milestones', () => {
    expect(parseInviteToken('m1.20260301.abcdefghijklmnopqrstuvwx')).toEqual({ inviterId: 'm1', issuedOn: '2026-03-01', mac: 'abcdefghijklmnopqrstuvwx' });
    expect(parseInviteToken('m1.2026031.abc')).toBeNull();
    expect(inviteFresh('2026-03-01', '2026-03-30', 30)).toBe(true);
    expect(inviteFresh('2026-03-01', '2026-03-31', 30)).toBe(false);
    const rules = { ...DEFAULT_REFERRAL_RULES, milestones: [{ count: 3, couponTemplateId: 't' }] };
    expect([1, 2, 3, 4, 6].map((n) => milestonesReached(n, rules).length)).toEqual([0, 0, 1, 0, 1]);
  });
});

describe('referral: invitations and rewards', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened), { at: shanghai('2026-03-01 10:00') });
  const available = (id: string) => (cloud.store.get('members', id)!.doc as Any).points.available as number;
  const accept = (invite: string, inviteeId: string, inviteeIsNew = true, phoneHash: string | null = null) =>
    inTransaction((tx) => acceptInvitation(tx, { invite, inviteeId, inviteeIsNew, phoneHash, now: new Date() }));

  it('signs the invitation, rewards the inviter once at registration and once at the first purchase', async () => {
    const a = (await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-inviter')).memberId;
    const { token, path, expiresOn } = await invokeOk(cloud, 'member', 'getInvite', {}, 'o-inviter');
    expect(path).toBe(`pages/index/index?invite=${encodeURIComponent(token)}`);
    expect(expiresOn).toBe('2026-03-30');
    expect(verifyInvite(token, new Date(), 30)).toEqual({ inviterId: a });
    expect(verifyInvite(token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA'), new Date(), 30)).toBeNull();
    expect(verifyInvite(token.replace(a, 'someone'), new Date(), 30)).toBeNull();

    const start = available(a);
    const b = (await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-friend')).memberId;
    expect(await accept(token, b, true, 'hash-b')).toEqual({ status: 'rewarded', inviterId: a, points: 50 });
    expect(await accept(token, b, true, 'hash-b')).toEqual({ status: 'duplicate', inviterId: a });
    expect(available(a)).toBe(start + 50);
    expect(await inTransaction((tx) => rewardFirstPurchase(tx, b, new Date()))).toBe(100);
    expect(await inTransaction((tx) => rewardFirstPurchase(tx, b, new Date()))).toBe(0);
    expect(available(a)).toBe(start + 150);

    // self, an old member, a phone seen before: recorded, nothing earned
    expect(await accept(token, a)).toMatchObject({ status: 'refused', reason: 'self' });
    const c = (await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-old')).memberId;
    expect(await accept(token, c, false)).toMatchObject({ status: 'refused', reason: 'already_member' });
    const d = (await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-second-account')).memberId;
    expect(await accept(token, d, true, 'hash-b')).toMatchObject({ status: 'refused', reason: 'phone_seen' });
    expect(available(a)).toBe(start + 150);
    expect(await accept('forged.20260301.abcdefghijklmnopqrstuvwx', d)).toEqual({ status: 'invalid' });

    const mine = await invokeOk(cloud, 'member', 'myInvitations', {}, 'o-inviter');
    expect(mine).toMatchObject({ invited: 1, successful: 1, points: 150 });
    expect(mine.invitations.map((i) => i.status).sort()).toEqual(['ineligible', 'ineligible', 'ineligible', 'purchased']);

    // an invitation older than its validity is refused
    setClock(shanghai('2026-04-05 10:00'));
    const e = (await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-late')).memberId;
    expect(await accept(token, e)).toEqual({ status: 'expired' });
    expect(await invoke(cloud, 'member', 'getInvite', {}, 'o-late')).toMatchObject({ ok: true });
  });
});
