import { z } from 'zod';
import { tierLadderProblems, type TierChange } from '../rules/tiers';
import { labelRequests } from '../validation';

/** Entitlements the code honours (shared/rules/tiers.ts `TierBenefits`). */
export const tierBenefitsSchema = z
  .object({
    pointsMultiplier: z.number().min(1).max(10),
    birthdayCouponTemplateId: z.string().trim().min(1).max(64).nullable(),
    memberDay: z
      .object({ discountPercent: z.number().int().min(50).max(99) })
      .strict()
      .nullable(),
    freeItems: z.array(z.object({ name: z.string().trim().min(1).max(12), perMonth: z.number().int().min(1).max(31) }).strict()).max(5),
  })
  .strict();

const tierDefSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, '等级编号只能包含小写字母、数字、_ 和 -'),
    name: z.string().trim().min(1).max(12),
    threshold: z.number().int().nonnegative().max(100_000_000),
    color: z.string().regex(/^#[0-9a-fA-F]{6}$/, '颜色应为 #RRGGBB'),
    benefits: tierBenefitsSchema,
  })
  .strict();

/** What a merchant may set; `version` is the store's, not the merchant's. */
const tierSettingsShape = {
  basis: z.enum(['rolling12m', 'cumulative']),
  growthPerYuan: z.number().positive().max(100),
  graceDays: z.number().int().min(0).max(365),
  tiers: z.array(tierDefSchema).min(1).max(10),
};

export const tierSettingsSchema = z
  .object(tierSettingsShape)
  .strict()
  .superRefine((s, ctx) => {
    for (const message of tierLadderProblems(s.tiers)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['tiers'], message });
  });
export type TierSettings = z.infer<typeof tierSettingsSchema>;

/** `tier_configs` collection: `_id: 'current'` is the one in force; `v<N>` keeps every version. */
export const tierConfigDocSchema = z
  .object({
    _id: z.string(),
    ...tierSettingsShape,
    version: z.number().int().nonnegative(),
    updatedAt: z.date(),
    /** the editor's OPENID (`default` for the built-in ladder) */
    updatedBy: z.string(),
    /** the editor's name, for people */
    updatedByName: z.string().optional(),
  })
  .strict();
export type TierConfigDoc = z.infer<typeof tierConfigDocSchema>;

/** `tier_changes` collection: every change of a member's tier, with its reason (shown to the member). */
export const tierChangeDocSchema = z
  .object({
    _id: z.string(),
    memberId: z.string(),
    configVersion: z.number().int().nonnegative(),
    kind: z.enum(['upgrade', 'downgrade', 'grace']),
    fromTierId: z.string(),
    toTierId: z.string(),
    growth: z.number().int().nonnegative(),
    reason: z.string(),
    at: z.date(),
    /** the review period for review-made changes */
    period: z.string().optional(),
  })
  .strict();
export type TierChangeDoc = z.infer<typeof tierChangeDocSchema> & TierChange;

export const tierRequests = {
  getTierConfig: z.object({}).strict(),
  /** the version the merchant edited (the same rule as the earning rules: required, a save in between is a conflict) */
  updateTierConfig: z.object({ expectedVersion: z.number().int().positive(), settings: tierSettingsSchema }).strict(),
} as const;

// The fields as the merchant's 等级 section names them (shared/validation.ts: fieldLabel).
labelRequests(tierRequests, {
  expectedVersion: '当前版本',
  settings: '等级设置',
  basis: '成长值计算方式',
  growthPerYuan: '每元成长值',
  graceDays: '降级宽限天数',
  tiers: '等级',
  'tiers.id': '等级编号',
  'tiers.name': '等级名称',
  threshold: '门槛（成长值）',
  color: '等级颜色',
  benefits: '等级权益',
  pointsMultiplier: '积分倍率',
  birthdayCouponTemplateId: '生日礼券模板',
  memberDay: '会员日折扣',
  discountPercent: '会员日折扣',
  freeItems: '每月赠品',
  'freeItems.name': '赠品名称',
  perMonth: '每月次数',
});
