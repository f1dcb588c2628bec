/** Profile rules: birthday changes, privacy-policy consent. Pure. */

/** The privacy policy in force; bump it when the policy text changes (members are asked again). */
export const PRIVACY_POLICY_VERSION = '2026-12-01';

/** The membership terms in force (accepted at 开卡 together with the privacy policy). */
export const MEMBERSHIP_TERMS_VERSION = '2026-12-01';

/** What each policy version changed, in a member's words (shown to those who accepted an older one). */
export const PRIVACY_POLICY_CHANGES: readonly { version: string; changes: readonly string[] }[] = [
  {
    version: '2026-12-01',
    changes: ['开卡前需您主动同意，未同意前不创建会员档案', '注销后保留微信标识的加密摘要及注销日期 2 年，仅用于防止重复领取注册礼'],
  },
];

/** The changes a member who accepted `accepted` has not seen; none for a person who never accepted one. */
export function privacyChangesSince(accepted: string | null | undefined): string[] {
  if (!accepted || accepted >= PRIVACY_POLICY_VERSION) return [];
  return PRIVACY_POLICY_CHANGES.filter((c) => c.version > accepted).flatMap((c) => [...c.changes]);
}

/** How long the keyed hash of a departed member's OPENID is kept (the policy says so). */
export const DEPARTURE_RETENTION_DAYS = 730;

const BIRTHDAY_CHANGE_INTERVAL_DAYS = 365;
const DAY_MS = 24 * 3600 * 1000;

interface BirthdayInput {
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
