import { z } from 'zod';
import { addBusinessDays } from '../calendar';
import type { EarningRules } from '../schemas/points';
import { expiryDate } from './lots';

/**
 * Daily check-in (签到), pure rules.
 *
 * Invariants:
 * C1 one check-in per member per Asia/Shanghai business day (the ledger key `checkin:<member>:<yyyymmdd>`
 *    and the member's state are written in one transaction: a second tap, concurrent or not, is `already`);
 * C2 the streak counts consecutive business days: checked in yesterday → streak + 1, else 1;
 *    a month end is just another day (31 Jan → 1 Feb continues the streak);
 * C3 points = daily points + the bonus of the streak's day, if any (default: day 7 and day 30 of a
 *    streak; a streak that goes on does not earn them again until it breaks and reaches them anew);
 * C4 a make-up (补签) is off by default; when on, it fills a missed day of the current month within
 *    `withinDays`, at most `perMonth` times, costing `costPoints`, and earns the daily points only (no
 *    bonus); the streak is then recomputed from the month's checked days (`streakAfterMakeUp`).
 */
export const checkinRulesSchema = z
  .object({
    dailyPoints: z.number().int().min(0).max(1000),
    bonuses: z.array(z.object({ day: z.number().int().min(2).max(365), points: z.number().int().min(1).max(100_000) }).strict()).max(10),
    makeUp: z
      .object({
        enabled: z.boolean(),
        withinDays: z.number().int().min(1).max(31),
        perMonth: z.number().int().min(0).max(31),
        costPoints: z.number().int().min(0).max(100_000),
      })
      .strict(),
  })
  .strict();
export type CheckinRules = z.infer<typeof checkinRulesSchema>;

export const DEFAULT_CHECKIN_RULES: CheckinRules = {
  dailyPoints: 2,
  bonuses: [
    { day: 7, points: 10 },
    { day: 30, points: 50 },
  ],
  makeUp: { enabled: false, withinDays: 7, perMonth: 2, costPoints: 20 },
};

/** The member's check-in state (`checkin_state/<memberId>`). */
export interface CheckinState {
  /** the last business day checked in, `YYYY-MM-DD`; null before the first */
  lastDay: string | null;
  streak: number;
  longest: number;
  total: number;
}

export const EMPTY_CHECKIN: CheckinState = { lastDay: null, streak: 0, longest: 0, total: 0 };

interface CheckinOutcome {
  state: CheckinState;
  streak: number;
  points: number;
  bonus: number;
  already: boolean;
}

function bonusFor(streak: number, rules: CheckinRules): number {
  return rules.bonuses.filter((b) => b.day === streak).reduce((s, b) => s + b.points, 0);
}

/** Checking in on `day` (C1–C3). */
/**
 * Is `day` before the last day checked in? Only a clock moved back makes it so (a local clock set
 * back, a server's clock corrected): the caller answers CLOCK_MOVED_BACK, `checkInOn` refuses it.
 */
function beforeLastCheckIn(state: CheckinState, day: string): boolean {
  return state.lastDay !== null && state.lastDay > day;
}

export function checkInOn(state: CheckinState, day: string, rules: CheckinRules): CheckinOutcome {
  if (state.lastDay === day) return { state, streak: state.streak, points: 0, bonus: 0, already: true };
  if (beforeLastCheckIn(state, day)) throw new RangeError(`check-in on ${day} before the last one (${state.lastDay})`);
  const streak = state.lastDay !== null && addBusinessDays(state.lastDay, 1) === day ? state.streak + 1 : 1;
  const bonus = bonusFor(streak, rules);
  return {
    state: { lastDay: day, streak, longest: Math.max(state.longest, streak), total: state.total + 1 },
    streak,
    points: rules.dailyPoints + bonus,
    bonus,
    already: false,
  };
}

/** The streak as the member sees it on `today`: broken (0) when neither today nor yesterday was checked in. */
export function currentStreak(state: CheckinState, today: string): number {
  if (state.lastDay === today || (state.lastDay !== null && addBusinessDays(state.lastDay, 1) === today)) return state.streak;
  return 0;
}

/** The next bonus ahead of a streak: on which streak day, how many points. */
export function nextBonus(streak: number, rules: CheckinRules): { day: number; points: number } | null {
  const ahead = rules.bonuses.filter((b) => b.day > streak).sort((a, b) => a.day - b.day)[0];
  return ahead ? { day: ahead.day, points: ahead.points } : null;
}

type MakeUpRefusal = 'disabled' | 'not_missed' | 'too_old' | 'future' | 'other_month' | 'limit';

/**
 * Whether `day` may be made up on `today` (C4), given the days of this month already checked in and
 * the make-ups used this month.
 */
export function makeUpRefusal(day: string, today: string, checkedDays: readonly string[], usedThisMonth: number, rules: CheckinRules): MakeUpRefusal | null {
  if (!rules.makeUp.enabled) return 'disabled';
  if (day >= today) return 'future';
  if (day.slice(0, 7) !== today.slice(0, 7)) return 'other_month';
  if (addBusinessDays(day, rules.makeUp.withinDays) < today) return 'too_old';
  if (checkedDays.includes(day)) return 'not_missed';
  if (usedThisMonth >= rules.makeUp.perMonth) return 'limit';
  return null;
}

/**
 * The streak after a make-up filled a gap: the run of consecutive checked days of the month ending at
 * `last` (`days`: each checked day of the month with the streak recorded for it). A run that reaches
 * the month's first day continues the streak recorded there (it already counts the days before).
 */
export function streakAfterMakeUp(last: string, days: ReadonlyMap<string, number>): number {
  let n = 0;
  let d = last;
  const monthStart = `${last.slice(0, 7)}-01`;
  while (days.has(d)) {
    if (d === monthStart) return n + (days.get(d) ?? 1);
    n += 1;
    d = addBusinessDays(d, -1);
  }
  return n;
}

// ------------------------------------------------------------------ the check-in decision (read, decide, write)

const count = z.number().int().nonnegative();
const checkinDaySchema = z.object({ points: count, streak: count, makeUp: z.boolean().optional() }).strict();
const checkinStateSchema = z.object({ lastDay: z.string().nullable(), streak: count, longest: count, total: count }).strict();
const checkInAnswerSchema = z
  .object({
    day: z.string(),
    streak: count,
    points: count,
    bonus: count,
    already: z.boolean(),
    nextBonus: z.object({ day: count, points: count }).strict().nullable(),
  })
  .strict();
type CheckInAnswer = z.infer<typeof checkInAnswerSchema>;

export const checkInDecisionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('refused'), code: z.literal('CLOCK_MOVED_BACK'), message: z.string() }).strict(),
  z.object({ kind: z.literal('already'), answer: checkInAnswerSchema }).strict(),
  z
    .object({
      kind: z.literal('checkIn'),
      /** the ledger entry (its movement comes from earning `lot` on the member's points) */
      entry: z
        .object({ id: z.string(), kind: z.literal('earn'), reason: z.string(), ref: z.object({ type: z.literal('checkin'), id: z.string() }).strict() })
        .strict(),
      lot: z.object({ id: z.string(), amount: count, earnedOn: z.string(), maturesOn: z.string(), expiresOn: z.string(), today: z.string() }).strict(),
      /** `addDay`: the month's document exists (a day of it is checked in), today is added unread; `set`: the whole month */
      month: z.discriminatedUnion('op', [
        z.object({ op: z.literal('addDay'), month: z.string(), dd: z.string(), day: checkinDaySchema }).strict(),
        z.object({ op: z.literal('set'), month: z.string(), days: z.record(z.string(), checkinDaySchema), makeUps: count }).strict(),
      ]),
      state: checkinStateSchema,
      answer: checkInAnswerSchema,
    })
    .strict(),
]);
type CheckInDecision = z.infer<typeof checkInDecisionSchema>;

/** The month's checked days as stored (`checkin_months`), what the decision needs of them. */
interface CheckinMonth {
  days: Record<string, z.infer<typeof checkinDaySchema>>;
  makeUps: number;
}

/**
 * Whether checking in on `today` needs the month's document read: only when no day of this month is
 * checked in yet (the last day is of an earlier month, or none). Otherwise the document exists and
 * today is added to it unread; a refusal or `already` needs it neither.
 */
export function monthDocNeeded(state: CheckinState, today: string): boolean {
  return state.lastDay === null || state.lastDay.slice(0, 7) < today.slice(0, 7);
}

/** The answer of a check-in already made today (also after a concurrent tap won the race). */
export function alreadyCheckedIn(state: CheckinState, today: string, rules: CheckinRules): CheckInAnswer {
  return { day: today, streak: state.streak, points: 0, bonus: 0, already: true, nextBonus: nextBonus(state.streak, rules) };
}

interface CheckInInput {
  memberId: string;
  state: CheckinState;
  /** the month's document when `monthDocNeeded` (null: none yet); not read otherwise */
  monthDoc?: CheckinMonth | null;
  today: string;
  /** `today` as `yyyymmdd`, the ledger key's day */
  dayKey: string;
  rules: CheckinRules;
  earning: Pick<EarningRules, 'expiry'>;
}

/**
 * The whole effect of checking in on `today` (C1–C3): refused when the clock was moved back before
 * the last day checked in (nothing written), `already` when today is checked in, else the ledger
 * entry and its lot, the month's day, the next state and the answer.
 */
export function decideCheckIn(input: CheckInInput): CheckInDecision {
  const { state, today, rules } = input;
  if (beforeLastCheckIn(state, today)) {
    return { kind: 'refused', code: 'CLOCK_MOVED_BACK', message: `今天（${today}）早于上次签到日（${state.lastDay}），请稍后重试` };
  }
  const outcome = checkInOn(state, today, rules);
  if (outcome.already) return { kind: 'already', answer: alreadyCheckedIn(state, today, rules) };
  const id = `checkin:${input.memberId}:${input.dayKey}`;
  const month = today.slice(0, 7);
  const dd = today.slice(8);
  const day = { points: outcome.points, streak: outcome.streak };
  const monthDoc = input.monthDoc ?? { days: {}, makeUps: 0 };
  return {
    kind: 'checkIn',
    entry: { id, kind: 'earn', reason: outcome.bonus > 0 ? `签到奖励（连续 ${outcome.streak} 天）` : '每日签到', ref: { type: 'checkin', id: input.dayKey } },
    lot: { id, amount: outcome.points, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, input.earning.expiry), today },
    month: monthDocNeeded(state, today)
      ? { op: 'set', month, days: { ...monthDoc.days, [dd]: day }, makeUps: monthDoc.makeUps }
      : { op: 'addDay', month, dd, day },
    state: outcome.state,
    answer: { day: today, streak: outcome.streak, points: outcome.points, bonus: outcome.bonus, already: false, nextBonus: nextBonus(outcome.streak, rules) },
  };
}

// ------------------------------------------------------------------ the make-up decision (read, decide, write)

const ledgerDraftSchema = z
  .object({ id: z.string(), kind: z.enum(['earn', 'spend']), reason: z.string(), ref: z.object({ type: z.literal('checkin'), id: z.string() }).strict() })
  .strict();

export const makeUpDecisionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('refused'), reason: z.enum(['disabled', 'not_missed', 'too_old', 'future', 'other_month', 'limit']) }).strict(),
  z
    .object({
      kind: z.literal('makeUp'),
      /** the make-up's price, spent first (null when it is free) */
      cost: z.object({ entry: ledgerDraftSchema, amount: count.positive() }).strict().nullable(),
      /** the day's daily points, earned as a check-in of that day would have (`checkin:<member>:<yyyymmdd>`) */
      earn: z.object({ entry: ledgerDraftSchema, lot: checkInDecisionSchema.options[2].shape.lot }).strict(),
      /** the whole month's document, the day filled in */
      month: z.object({ month: z.string(), days: z.record(z.string(), checkinDaySchema), makeUps: count }).strict(),
      state: checkinStateSchema,
      answer: z.object({ day: z.string(), points: count, cost: count, streak: count }).strict(),
    })
    .strict(),
]);
type MakeUpDecision = z.infer<typeof makeUpDecisionSchema>;

interface MakeUpInput {
  memberId: string;
  /** the missed day asked for, `yyyy-mm-dd` */
  day: string;
  today: string;
  /** this month's document (empty when none yet) */
  monthDoc: CheckinMonth;
  state: CheckinState;
  rules: CheckinRules;
  earning: Pick<EarningRules, 'expiry'>;
}

/**
 * The whole effect of a 补签 of `day`: refused (disabled, not a missed day of this month within the
 * window, or the month's make-ups used up), else its cost, the day's daily points, the month with the
 * day filled in (streak 0 there: a make-up joins runs, it is not one), and the state with the streak
 * the filled gap gives when the last check-in is of this month.
 */
export function decideMakeUp(input: MakeUpInput): MakeUpDecision {
  const { day, today, monthDoc, state, rules } = input;
  const month = today.slice(0, 7);
  const checked = Object.keys(monthDoc.days).map((dd) => `${month}-${dd}`);
  const refusal = makeUpRefusal(day, today, checked, monthDoc.makeUps, rules);
  if (refusal) return { kind: 'refused', reason: refusal };
  const key = day.replace(/-/g, '');
  const id = `checkin:${input.memberId}:${key}`;
  const ref = { type: 'checkin' as const, id: key };
  const days = { ...monthDoc.days, [day.slice(8)]: { points: rules.dailyPoints, streak: 0, makeUp: true } };
  const byDay = new Map(Object.entries(days).map(([dd, d]) => [`${month}-${dd}`, d.streak]));
  const streak = state.lastDay && state.lastDay.slice(0, 7) === month ? streakAfterMakeUp(state.lastDay, byDay) : state.streak;
  const costPoints = rules.makeUp.costPoints;
  return {
    kind: 'makeUp',
    cost:
      costPoints > 0 ? { entry: { id: `checkin-makeup-cost:${input.memberId}:${key}`, kind: 'spend', reason: `补签 ${day}`, ref }, amount: costPoints } : null,
    earn: {
      entry: { id, kind: 'earn', reason: `补签 ${day}`, ref },
      lot: { id, amount: rules.dailyPoints, earnedOn: today, maturesOn: today, expiresOn: expiryDate(today, input.earning.expiry), today },
    },
    month: { month, days, makeUps: monthDoc.makeUps + 1 },
    state: { ...state, streak, longest: Math.max(state.longest, streak), total: state.total + 1 },
    answer: { day, points: rules.dailyPoints, cost: costPoints, streak },
  };
}
