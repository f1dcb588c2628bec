/**
 * Referral (issue 15 item 6) over the functions' contract: an invitation accepted by `member.join`,
 * the inviter rewarded at the registration and at the first purchase (each once), the refusals, and
 * the milestone coupon. Only `invoke` and stored documents: no internal calls.
 */
import { invoke, invokeOk, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import { pointsKit, type Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';

jest.setTimeout(60_000);

describe('referral through member.join and the order path', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened), { at: shanghai('2026-03-02 10:00') });
  const kit = pointsKit(() => cloud);

  const available = (memberId: string) => (cloud.store.get('members', memberId)!.doc as Any).points.available as number;
  const member = (memberId: string) => cloud.store.get('members', memberId)!.doc as Any;
  const entries = (memberId: string, prefix: string) => kit.ledger(memberId).filter((e: Any) => String(e._id).startsWith(prefix));
  const join = (openid: string, extra: { invite?: string; phoneCode?: string } = {}) => invokeOk(cloud, 'member', 'join', { agree: true, ...extra }, openid);
  const order = (receiptNo: string, memberId: string, amountFen = 5000) =>
    invokeOk(cloud, 'points', 'recordOrder', kit.order(receiptNo, memberId, amountFen) as Any, 'o-clerk');

  async function inviter(openid = 'o-inviter'): Promise<{ id: string; token: string }> {
    const id = (await join(openid)).memberId;
    const { token } = await invokeOk(cloud, 'member', 'getInvite', {}, openid);
    return { id, token };
  }

  it('a friend joins through the invitation: the inviter is rewarded once, and once more at the first purchase only', async () => {
    const a = await inviter();
    const start = available(a.id);

    const card = await join('o-friend', { invite: a.token });
    expect(card.isNew).toBe(true);
    expect(card.invite).toEqual({ accepted: true, reason: null });
    const b = card.memberId;
    expect(available(a.id)).toBe(start + 50);
    expect(entries(a.id, 'referral:')).toHaveLength(1);
    // the invitee carries the marker the order path reads, nothing else does
    expect(member(b).referralDue).toBe(a.id);
    expect(member(a.id).referralDue).toBeUndefined();

    // a replayed 开卡 (a lost reply) answers the same card and the same outcome, and credits nothing more
    const again = await join('o-friend', { invite: a.token });
    expect(again).toMatchObject({ memberId: b, isNew: false, invite: { accepted: true, reason: null } });
    expect(available(a.id)).toBe(start + 50);

    // the first purchase: +100 for the inviter, the marker gone
    await order('R1', b);
    expect(available(a.id)).toBe(start + 150);
    expect(member(b).referralDue).toBeUndefined();
    expect(cloud.store.get('invitations', b)!.doc).toMatchObject({ status: 'purchased', points: 150 });
    // the same receipt replayed, then a second order: nothing more
    expect(await order('R1', b)).toMatchObject({ duplicate: true });
    await order('R2', b);
    expect(available(a.id)).toBe(start + 150);
    expect(entries(a.id, 'referral:').map((e: Any) => e._id)).toEqual(expect.arrayContaining([`referral:${b}:register`, `referral:${b}:purchase`]));
    expect(entries(a.id, 'referral:')).toHaveLength(2);
    kit.expectBalanced(a.id);

    expect(await invokeOk(cloud, 'member', 'myInvitations', {}, 'o-inviter')).toMatchObject({
      invited: 1,
      successful: 1,
      points: 150,
      invitations: [{ status: 'purchased', points: 150 }],
    });
  });

  it('a flagged (held) first order does not count: the next one rewards the inviter', async () => {
    const a = await inviter();
    const b = (await join('o-friend', { invite: a.token })).memberId;
    const start = available(a.id);
    // a receipt entered two days late is flagged, and flagged points are held for review
    const rules = await invokeOk(cloud, 'points', 'getRules', {}, 'o-boss');
    await invokeOk(
      cloud,
      'points',
      'updateRules',
      { expectedVersion: rules.version, rules: { ...rules.rules, fraud: { ...rules.rules.fraud, holdFlagged: true } } },
      'o-boss',
    );
    const late = { ...kit.order('H1', b, 5000, new Date(Date.now() - 2 * 86_400_000).toISOString()) } as Any;
    expect(await invokeOk(cloud, 'points', 'recordOrder', late, 'o-clerk')).toMatchObject({ held: true });
    expect(available(a.id)).toBe(start);
    expect(member(b).referralDue).toBe(a.id);
    await order('H2', b);
    expect(available(a.id)).toBe(start + 100);
    expect(member(b).referralDue).toBeUndefined();
  });

  it('oneself, someone already registered, a rejoin after a farewell and a phone seen before earn nothing; 开卡 still succeeds', async () => {
    const a = await inviter();
    const start = available(a.id);

    // the inviter opens their own link
    expect((await join('o-inviter', { invite: a.token })).invite).toEqual({ accepted: false, reason: 'self' });
    // a member who already holds a card
    await join('o-old');
    expect((await join('o-old', { invite: a.token })).invite).toEqual({ accepted: false, reason: 'already_member' });
    // a person who left and comes back through an invitation: a new card, no reward
    const gone = (await join('o-gone')).memberId;
    await invokeOk(cloud, 'member', 'deleteAccount', { confirm: 'DELETE' }, 'o-gone');
    const back = await join('o-gone', { invite: a.token });
    expect(back.memberId).not.toBe(gone);
    expect(back).toMatchObject({ isNew: true, invite: { accepted: false, reason: 'already_member' } });
    // a phone number seen before on an invitation: the first account counts, a second account with the same number does not
    const first = await join('o-phone-1', { invite: a.token, phoneCode: 'same-phone' });
    expect(first.invite).toEqual({ accepted: true, reason: null });
    await invokeOk(cloud, 'member', 'deleteAccount', { confirm: 'DELETE' }, 'o-phone-1');
    const second = await join('o-phone-2', { invite: a.token, phoneCode: 'same-phone' });
    expect(second).toMatchObject({ isNew: true, phoneMasked: first.phoneMasked, invite: { accepted: false, reason: 'phone_seen' } });

    expect(available(a.id)).toBe(start + 50); // only o-phone-1
    expect(member(back.memberId).referralDue).toBeUndefined();
    expect(member(second.memberId).referralDue).toBeUndefined();
    // their orders reward nothing either
    await order('P1', second.memberId);
    await order('P2', back.memberId);
    expect(available(a.id)).toBe(start + 50);
    const mine = await invokeOk(cloud, 'member', 'myInvitations', {}, 'o-inviter');
    expect(mine).toMatchObject({ invited: 1, successful: 1, points: 50 });
    expect(mine.invitations.map((i) => `${i.status}:${i.reason ?? ''}`).sort()).toEqual(['ineligible:already_member', 'ineligible:phone_seen', 'registered:']);
  });

  it('a forged or expired invitation is refused and the 开卡 succeeds', async () => {
    const a = await inviter();
    const start = available(a.id);
    const forged = a.token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const f = await join('o-forged', { invite: forged });
    expect(f).toMatchObject({ isNew: true, invite: { accepted: false, reason: 'invalid' } });
    const other = await join('o-other-inviter', { invite: `${f.memberId}.20260302.${a.token.split('.')[2]}` });
    expect(other.invite).toEqual({ accepted: false, reason: 'invalid' });

    setClock(shanghai('2026-04-01 10:00')); // 30 days valid: 2026-03-02 … 2026-03-31
    const late = await join('o-late', { invite: a.token });
    expect(late).toMatchObject({ isNew: true, invite: { accepted: false, reason: 'expired' } });
    expect(available(a.id)).toBe(start);
    expect(cloud.store.scan('invitations')).toHaveLength(0);
    // a link made today works again
    const { token } = await invokeOk(cloud, 'member', 'getInvite', {}, 'o-inviter');
    expect((await join('o-fresh', { invite: token })).invite).toEqual({ accepted: true, reason: null });
  });

  it('the third successful invitation puts the milestone coupon in the inviter’s wallet, once', async () => {
    const a = await inviter();
    const { templateId } = await invokeOk(
      cloud,
      'coupon',
      'createTemplate',
      {
        title: '邀请有礼券',
        kind: 'cash',
        thresholdFen: 0,
        valueFen: 1000,
        validity: { type: 'relative', days: 30 },
        stock: 100,
        perMemberLimit: 5,
        channels: ['campaign'],
      } as Any,
      'o-boss',
    );
    const { version, rules } = await invokeOk(cloud, 'marketing', 'getReferralRules', {}, 'o-boss');
    expect(version).toBe(0);
    expect(
      await invoke(
        cloud,
        'marketing',
        'updateReferralRules',
        { expectedVersion: version, rules: { ...rules, milestones: [{ count: 3, couponTemplateId: 'nope' }] } },
        'o-boss',
      ),
    ).toMatchObject({
      ok: false,
      code: 'VALIDATION_FAILED',
    });
    expect(await invoke(cloud, 'marketing', 'updateReferralRules', { expectedVersion: version, rules }, 'o-inviter')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    const milestoneRules = { ...rules, milestones: [{ count: 3, couponTemplateId: templateId }] };
    expect(await invokeOk(cloud, 'marketing', 'updateReferralRules', { expectedVersion: version, rules: milestoneRules }, 'o-boss')).toEqual({ version: 1 });
    // a save from the stale version (another editor's) is refused and changes nothing
    expect(await invoke(cloud, 'marketing', 'updateReferralRules', { expectedVersion: version, rules }, 'o-boss')).toMatchObject({
      ok: false,
      code: 'RULES_VERSION_CONFLICT',
    });
    expect(await invokeOk(cloud, 'marketing', 'getReferralRules', {}, 'o-boss')).toEqual({ version: 1, rules: milestoneRules });
    expect(cloud.store.get('settings', 'referral-rules@1')!.doc).toMatchObject({ version: 1, updatedBy: 'o-boss' });

    const wallet = async () =>
      (await invokeOk(cloud, 'coupon', 'listMine', {} as Any, 'o-inviter')).coupons.filter((c: Any) => c.templateId === templateId || c.title === '邀请有礼券');
    await join('o-f1', { invite: a.token });
    await join('o-f2', { invite: a.token });
    expect(await wallet()).toHaveLength(0);
    await join('o-f3', { invite: a.token });
    expect(await wallet()).toHaveLength(1);
    // replays of the three joins and a refused one change nothing; the fourth invitation is no milestone
    for (const o of ['o-f1', 'o-f2', 'o-f3']) await join(o, { invite: a.token });
    await join('o-inviter', { invite: a.token });
    await join('o-f4', { invite: a.token });
    expect(await wallet()).toHaveLength(1);
    expect(await invokeOk(cloud, 'member', 'myInvitations', {}, 'o-inviter')).toMatchObject({
      invited: 4,
      successful: 4,
      points: 200,
      milestones: [{ count: 3, couponTitle: '邀请有礼券', earned: 1, toNext: 2 }],
    });
  });

  it('under conflicts, transient errors and lost replies, each invitation and each first purchase rewards exactly once', async () => {
    const a = await inviter();
    const start = available(a.id);
    const faults = cloud.database.faults;
    const saved = faults.config;
    faults.config = { conflict: 0.1, transient: 0.1, lostReply: 0.15, seed: 15 };
    // as a client would: the same request again while it fails for a system reason (CONFLICT,
    // UNAVAILABLE); any other answer (INTERNAL above all) fails the test at once
    const retried = async <T>(run: () => Promise<{ ok: true; data: T } | { ok: false; code: string }>): Promise<T> => {
      for (let i = 0; i < 20; i += 1) {
        const r = await run();
        if (r.ok) return r.data;
        if (r.code !== 'CONFLICT' && r.code !== 'UNAVAILABLE') throw new Error(`answered ${r.code} under faults`);
      }
      throw new Error('never answered');
    };
    const friends: string[] = [];
    try {
      for (let n = 0; n < 4; n += 1) {
        const card = await retried(() => invoke(cloud, 'member', 'join', { agree: true, invite: a.token }, `o-fault-${n}`));
        expect(card.invite).toEqual({ accepted: true, reason: null });
        friends.push(card.memberId);
        await retried(() => invoke(cloud, 'points', 'recordOrder', kit.order(`F${n}`, card.memberId, 5000) as Any, 'o-clerk'));
      }
    } finally {
      faults.config = saved;
    }
    expect(cloud.store.scan('members').filter((m) => (m.doc as Any).openid.startsWith('o-fault-'))).toHaveLength(4);
    expect(available(a.id)).toBe(start + 4 * 150);
    expect(entries(a.id, 'referral:')).toHaveLength(8);
    for (const f of friends) {
      expect(cloud.store.get('invitations', f)!.doc).toMatchObject({ status: 'purchased', inviterId: a.id });
      expect(member(f).referralDue).toBeUndefined();
      expect(entries(f, 'register:')).toHaveLength(1);
    }
    expect(cloud.store.get('referral_stats', a.id)!.doc).toMatchObject({ invited: 4, successful: 4, points: 600 });
    kit.expectBalanced(a.id);
  });

  it('a 开卡 whose commit reply was lost (the transaction re-run finds its own invitation) still answers accepted', async () => {
    const a = await inviter();
    const start = available(a.id);
    const faults = cloud.database.faults;
    const lostReply = faults.lostReply.bind(faults);
    let lost = 0;
    // the first durable write of this 开卡 is its registration's commit: applied, its answer lost
    faults.lostReply = () => lost++ === 0 || lostReply();
    try {
      const card = await join('o-lost', { invite: a.token });
      expect(lost).toBeGreaterThan(0);
      expect(card).toMatchObject({ isNew: true, invite: { accepted: true, reason: null } });
    } finally {
      faults.lostReply = lostReply;
    }
    expect(available(a.id)).toBe(start + 50);
    expect(cloud.store.scan('members').filter((m) => (m.doc as Any).openid === 'o-lost')).toHaveLength(1);
  });

  it('counts the requests an invitation adds: to the 开卡 and to the invitee’s first order only', async () => {
    const a = await inviter();
    const total = () => [...cloud.database.requestCounts.values()].reduce((x, y) => x + y, 0);
    const measure = async (run: () => Promise<unknown>) => {
      const t0 = total();
      await run();
      return total() - t0;
    };
    await join('o-warm');
    await order('W0', (await join('o-warm')).memberId); // a warm instance
    const plainJoin = await measure(() => join('o-plain'));
    const invitedJoin = await measure(() => join('o-invited', { invite: a.token }));
    const b = cloud.store.scan('members').find((m) => (m.doc as Any).openid === 'o-invited')!.doc as Any;
    const plain = cloud.store.scan('members').find((m) => (m.doc as Any).openid === 'o-plain')!.doc as Any;
    const plainOrder = await measure(() => order('Q1', plain._id));
    const firstOrder = await measure(() => order('Q2', b._id));
    const secondOrder = await measure(() => order('Q3', b._id));
    console.log(
      `[requests] join ${plainJoin}, join with an invitation ${invitedJoin}; order ${plainOrder}, invitee's first order ${firstOrder}, second ${secondOrder}`,
    );
    // after the first order the invitee's orders cost what anyone's do: the marker is gone
    expect(secondOrder).toBe(plainOrder);
    // the invitation's reads and writes, in the registration's transaction (rules, invitation, inviter, stats, ledger)
    expect(invitedJoin - plainJoin).toBeLessThanOrEqual(12);
    expect(firstOrder - plainOrder).toBeLessThanOrEqual(9);
  });
});
