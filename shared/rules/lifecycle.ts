import { z } from 'zod';
import { addBusinessDays, businessDate, startOfBusinessDate } from '../calendar';

/**
 * The member lifecycle: purchase statistics kept by the order path, and the dormancy stages the
 * nightly `dormancy` job records (`member_lifecycle/<memberId>`).
 *
 * Invariants:
 * - L1 `purchases.count` and `purchases.amountFen` never go below 0; `firstAt <= lastAt`.
 * - L2 `lastAt` only moves forward (a late-recorded older receipt leaves it), so a member's dormancy
 *   clock restarts only with a newer purchase.
 * - L3 a dormancy episode is named by the instant it counts from (the last purchase, or the
 *   registration of a member who never bought): a stage is acted on at most once per episode, and a
 *   purchase (a new `lastAt`) ends the episode: the member is active again, with nothing to write.
 */

/** The member document's purchase statistics (recency, frequency, monetary). */
export interface Purchases {
  count: number;
  amountFen: number;
  firstAt: Date;
  lastAt: Date;
}

/** After one more purchase of `amountFen` paid at `paidAt`. */
export function addPurchase(prev: Purchases | undefined, amountFen: number, paidAt: Date): Purchases {
  if (!prev) return { count: 1, amountFen, firstAt: paidAt, lastAt: paidAt };
  const first = new Date(prev.firstAt);
  const last = new Date(prev.lastAt);
  return {
    count: prev.count + 1,
    amountFen: prev.amountFen + amountFen,
    firstAt: paidAt < first ? paidAt : first,
    lastAt: paidAt > last ? paidAt : last,
  };
}

/**
 * After a refund of `amountFen`; `revoked`: the refund empties the order, which no longer counts as a
 * purchase. The dates stay (the visit happened; L2). Statistics absent (orders recorded before they
 * were kept): nothing to lower.
 */
export function refundPurchase(prev: Purchases | undefined, amountFen: number, revoked: boolean): Purchases | undefined {
  if (!prev) return undefined;
  return {
    ...prev,
    count: Math.max(0, prev.count - (revoked ? 1 : 0)),
    amountFen: Math.max(0, prev.amountFen - amountFen),
  };
}

export const DORMANCY_STAGES = ['warning', 'sleeping', 'lost'] as const;
export type DormancyStage = (typeof DORMANCY_STAGES)[number];
export type LifecycleStage = 'active' | DormancyStage;
/** What the merchant reads: 活跃, 预警, 沉睡, 流失. */
export const STAGE_LABELS: Record<LifecycleStage, string> = { active: '活跃', warning: '预警', sleeping: '沉睡', lost: '流失' };

const templateId = z.string().min(1).max(64).nullable();

export const lifecycleSettingsSchema = z
  .object({
    dormancy: z
      .object({
        enabled: z.boolean(),
        /** 预警 after this many days without a purchase: the come-back coupon and a message */
        warningDays: z.number().int().min(7).max(365),
        /** 沉睡: the stage only */
        sleepingDays: z.number().int().min(14).max(730),
        /** 流失: the 老友回归礼 recall (coupon and message) */
        lostDays: z.number().int().min(30).max(1095),
        /** coupon templates issued (channel `campaign`); none: the message only */
        warningCouponTemplateId: templateId,
        recallCouponTemplateId: templateId,
      })
      .strict()
      .refine((d) => d.warningDays < d.sleepingDays && d.sleepingDays < d.lostDays, { message: '天数应为 预警 < 沉睡 < 流失' }),
    repurchase: z
      .object({
        enabled: z.boolean(),
        /** reminded this many days before the next expected purchase */
        leadDays: z.number().int().min(1).max(14),
        /** fewer purchase days than this in a category: the category's median interval stands in */
        minPurchases: z.number().int().min(2).max(12),
        /** longer typical intervals are not reminded (a yearly purchase is not a habit to remind of) */
        maxIntervalDays: z.number().int().min(7).max(365),
      })
      .strict(),
  })
  .strict();
export type LifecycleSettings = z.infer<typeof lifecycleSettingsSchema>;

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  dormancy: { enabled: true, warningDays: 30, sleepingDays: 90, lostDays: 180, warningCouponTemplateId: null, recallCouponTemplateId: null },
  repurchase: { enabled: true, leadDays: 3, minPurchases: 3, maxIntervalDays: 90 },
};

export function stageDays(d: LifecycleSettings['dormancy']): Record<DormancyStage, number> {
  return { warning: d.warningDays, sleeping: d.sleepingDays, lost: d.lostDays };
}

/** Whole business days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * The dormancy stage on business day `today` of a member whose episode counts from `since` (the last
 * purchase, or the registration): a purchase on day D is N days without one on D + N.
 */
export function dormancyStage(since: Date, today: string, d: LifecycleSettings['dormancy']): LifecycleStage {
  const idle = daysBetween(businessDate(since), today);
  if (idle >= d.lostDays) return 'lost';
  if (idle >= d.sleepingDays) return 'sleeping';
  if (idle >= d.warningDays) return 'warning';
  return 'active';
}

/** Instants before this reach `days` without a purchase on `today` (the exclusive end of a stage's window). */
export function stageCutoff(today: string, days: number): Date {
  return startOfBusinessDate(addBusinessDays(today, -days + 1));
}

/** The instant a member's dormancy counts from: the last purchase, or the registration. */
export function episodeStart(member: { purchases?: Purchases; registeredAt: Date }): Date {
  return new Date(member.purchases?.lastAt ?? member.registeredAt);
}

/** The episode's key inside idempotency keys (`dormancy:<member>:<stage>:<episode>`). */
export const episodeKey = (since: Date) => since.toISOString();

/**
 * The stage a reader shows: the recorded one while the member's episode is the one it was recorded
 * for; a purchase since (L3) makes them active, as does an episode not reached by the job yet.
 */
export function currentStage(
  member: { purchases?: Purchases; registeredAt: Date },
  recorded: { stage: DormancyStage; episodeLastAt: Date } | null,
): LifecycleStage {
  if (!recorded) return 'active';
  return new Date(recorded.episodeLastAt).getTime() === episodeStart(member).getTime() ? recorded.stage : 'active';
}
