import { addBusinessDays } from '../calendar';
import { daysBetween } from './lifecycle';

/**
 * Repurchase cycles: each member's typical interval between purchases per category, from their own
 * purchase days, and the reminder `leadDays` before the next expected one.
 *
 * - A purchase is counted once per business day per category (two coffees on one day are one
 *   visit), so adding a day twice changes nothing: the job may see an order again after a crash.
 * - The typical interval is the median of the gaps between the last `MAX_DAYS_KEPT` purchase days
 *   (a median, not a mean: one long holiday does not move it).
 * - A member with fewer than `minPurchases` days in the category takes the category's median of
 *   the members who have enough (kept as a histogram: interval → members, moved exactly as members'
 *   own intervals change).
 */
export const MAX_DAYS_KEPT = 12;

/** The purchase days (`YYYY-MM-DD`, ascending, distinct) with `day` added, the latest `MAX_DAYS_KEPT` kept. */
export function addPurchaseDay(days: readonly string[], day: string): string[] {
  if (days.includes(day)) return [...days];
  return [...days, day].sort().slice(-MAX_DAYS_KEPT);
}

/** The median of whole numbers, rounded to a whole day (the mean of the middle two when even); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : Math.round((s[mid - 1] + s[mid]) / 2);
}

/** The member's own typical interval in days: the median gap between their purchase days; null with fewer than two. */
export function typicalInterval(days: readonly string[]): number | null {
  const gaps: number[] = [];
  for (let i = 1; i < days.length; i += 1) gaps.push(daysBetween(days[i - 1], days[i]));
  return median(gaps);
}

/** A category's intervals: interval in days (as a key) → how many members have it as their own. */
export type IntervalHistogram = Record<string, number>;

/** The histogram with one member's own interval moved from `from` to `to` (null: not counted). */
export function moveInHistogram(h: Readonly<IntervalHistogram>, from: number | null, to: number | null): IntervalHistogram {
  const next: IntervalHistogram = { ...h };
  if (from !== null && (next[from] ?? 0) > 0) {
    next[from] -= 1;
    if (next[from] === 0) delete next[from];
  }
  if (to !== null) next[to] = (next[to] ?? 0) + 1;
  return next;
}

/** The median member's interval of a histogram; null when nobody has enough purchases yet. */
export function histogramMedian(h: Readonly<IntervalHistogram>): number | null {
  const entries = Object.entries(h)
    .map(([k, n]) => [Number(k), n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  // The lower and upper middle members (the same one when the count is odd).
  const at = (rank: number) => {
    let seen = 0;
    for (const [v, n] of entries) {
      seen += n;
      if (seen > rank) return v;
    }
    return entries[entries.length - 1][0];
  };
  return Math.round((at(Math.floor((total - 1) / 2)) + at(Math.floor(total / 2))) / 2);
}

export interface CycleRules {
  leadDays: number;
  minPurchases: number;
  maxIntervalDays: number;
}

interface CycleEstimate {
  /** the member's own interval, counted in the category's histogram (enough purchase days), else null */
  ownIntervalDays: number | null;
  /** the interval the reminder uses: their own, else the category's median */
  intervalDays: number | null;
  source: 'own' | 'category' | null;
  expectedOn: string | null;
  /** the day to remind: `leadDays` before `expectedOn`; null when there is nothing to remind of */
  remindOn: string | null;
}

/**
 * The next expected purchase in a category after `days`. No reminder when the interval is unknown,
 * longer than `maxIntervalDays`, or no longer than `leadDays` (the reminder would come on or before
 * the last purchase: the member buys more often than we would remind).
 */
export function estimateCycle(days: readonly string[], categoryMedian: number | null, rules: CycleRules): CycleEstimate {
  const own = days.length >= rules.minPurchases ? typicalInterval(days) : null;
  const intervalDays = own ?? (days.length > 0 ? categoryMedian : null);
  const source = own !== null ? 'own' : intervalDays !== null ? 'category' : null;
  const last = days[days.length - 1];
  if (intervalDays === null || !last || intervalDays <= rules.leadDays || intervalDays > rules.maxIntervalDays)
    return { ownIntervalDays: own, intervalDays, source, expectedOn: null, remindOn: null };
  const expectedOn = addBusinessDays(last, intervalDays);
  return { ownIntervalDays: own, intervalDays, source, expectedOn, remindOn: addBusinessDays(expectedOn, -rules.leadDays) };
}

/** The earliest of the days (the cycle document's indexed `remindOn`), null when none. */
export function earliest(days: readonly (string | null)[]): string | null {
  const set = days.filter((d): d is string => d !== null).sort();
  return set[0] ?? null;
}
