import { checkInDecisionSchema, decideCheckIn, DEFAULT_CHECKIN_RULES, EMPTY_CHECKIN, monthDocNeeded, type CheckinState } from '../../shared/rules/checkin';

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
