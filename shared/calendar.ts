import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Business dates (birthdays, streaks, member days, expiry) are Shanghai calendar days. */
export const BUSINESS_TZ = 'Asia/Shanghai';

/**
 * Shanghai has kept UTC+8 without daylight saving since 1991-09-15 (its last DST ended at
 * 1991-09-14 17:00 UTC): from then on a business date is plain arithmetic, about 50× cheaper than
 * dayjs' timezone plugin (which formats through Intl on every call, 7 % of an accrual). Earlier
 * instants go through one cached Intl formatter.
 */
const FIXED_OFFSET_SINCE_MS = Date.UTC(1991, 8, 14, 17, 0, 0);
const OFFSET_MS = 8 * 60 * 60 * 1000;
let historicFormatter: Intl.DateTimeFormat | undefined;

function toMillis(instant: Date | number | string): number {
  if (typeof instant === 'number') return instant;
  if (instant instanceof Date) return instant.getTime();
  return dayjs(instant).valueOf();
}

/** The business day of an instant as `YYYY-MM-DD`. */
export function businessDate(instant: Date | number | string): string {
  const ms = toMillis(instant);
  if (Number.isNaN(ms)) return dayjs(instant).tz(BUSINESS_TZ).format('YYYY-MM-DD'); // 'Invalid Date', as before
  if (ms >= FIXED_OFFSET_SINCE_MS && ms < 253402300800000 - OFFSET_MS) return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
  historicFormatter ??= new Intl.DateTimeFormat('en-CA', { timeZone: BUSINESS_TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
  return historicFormatter.format(ms);
}

/** The Shanghai hour of an instant as `YYYYMMDDHH` (per-store hourly counters); arithmetic as `businessDate`. */
export function businessHourKey(instant: Date | number | string): string {
  const ms = toMillis(instant);
  if (ms >= FIXED_OFFSET_SINCE_MS && ms < 253402300800000 - OFFSET_MS) {
    const iso = new Date(ms + OFFSET_MS).toISOString(); // YYYY-MM-DDTHH:…
    return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}`;
  }
  return dayjs(instant).tz(BUSINESS_TZ).format('YYYYMMDDHH');
}

/** Compact form used inside idempotency keys, e.g. `checkin:<member>:20261123`. */
export function businessDateKey(instant: Date | number | string): string {
  return businessDate(instant).replace(/-/g, '');
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC instant at which a business day (`YYYY-MM-DD`) starts in Shanghai. */
export function startOfBusinessDate(date: string): Date {
  const start = DATE_ONLY.test(date) ? Date.parse(`${date}T00:00:00+08:00`) : NaN;
  if (start >= FIXED_OFFSET_SINCE_MS) return new Date(start);
  return dayjs.tz(`${date} 00:00:00`, BUSINESS_TZ).toDate();
}

/** Adds whole business days to a `YYYY-MM-DD` date (calendar arithmetic: a day is a day in any zone). */
export function addBusinessDays(date: string, days: number): string {
  const m = DATE_ONLY.exec(date);
  if (!m || !Number.isInteger(days)) return dayjs.tz(`${date} 00:00:00`, BUSINESS_TZ).add(days, 'day').format('YYYY-MM-DD');
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  const year = d.getUTCFullYear();
  if (year < 1000 || year > 9999) return dayjs.tz(`${date} 00:00:00`, BUSINESS_TZ).add(days, 'day').format('YYYY-MM-DD');
  return d.toISOString().slice(0, 10);
}

export { dayjs };
