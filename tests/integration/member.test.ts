import { closeTestCloud, openTestCloud } from '../support/local-cloud';
import type { Result } from '../../shared/envelope';
import type { ResultOf } from '../../shared/contract';
import type { memberContract } from '../../shared/contracts/member';

/** What `join` and `getCard` answer (the member contract). */
type Card = ResultOf<typeof memberContract, 'getCard'>;

describe('member function against the local cloud', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  beforeEach(() => {
    cloud = openTestCloud();
  });
  afterEach(() => closeTestCloud(cloud));

  it('a person without a card gets NOT_A_MEMBER and nothing is written; 开卡 needs consent', async () => {
    const before = cloud.store.scan('members').length + cloud.store.scan('ledger').length;
    for (const action of ['getCard', 'getProfile', 'getMemberCode', 'exportMyData', 'joinStatus']) {
      const res = await cloud.invoke('member', { action }, { openid: 'o-stranger' });
      if (action === 'joinStatus') expect(res).toMatchObject({ ok: true, data: { departedOn: null, registrationBonus: 100 } });
      else expect(res).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
    }
    expect(await cloud.invoke('points', { action: 'history' }, { openid: 'o-stranger' })).toMatchObject({ ok: false });
    const refused = (await cloud.invoke('member', { action: 'join' }, { openid: 'o-stranger' })) as Result<Card>;
    expect(refused).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(!refused.ok && refused.message).toContain('请阅读并同意');
    expect(await cloud.invoke('member', { action: 'join', agree: false }, { openid: 'o-stranger' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(cloud.store.scan('members').length + cloud.store.scan('ledger').length).toBe(before);
  });

  it('refuses 开卡 to staff and merchant accounts (FORBIDDEN), writing nothing', async () => {
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 's-1' });
    cloud.store.insert('roles', { _id: 'o-owner', openid: 'o-owner', role: 'merchant', name: '店主' });
    for (const openid of ['o-clerk', 'o-owner']) {
      expect(await cloud.invoke('member', { action: 'join', agree: true }, { openid })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
      expect(await cloud.invoke('member', { action: 'getCard' }, { openid })).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
    }
    expect(cloud.store.scan('members')).toHaveLength(0);
  });

  it('开卡 with a phone authorisation stores the number encrypted; a bad code creates nothing', async () => {
    expect(await cloud.invoke('member', { action: 'join', agree: true, phoneCode: 'invalid' }, { openid: 'o-phone' })).toMatchObject({
      ok: false,
      code: 'PHONE_CODE_INVALID',
    });
    expect(cloud.store.scan('members')).toHaveLength(0);
    const res = (await cloud.invoke(
      'member',
      { action: 'join', agree: true, phoneCode: 'code-1', invite: 'inv-token-1' },
      { openid: 'o-phone' },
    )) as Result<Card>;
    expect(res.ok && res.data.phoneMasked).toMatch(/^1\d{2}\*{4}\d{4}$/);
  });

  it('registers the caller on 开卡 and returns the same card afterwards', async () => {
    const first = (await cloud.invoke('member', { action: 'join', agree: true }, { openid: 'o-alice' })) as Result<Card>;
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.data.isNew).toBe(true);
    expect(first.data.tier.name).toBe('普通会员');
    expect(first.data.points.available).toBe(100);
    expect(first.data.privacy).toMatchObject({ accepted: true, changes: [] });
    const again = (await cloud.invoke('member', { action: 'join', agree: true }, { openid: 'o-alice' })) as Result<Card>;
    expect(again.ok && again.data.memberId).toBe(first.data.memberId);
    expect(again.ok && again.data.isNew).toBe(false);
    const card = (await cloud.invoke('member', { action: 'getCard' }, { openid: 'o-alice' })) as Result<Card>;
    expect(card.ok && card.data.memberId).toBe(first.data.memberId);
    expect(cloud.store.scan('ledger')).toHaveLength(1);
  });

  it('creates one member, not several, under concurrent first calls', async () => {
    const results = (await Promise.all(
      Array.from({ length: 12 }, () => cloud.invoke('member', { action: 'join', agree: true }, { openid: 'o-bob' })),
    )) as Result<Card>[];
    const ids = new Set(results.map((r) => (r.ok ? r.data.memberId : r.code)));
    expect(ids.size).toBe(1);
    expect(cloud.store.scan('members').filter((s) => s.doc.openid === 'o-bob')).toHaveLength(1);
  });

  it('takes the OPENID from the context, never from the data', async () => {
    const res = (await cloud.invoke(
      'member',
      { action: 'join', agree: true, openid: 'o-mallory', userInfo: { openId: 'o-mallory' } },
      { openid: 'o-carol' },
    )) as Result<Card>;
    // `openid` is not part of the schema: a strict schema refuses it.
    expect(res).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    await cloud.invoke('member', { action: 'join', agree: true, userInfo: { openId: 'o-mallory' } }, { openid: 'o-carol' });
    const openids = cloud.store.scan('members').map((s) => s.doc.openid);
    expect(openids).toEqual(['o-carol']);
  });

  it('refuses an anonymous call, an unknown action and an unknown function with stable codes', async () => {
    expect(await cloud.invoke('member', { action: 'join', agree: true }, {})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await cloud.invoke('member', { action: 'nope' }, { openid: 'o-d' })).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await cloud.invoke('member', {}, { openid: 'o-d' })).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await cloud.invoke('nosuchfunction', { action: 'x' }, { openid: 'o-d' })).toMatchObject({ ok: false, code: 'FUNCTION_NOT_FOUND' });
  });

  it('stays correct with transient faults and lost replies injected', async () => {
    const faulty = openTestCloud({ faults: { conflict: 0, transient: 0.3, lostReply: 0.3, seed: 7 } });
    try {
      const results = (await Promise.all(
        Array.from({ length: 8 }, () => faulty.invoke('member', { action: 'join', agree: true }, { openid: 'o-erin' })),
      )) as Result<Card>[];
      const okIds = new Set(results.filter((r) => r.ok).map((r) => (r as { data: Card }).data.memberId));
      expect(okIds.size).toBe(1);
      // A call the faults defeat answers a system code the client retries (CONFLICT, UNAVAILABLE), never
      // INTERNAL or any other code; retried, it answers the same card.
      const failed = results.filter((r) => !r.ok).map((r) => (r as { code: string }).code);
      expect(failed.filter((code) => code !== 'CONFLICT' && code !== 'UNAVAILABLE')).toEqual([]);
      for (let i = 0; i < failed.length; i += 1) {
        let again: Result<Card> = { ok: false, code: 'CONFLICT', message: '' };
        for (let attempt = 0; attempt < 10 && !again.ok; attempt += 1) {
          again = (await faulty.invoke('member', { action: 'join', agree: true }, { openid: 'o-erin' })) as Result<Card>;
          if (!again.ok) expect(['CONFLICT', 'UNAVAILABLE']).toContain(again.code);
        }
        expect(again).toMatchObject({ ok: true, data: { memberId: [...okIds][0] } });
      }
      expect(faulty.store.scan('members').filter((s) => s.doc.openid === 'o-erin')).toHaveLength(1);
    } finally {
      closeTestCloud(faulty);
    }
  });
});
