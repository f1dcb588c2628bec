import { closeTestCloud, openTestCloud } from '../support/local-cloud';

type Card = { memberId: string; nickname: string; tier: { name: string }; isNew: boolean };
type Envelope<T> = { ok: true; data: T } | { ok: false; code: string; message: string };

describe('member function against the local cloud', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  beforeEach(() => {
    cloud = openTestCloud();
  });
  afterEach(() => closeTestCloud(cloud));

  it('registers the caller on first call and returns the same card afterwards', async () => {
    const first = (await cloud.invoke('member', { action: 'getCard' }, { openid: 'o-alice' })) as Envelope<Card>;
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.data.isNew).toBe(true);
    expect(first.data.tier.name).toBe('普通会员');
    const again = (await cloud.invoke('member', { action: 'getCard' }, { openid: 'o-alice' })) as Envelope<Card>;
    expect(again.ok && again.data.memberId).toBe(first.data.memberId);
    expect(again.ok && again.data.isNew).toBe(false);
  });

  it('creates one member, not several, under concurrent first calls', async () => {
    const results = (await Promise.all(
      Array.from({ length: 12 }, () => cloud.invoke('member', { action: 'getCard' }, { openid: 'o-bob' })),
    )) as Envelope<Card>[];
    const ids = new Set(results.map((r) => (r.ok ? r.data.memberId : r.code)));
    expect(ids.size).toBe(1);
    expect(cloud.store.scan('members').filter((s) => s.doc.openid === 'o-bob')).toHaveLength(1);
  });

  it('takes the OPENID from the context, never from the data', async () => {
    const res = (await cloud.invoke('member', { action: 'getCard', openid: 'o-mallory', userInfo: { openId: 'o-mallory' } }, { openid: 'o-carol' })) as Envelope<Card>;
    // `openid` is not part of the schema: a strict schema refuses it.
    expect(res).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    await cloud.invoke('member', { action: 'getCard', userInfo: { openId: 'o-mallory' } }, { openid: 'o-carol' });
    const openids = cloud.store.scan('members').map((s) => s.doc.openid);
    expect(openids).toEqual(['o-carol']);
  });

  it('refuses an anonymous call, an unknown action and an unknown function with stable codes', async () => {
    expect(await cloud.invoke('member', { action: 'getCard' }, {})).toMatchObject({ ok: false, code: 'UNAUTHENTICATED' });
    expect(await cloud.invoke('member', { action: 'nope' }, { openid: 'o-d' })).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await cloud.invoke('member', {}, { openid: 'o-d' })).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    expect(await cloud.invoke('nosuchfunction', { action: 'x' }, { openid: 'o-d' })).toMatchObject({ ok: false, code: 'FUNCTION_NOT_FOUND' });
  });

  it('stays correct with transient faults and lost replies injected', async () => {
    const faulty = openTestCloud({ faults: { conflict: 0, transient: 0.3, lostReply: 0.3, seed: 7 } });
    try {
      const results = (await Promise.all(
        Array.from({ length: 8 }, () => faulty.invoke('member', { action: 'getCard' }, { openid: 'o-erin' })),
      )) as Envelope<Card>[];
      const okIds = new Set(results.filter((r) => r.ok).map((r) => (r as { data: Card }).data.memberId));
      expect(okIds.size).toBe(1);
      expect(faulty.store.scan('members').filter((s) => s.doc.openid === 'o-erin')).toHaveLength(1);
    } finally {
      closeTestCloud(faulty);
    }
  });
});
