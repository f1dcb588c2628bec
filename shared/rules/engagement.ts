import { z } from 'zod';
import { addBusinessDays } from '../calendar';

/**
 * The merchant's engagement settings (`settings/engagement`), with defaults: the birthday gift, the
 * reminders' lead times. Pure rules for the scheduled jobs.
 */
export const engagementSettingsSchema = z
  .object({
    birthday: z
      .object({
        enabled: z.boolean(),
        /** the coupon is issued this many days before the birthday */
        leadDays: z.number().int().min(0).max(30),
        /** the coupon template issued (channel `birthday`); none: the greeting only */
        couponTemplateId: z.string().min(1).max(64).nullable(),
        /** points multiplier on the birthday (orders paid that business day) */
        pointsMultiplier: z.number().min(1).max(10),
      })
      .strict(),
    pointsExpiry: z.object({ daysBefore: z.array(z.number().int().min(1).max(90)).min(1).max(3) }).strict(),
    couponExpiry: z.object({ daysBefore: z.number().int().min(1).max(30) }).strict(),
  })
  .strict();
export type EngagementSettings = z.infer<typeof engagementSettingsSchema>;

export const DEFAULT_ENGAGEMENT_SETTINGS: EngagementSettings = {
  birthday: { enabled: true, leadDays: 3, couponTemplateId: null, pointsMultiplier: 2 },
  pointsExpiry: { daysBefore: [30, 7] },
  couponExpiry: { daysBefore: 3 },
};

const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/**
 * The birthdays (`MM-DD`, the indexed `birthdayMD`) celebrated on `day`: its own month-day, and on
 * 28 February of a year without a 29th, the members born on 29 February too.
 */
export function birthdaysCelebratedOn(day: string): string[] {
  const md = day.slice(5);
  return md === '02-28' && !isLeap(Number(day.slice(0, 4))) ? ['02-28', '02-29'] : [md];
}

/**
 * The birthday job of `today` greets the birthdays celebrated `leadDays` later; the gift belongs to
 * the year of that birthday (a gift on 30 Dec for a 2 Jan birthday is next year's), once per year.
 */
export function birthdayTarget(today: string, leadDays: number): { day: string; year: number; monthDays: string[] } {
  const day = addBusinessDays(today, leadDays);
  return { day, year: Number(day.slice(0, 4)), monthDays: birthdaysCelebratedOn(day) };
}

/** Whether `day` is the member's celebrated birthday (for the birthday points multiplier). */
export function isBirthday(birthdayMD: string | undefined, day: string): boolean {
  return birthdayMD !== undefined && birthdaysCelebratedOn(day).includes(birthdayMD);
}

/**
 * The birthdays the job of `today` gifts: those `leadDays` later (the usual case, `birthdayTarget`)
 * and every one in between, today included. A birthday set inside the lead window (the member filled
 * in the profile two days before) still gets this year's gift while its day has not passed; the
 * gift's per-year key keeps it to one a year however many runs see the member.
 */
export function birthdayWindow(today: string, leadDays: number): { day: string; year: number; monthDays: string[] }[] {
  return Array.from({ length: leadDays + 1 }, (_, i) => birthdayTarget(today, leadDays - i));
}

/**
 * The card's birthday view on `day`: the greeting, and the points multiplier orders of the day earn
 * (as `recordOrder` applies it: whether or not the gift is on); null on other days.
 */
export function birthdayToday(birthdayMD: string | undefined, day: string, settings: EngagementSettings['birthday']): { multiplier: number } | null {
  return isBirthday(birthdayMD, day) ? { multiplier: settings.pointsMultiplier } : null;
}

/**
 * One-time subscribe messages: each accepted template in one `wx.requestSubscribeMessage` allows one
 * send, and one request names at most 3 templates. The functions cannot ask WeChat what a member
 * holds, so they count acceptances themselves and bound what a (possibly forged) report can add:
 * one credit per distinct template per report, at most `SUBSCRIBE_CREDIT_CAP` held per template
 * (more than any job sends a member in the months a credit waits; a send WeChat refuses is a
 * 43101 `no_credit` in the log, never a double send).
 */
export const SUBSCRIBE_TEMPLATES_PER_REQUEST = 3;
export const SUBSCRIBE_CREDIT_CAP = 20;

/** The distinct templates of one report, in order (a repeated id counts once: one tap, one credit). */
export function distinctAccepted(accepted: readonly string[]): string[] {
  return [...new Set(accepted)];
}

/** Credits held after one more acceptance, never past the cap. */
export function creditsAfterAccept(held: number): number {
  return Math.min(SUBSCRIBE_CREDIT_CAP, held + 1);
}
