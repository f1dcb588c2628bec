import { invoke, invokeOk, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import type { Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';
import { DEFAULT_CHECKIN_RULES, checkInOn, EMPTY_CHECKIN, makeUpRefusal, streakAfterMakeUp } from '../../shared/rules/checkin';

describe('daily check-in', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));
  const at = async (local: string) => {
    setClock(shanghai(local));
    return invokeOk(cloud, 'checkin', 'checkIn', {}, 'o-ci');
  };
  const available = (memberId: string) => (cloud.store.get('members', memberId)!.doc as Any).points.available as number;
  const balanced = (memberId: string) => {
    const entries = cloud.store
      .scan('ledger')
      .map((s) => s.doc as Any)
      .filter((e) => e.memberId === memberId);
    expect(entries.reduce((s, e) => s + e.delta, 0)).toBe(available(memberId));
  };

  it('keeps the streak across a month end, restarts it after a missed day, pays the 7th-day bonus once', async () => {
    setClock(shanghai('2026-01-25 09:00'));
    const { memberId } = await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-ci');
    const start = available(memberId);
    const days = ['2026-01-26', '2026-01-27', '2026-01-28', '2026-01-29', '2026-01-30', '2026-01-31', '2026-02-01'];
    const results = [];
    for (const d of days) results.push(await at(`${d} 08:30`));
    expect(results.map((r) => r.streak)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(results.map((r) => r.points)).toEqual([2, 2, 2, 2, 2, 2, 12]);
    expect(results[6]).toMatchObject({ day: '2026-02-01', bonus: 10, already: false, nextBonus: { day: 30, points: 50 } });
    // 23:59 on 1 Feb and 00:01 on 2 Feb in Shanghai are two business days (UTC would say one)
    expect(await at('2026-02-01 23:59')).toMatchObject({ already: true, points: 0, streak: 7 });
    expect(await at('2026-02-02 00:01')).toMatchObject({ day: '2026-02-02', streak: 8, points: 2 });
    // 3 Feb missed: 4 Feb starts again
    expect(await at('2026-02-04 12:00')).toMatchObject({ streak: 1, points: 2 });
    expect(available(memberId)).toBe(start + 7 * 2 + 10 + 2 + 2);
    balanced(memberId);
    expect(cloud.store.get('ledger', `checkin:${memberId}:20260201`)!.doc).toMatchObject({ kind: 'earn', delta: 12, reason: '签到奖励（连续 7 天）' });

    // the calendar: January's days and February's, the streak as of today, broken once a day is missed
    const feb = await invokeOk(cloud, 'checkin', 'calendar', {}, 'o-ci');
    expect(feb).toMatchObject({ month: '2026-02', today: '2026-02-04', checkedToday: true, streak: 1, longest: 8, monthPoints: 16 });
    expect(feb.days.map((d) => d.day)).toEqual(['2026-02-01', '2026-02-02', '2026-02-04']);
    const jan = await invokeOk(cloud, 'checkin', 'calendar', { month: '2026-01' }, 'o-ci');
    expect(jan.days).toHaveLength(6);
    setClock(shanghai('2026-02-06 08:00'));
    expect(await invokeOk(cloud, 'checkin', 'calendar', {}, 'o-ci')).toMatchObject({ streak: 0, checkedToday: false });
  });

  it('credits a double tap once, even when both arrive together', async () => {
    setClock(shanghai('2026-03-10 09:00'));
    const { memberId } = await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-ci');
    const start = available(memberId);
    const both = await Promise.all([invokeOk(cloud, 'checkin', 'checkIn', {}, 'o-ci'), invokeOk(cloud, 'checkin', 'checkIn', {}, 'o-ci')]);
    expect(both.map((r) => r.already).sort()).toEqual([false, true]);
    expect(available(memberId)).toBe(start + 2);
    expect(cloud.store.scan('ledger').filter((s) => (s.doc as Any)._id.startsWith('checkin:'))).toHaveLength(1);
    balanced(memberId);
  });

  it('refuses make-ups by default; the merchant may turn them on', async () => {
    setClock(shanghai('2026-03-10 09:00'));
    await invokeOk(cloud, 'member', 'join', { agree: true }, 'o-ci');
    await invokeOk(cloud, 'checkin', 'checkIn', {}, 'o-ci');
    setClock(shanghai('2026-03-12 09:00'));
    await invokeOk(cloud, 'checkin', 'checkIn', {}, 'o-ci');
    expect(await invoke(cloud, 'checkin', 'makeUp', { day: '2026-03-11' }, 'o-ci')).toMatchObject({ ok: false, code: 'CHECKIN_MAKEUP_REFUSED' });
    expect(await invoke(cloud, 'checkin', 'updateRules', { expectedVersion: 0, rules: DEFAULT_CHECKIN_RULES }, 'o-ci')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    await invokeOk(
      cloud,
      'checkin',
      'updateRules',
      { expectedVersion: 0, rules: { ...DEFAULT_CHECKIN_RULES, makeUp: { enabled: true, withinDays: 7, perMonth: 1, costPoints: 5 } } },
      'o-boss',
    );
    expect(await invokeOk(cloud, 'checkin', 'makeUp', { day: '2026-03-11' }, 'o-ci')).toEqual({ day: '2026-03-11', points: 2, cost: 5, streak: 3 });
    expect(await invoke(cloud, 'checkin', 'makeUp', { day: '2026-03-09' }, 'o-ci')).toMatchObject({
      ok: false,
      code: 'CHECKIN_MAKEUP_REFUSED',
      details: { reason: 'limit' },
    });
    expect((await invokeOk(cloud, 'checkin', 'calendar', {}, 'o-ci')).days.find((d) => d.day === '2026-03-11')).toEqual({
      day: '2026-03-11',
      points: 2,
      makeUp: true,
    });
  });

  it('answers NOT_A_MEMBER for a caller without a card (the page shows 开卡)', async () => {
    expect(await invoke(cloud, 'checkin', 'checkIn', {}, 'o-nobody')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
  });
});

describe('check-in rules', () => {
  it('counts business days, not instants', () => {
    const a = checkInOn(EMPTY_CHECKIN, '2028-02-28', DEFAULT_CHECKIN_RULES);
    const b = checkInOn(a.state, '2028-02-29', DEFAULT_CHECKIN_RULES);
    const c = checkInOn(b.state, '2028-03-01', DEFAULT_CHECKIN_RULES);
    expect([a.streak, b.streak, c.streak]).toEqual([1, 2, 3]);
    expect(() => checkInOn(c.state, '2028-02-27', DEFAULT_CHECKIN_RULES)).toThrow(RangeError);
  });
  it('pays the 30th-day bonus on the 30th day of a streak', () => {
    let state = EMPTY_CHECKIN;
    const points: number[] = [];
    for (let i = 1; i <= 31; i += 1) {
      const o = checkInOn(state, `2026-0${i <= 31 ? 1 : 2}-${String(i).padStart(2, '0')}`, DEFAULT_CHECKIN_RULES);
      state = o.state;
      points.push(o.points);
    }
    expect(points[6]).toBe(12);
    expect(points[29]).toBe(52);
    expect(points.reduce((s, p) => s + p, 0)).toBe(31 * 2 + 10 + 50);
  });
  it('decides make-ups', () => {
    const on = { ...DEFAULT_CHECKIN_RULES, makeUp: { enabled: true, withinDays: 3, perMonth: 2, costPoints: 0 } };
    expect(makeUpRefusal('2026-03-09', '2026-03-10', [], 0, DEFAULT_CHECKIN_RULES)).toBe('disabled');
    expect(makeUpRefusal('2026-03-10', '2026-03-10', [], 0, on)).toBe('future');
    expect(makeUpRefusal('2026-02-28', '2026-03-01', [], 0, on)).toBe('other_month');
    expect(makeUpRefusal('2026-03-05', '2026-03-10', [], 0, on)).toBe('too_old');
    expect(makeUpRefusal('2026-03-09', '2026-03-10', ['2026-03-09'], 0, on)).toBe('not_missed');
    expect(makeUpRefusal('2026-03-09', '2026-03-10', [], 2, on)).toBe('limit');
    expect(makeUpRefusal('2026-03-09', '2026-03-10', [], 1, on)).toBeNull();
    // a run reaching the 1st continues the streak recorded there
    expect(
      streakAfterMakeUp(
        '2026-03-03',
        new Map([
          ['2026-03-01', 9],
          ['2026-03-02', 0],
          ['2026-03-03', 1],
        ]),
      ),
    ).toBe(11);
  });
});
