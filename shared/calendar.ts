import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Business dates (birthdays, streaks, member days, expiry) are Shanghai calendar days. */
export const BUSINESS_TZ = 'Asia/Shanghai';

/** The business day of an instant as `YYYY-MM-DD`. */
export function businessDate(instant: Date | number | string): string {
  return dayjs(instant).tz(BUSINESS_TZ).format('YYYY-MM-DD');
}

/** Compact form used inside idempotency keys, e.g. `checkin:<member>:20261123`. */
export function businessDateKey(instant: Date | number | string): string {
  return dayjs(instant).tz(BUSINESS_TZ).format('YYYYMMDD');
}

/** The UTC instant at which a business day (`YYYY-MM-DD`) starts in Shanghai. */
export function startOfBusinessDate(date: string): Date {
  return dayjs.tz(`${date} 00:00:00`, BUSINESS_TZ).toDate();
}

/** Adds whole business days to a `YYYY-MM-DD` date. */
export function addBusinessDays(date: string, days: number): string {
  return dayjs.tz(`${date} 00:00:00`, BUSINESS_TZ).add(days, 'day').format('YYYY-MM-DD');
}

export { dayjs };
