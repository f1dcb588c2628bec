import {
  checkInDecisionSchema,
  decideCheckIn,
  decideMakeUp,
  DEFAULT_CHECKIN_RULES,
  EMPTY_CHECKIN,
  makeUpDecisionSchema,
  monthDocNeeded,
  type CheckinState,
} from '../../shared/rules/checkin';

const base = { memberId: 'm1', rules: DEFAULT_CHECKIN_RULES, earning: { expiry: { kind: 'rolling' as const, months: 12 } } };
const on = (today: string, state: CheckinState, monthDoc?: Parameters<typeof decideCheckIn>[0]['monthDoc']) =>
  checkInDecisionSchema.parse(decideCheckIn({ ...base, state, monthDoc, today, dayKey: today.replace(/-/g, '') }));

describe('decideCheckIn (pure, no database)', () => {
  it('refuses a day before the last one checked in (clock moved back) with CLOCK_MOVED_BACK', () => {
    const d = on('2026-03-09', { lastDay: '2026-03-10', streak: 3, longest: 3, total: 3 });
    expect(d).toMatchObject({ kind: 'refused', code: 'CLOCK_MOVED_BACK' });
  });

  it('answers already, with nothing to write, when today is checked in', () => {
    const d = on('2026-03-10', { lastDay: '2026-03-10', streak: 6, longest: 6, total: 6 });
    expect(d).toEqual({ kind: 'already', answer: { day: '2026-03-10', streak: 6, points: 0, bonus: 0, already: true, nextBonus: { day: 7, points: 10 } } });
  });

  it('continues a streak within the month: the day is added to the month unread, the bonus day pays it', () => {
    const state = { lastDay: '2026-03-09', streak: 6, longest: 6, total: 9 };
    expect(monthDocNeeded(state, '2026-03-10')).toBe(false);
    const d = on('2026-03-10', state);
    if (d.kind !== 'checkIn') throw new Error(d.kind);
    expect(d.entry).toEqual({ id: 'checkin:m1:20260310', kind: 'earn', reason: '签到奖励（连续 7 天）', ref: { type: 'checkin', id: '20260310' } });
    expect(d.lot).toMatchObject({ id: 'checkin:m1:20260310', amount: 12, earnedOn: '2026-03-10', maturesOn: '2026-03-10', today: '2026-03-10' });
    expect(d.month).toEqual({ op: 'addDay', month: '2026-03', dd: '10', day: { points: 12, streak: 7 } });
    expect(d.state).toEqual({ lastDay: '2026-03-10', streak: 7, longest: 7, total: 10 });
    expect(d.answer).toEqual({ day: '2026-03-10', streak: 7, points: 12, bonus: 10, already: false, nextBonus: { day: 30, points: 50 } });
  });

  it('first day of a month (or ever): the month document is read and set whole, keeping its make-ups', () => {
    const state = { lastDay: '2026-02-28', streak: 2, longest: 5, total: 8 };
    expect(monthDocNeeded(state, '2026-03-01')).toBe(true);
    expect(monthDocNeeded(EMPTY_CHECKIN, '2026-03-01')).toBe(true);
    const d = on('2026-03-01', state, null);
    if (d.kind !== 'checkIn') throw new Error(d.kind);
    expect(d.month).toEqual({ op: 'set', month: '2026-03', days: { '01': { points: 2, streak: 3 } }, makeUps: 0 });
    expect(d.entry.reason).toBe('每日签到');
    expect(d.state).toEqual({ lastDay: '2026-03-01', streak: 3, longest: 5, total: 9 });
    // a month document already there (its days came by make-up, say) is kept and added to
    const withDoc = on(
      '2026-03-05',
      { lastDay: '2026-02-20', streak: 1, longest: 5, total: 8 },
      { days: { '03': { points: 2, streak: 0, makeUp: true } }, makeUps: 1 },
    );
    if (withDoc.kind !== 'checkIn') throw new Error(withDoc.kind);
    expect(withDoc.month).toEqual({
      op: 'set',
      month: '2026-03',
      days: { '03': { points: 2, streak: 0, makeUp: true }, '05': { points: 2, streak: 1 } },
      makeUps: 1,
    });
  });

  it('a clock moved back into an earlier month neither reads the month nor writes', () => {
    const state = { lastDay: '2026-04-02', streak: 1, longest: 1, total: 1 };
    expect(monthDocNeeded(state, '2026-03-30')).toBe(false);
    expect(on('2026-03-30', state).kind).toBe('refused');
  });
});

describe('decideMakeUp (pure, no database)', () => {
  const rules = { ...DEFAULT_CHECKIN_RULES, makeUp: { enabled: true, withinDays: 7, perMonth: 2, costPoints: 20 } };
  const makeUp = (day: string, monthDoc: Parameters<typeof decideMakeUp>[0]['monthDoc'], state: CheckinState, over: Partial<typeof rules> = {}) =>
    makeUpDecisionSchema.parse(decideMakeUp({ ...base, rules: { ...rules, ...over }, day, today: '2026-03-10', monthDoc, state }));
  // 03-06 missed; 03-07…03-09 checked (a run of 3)
  const month = {
    days: { '05': { points: 2, streak: 5 }, '07': { points: 2, streak: 1 }, '08': { points: 2, streak: 2 }, '09': { points: 2, streak: 3 } },
    makeUps: 0,
  };
  const state = { lastDay: '2026-03-09', streak: 3, longest: 5, total: 9 };

  it('refuses when disabled, for a day not missed, in the future, of another month, too old, or past the month’s limit', () => {
    expect(makeUp('2026-03-06', month, state, { makeUp: { ...rules.makeUp, enabled: false } })).toEqual({ kind: 'refused', reason: 'disabled' });
    expect(makeUp('2026-03-08', month, state)).toEqual({ kind: 'refused', reason: 'not_missed' });
    expect(makeUp('2026-03-10', month, state)).toEqual({ kind: 'refused', reason: 'future' });
    expect(makeUp('2026-02-27', month, state)).toEqual({ kind: 'refused', reason: 'other_month' });
    expect(makeUp('2026-03-02', month, state)).toEqual({ kind: 'refused', reason: 'too_old' });
    expect(makeUp('2026-03-06', { ...month, makeUps: 2 }, state)).toEqual({ kind: 'refused', reason: 'limit' });
  });

  it('filling the gap joins the runs: cost spent, the daily points earned, the month and the streak', () => {
    const d = makeUp('2026-03-06', month, state);
    if (d.kind !== 'makeUp') throw new Error(d.kind);
    const ref = { type: 'checkin', id: '20260306' };
    expect(d.cost).toEqual({ entry: { id: 'checkin-makeup-cost:m1:20260306', kind: 'spend', reason: '补签 2026-03-06', ref }, amount: 20 });
    expect(d.earn.entry).toEqual({ id: 'checkin:m1:20260306', kind: 'earn', reason: '补签 2026-03-06', ref });
    expect(d.earn.lot).toMatchObject({ id: 'checkin:m1:20260306', amount: 2, earnedOn: '2026-03-10', maturesOn: '2026-03-10', today: '2026-03-10' });
    expect(d.month).toEqual({ month: '2026-03', days: { ...month.days, '06': { points: 2, streak: 0, makeUp: true } }, makeUps: 1 });
    // 03-05 (streak 5) … 03-09: the run from the month's start is not reached, so 03-05…03-09 counts 5
    expect(d.state).toEqual({ lastDay: '2026-03-09', streak: 5, longest: 5, total: 10 });
    expect(d.answer).toEqual({ day: '2026-03-06', points: 2, cost: 20, streak: 5 });
  });

  it('a free make-up spends nothing; a last check-in of an earlier month keeps the streak as it is', () => {
    const d = makeUp(
      '2026-03-06',
      { days: {}, makeUps: 0 },
      { lastDay: '2026-02-28', streak: 4, longest: 9, total: 30 },
      { makeUp: { ...rules.makeUp, costPoints: 0 } },
    );
    if (d.kind !== 'makeUp') throw new Error(d.kind);
    expect(d.cost).toBeNull();
    expect(d.state).toEqual({ lastDay: '2026-02-28', streak: 4, longest: 9, total: 31 });
    expect(d.answer).toEqual({ day: '2026-03-06', points: 2, cost: 0, streak: 4 });
  });
});
