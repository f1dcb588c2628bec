import { z } from 'zod';

/**
 * Points and money are whole numbers; money in fen. Both are bounded well inside the safe integers
 * (2^53 ≈ 9×10^15), so no sum of amounts, balances or prices ever rounds: ¥10 billion, 10^12 points.
 */
const MAX_FEN = 10 ** 12;
export const MAX_POINTS = 10 ** 12;
export const points = z.number().int().min(-MAX_POINTS).max(MAX_POINTS);
export const fen = z.number().int().nonnegative().max(MAX_FEN);

/** Prototype names: never a key of a map looked up with user data (they are found on every object). */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * A key of a map the merchant or a client writes (SKU and category multipliers, …): refused when it
 * would be read back as something else — an EJSON type (`$date`, `$numberLong`, `$oid`: any `$` key),
 * a field path (`.`), or a prototype name (`__proto__`, `constructor`, …).
 */
export const userMapKey = z
  .string()
  .min(1)
  .max(64)
  .refine((k) => !k.startsWith('$'), '键不能以 $ 开头（会被当作数据类型标记）')
  .refine((k) => !k.includes('.'), '键不能包含 .')
  .refine((k) => !PROTOTYPE_NAMES.has(k), '键不能是保留名（如 __proto__、constructor）');

/** An own property of a map keyed by user data, never an inherited one (`constructor`, `toString`, …). */
export function ownValue<V>(map: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}
/**
 * Is `year-month-day` a day of the calendar? A pattern alone let `2027-02-30` and `9999-99-99`
 * through, and date arithmetic then silently rolled them into another day.
 */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(2000, month, 0)).getUTCDate() && (month !== 2 || day <= 28 || isLeapYear(year));
}
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * A Shanghai business date, `YYYY-MM-DD`, and a real one: the one date schema every document and
 * request uses (coupon validity, check-in days, lots, reviews, departures).
 */
export const businessDate = z
  .string()
  .regex(DATE_PATTERN, '日期格式应为 YYYY-MM-DD')
  .refine((s) => {
    const m = DATE_PATTERN.exec(s);
    return !m || isRealDate(Number(m[1]), Number(m[2]), Number(m[3]));
  }, '日期不存在');
/** A business month, `YYYY-MM` (01–12). */
export const businessMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
/** A day of the year without the year, `MM-DD` (02-29 included: a leap-day birthday). */
export const monthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, '日期格式应为 MM-DD')
  .refine((s) => isRealDate(2000, Number(s.slice(0, 2)), Number(s.slice(3))), '日期不存在');
export const instant = z.date();
