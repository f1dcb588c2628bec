/** Profile rules: birthday changes, privacy-policy consent. Pure. */

/** The privacy policy in force; bump it when the policy text changes (members are asked again). */
export const PRIVACY_POLICY_VERSION = '2025-06-01';

export const BIRTHDAY_CHANGE_INTERVAL_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

export interface BirthdayInput {
  month: number;
  day: number;
  year?: number;
}

/** 'MM-DD', the indexed key of the birthday-coupon job. */
export function birthdayMonthDay(b: Pick<BirthdayInput, 'month' | 'day'>): string {
  return `${String(b.month).padStart(2, '0')}-${String(b.day).padStart(2, '0')}`;
}

export function sameBirthday(a: BirthdayInput | undefined, b: BirthdayInput): boolean {
  return !!a && a.month === b.month && a.day === b.day && (a.year ?? null) === (b.year ?? null);
}

/** When the birthday may next be changed; null = now (never set, or set more than a year ago). */
export function birthdayChangeableAt(changedAt: Date | undefined | null, now: Date): Date | null {
  if (!changedAt) return null;
  const at = new Date(new Date(changedAt).getTime() + BIRTHDAY_CHANGE_INTERVAL_DAYS * DAY_MS);
  return at.getTime() > now.getTime() ? at : null;
}
