import { z } from 'zod';
import { act, MERCHANT_ONLY } from '../contract';
import { labelRequests } from '../validation';
import { kindOfKey } from '../rules/message-fields';
import { engagementSettingsSchema, type EngagementSettings } from '../rules/engagement';
import type { JobRunView } from './scheduler';
import { lifecycleSettingsSchema, type LifecycleSettings, type LifecycleStage } from '../rules/lifecycle';
import { referralRulesSchema, type ReferralRules } from '../rules/referral';

/** What a subscribe-message template is for: the jobs and pages find their template by it. */
export const MESSAGE_PURPOSES = ['checkin_reminder', 'points_expiry', 'coupon_expiry', 'birthday', 'dormancy', 'repurchase', 'invitation', 'campaign'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

const templateField = z
  .object({
    key: z.string().refine((k) => kindOfKey(k) !== null, '字段名应为 WeChat 的字段类型加序号，如 thing1、date2'),
    label: z.string().min(1).max(20),
  })
  .strict();

const marketingRequests = {
  listJobRuns: z.object({ job: z.string().min(1).max(64).optional(), limit: z.number().int().min(1).max(100).default(20) }).strict(),
  registerTemplate: z
    .object({
      /** WeChat's template id (公共模板库 → 我的模板) */
      templateId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
      title: z.string().min(1).max(40),
      purpose: z.enum(MESSAGE_PURPOSES),
      fields: z.array(templateField).min(1).max(10),
      /** the mini-program page a tap on the message opens */
      page: z.string().max(200).optional(),
      active: z.boolean().default(true),
    })
    .strict(),
  listTemplates: z.object({ purpose: z.enum(MESSAGE_PURPOSES).optional() }).strict(),
  getSettings: z.object({}).strict(),
  updateSettings: z.object({ expectedVersion: z.number().int().min(0), settings: engagementSettingsSchema }).strict(),
  getLifecycleSettings: z.object({}).strict(),
  updateLifecycleSettings: z.object({ expectedVersion: z.number().int().min(0), settings: lifecycleSettingsSchema }).strict(),
  getMemberLifecycle: z.object({ memberId: z.string().min(1).max(64) }).strict(),
  /** The referral (裂变) rules: what an invitation earns, how long a link lasts, the milestone coupons. */
  getReferralRules: z.object({}).strict(),
  updateReferralRules: z.object({ expectedVersion: z.number().int().min(0), rules: referralRulesSchema }).strict(),
};

// The fields as the merchant's 模板, 生日与提醒, 生命周期 and 邀请有礼 sections name them (shared/validation.ts: fieldLabel).
labelRequests(marketingRequests, {
  job: '任务',
  limit: '条数',
  templateId: '模板 ID',
  title: '模板标题',
  purpose: '用途',
  fields: '模板字段',
  key: '字段名',
  label: '字段说明',
  page: '跳转页面',
  active: '启用',
  expectedVersion: '当前版本',
  settings: '设置',
  birthday: '生日关怀',
  enabled: '开启',
  leadDays: '提前天数',
  couponTemplateId: '券模板',
  pointsMultiplier: '积分倍率',
  pointsExpiry: '积分到期提醒',
  couponExpiry: '券到期提醒',
  daysBefore: '提前天数',
  sleepingDays: '沉睡天数',
  lostDays: '流失天数',
  warningDays: '预警天数',
  minPurchases: '最少消费次数',
  maxIntervalDays: '最长间隔天数',
  dormancy: '沉睡唤醒',
  warningCouponTemplateId: '预警券模板',
  recallCouponTemplateId: '回归券模板',
  repurchase: '复购提醒',
  memberId: '会员',
  rules: '邀请有礼规则',
  validDays: '链接有效天数',
  onRegister: '好友开卡奖励',
  onFirstPurchase: '好友首单奖励',
  points: '奖励积分',
  milestones: '阶梯奖励',
  count: '邀请人数',
});

/** A member's lifecycle as the merchant reads it: the stage (活跃 once they bought since), the purchase statistics. */
export interface MemberLifecycleView {
  memberId: string;
  stage: LifecycleStage;
  label: string;
  /** when the member entered the recorded stage; null while active */
  stageSince: string | null;
  purchases: { count: number; amountFen: number; firstAt: string; lastAt: string } | null;
  /** whole business days since the last purchase (or registration) */
  idleDays: number;
}

export interface TemplateView {
  templateId: string;
  title: string;
  purpose: MessagePurpose;
  fields: { key: string; label: string }[];
  page: string | null;
  active: boolean;
  updatedAt: string;
}

/** `marketing`: the merchant's side of engagement (job runs, subscribe-message templates). */
export const marketingContract = {
  listJobRuns: act(marketingRequests.listJobRuns, MERCHANT_ONLY).returns<JobRunView[]>(),
  /** merchant: adds or replaces a template of the registry */
  registerTemplate: act(marketingRequests.registerTemplate, MERCHANT_ONLY).returns<TemplateView>(),
  /** any signed-in caller (the client asks for subscriptions by these ids): the active templates; the merchant also sees inactive ones */
  listTemplates: act(marketingRequests.listTemplates).returns<TemplateView[]>(),
  /** merchant: the birthday gift and the reminders' lead times (`settings/engagement`, versioned) */
  getSettings: act(marketingRequests.getSettings, MERCHANT_ONLY).returns<{ version: number; settings: EngagementSettings }>(),
  updateSettings: act(marketingRequests.updateSettings, MERCHANT_ONLY).returns<{ version: number }>(),
  /** merchant: dormancy stages and their coupons, repurchase reminders (`settings/lifecycle`, versioned) */
  getLifecycleSettings: act(marketingRequests.getLifecycleSettings, MERCHANT_ONLY).returns<{ version: number; settings: LifecycleSettings }>(),
  updateLifecycleSettings: act(marketingRequests.updateLifecycleSettings, MERCHANT_ONLY).returns<{ version: number }>(),
  /** merchant: one member's dormancy stage and purchase statistics */
  getMemberLifecycle: act(marketingRequests.getMemberLifecycle, MERCHANT_ONLY).returns<MemberLifecycleView>(),
  /** merchant: the referral rules (`settings/referral-rules`, versioned like the other settings) */
  getReferralRules: act(marketingRequests.getReferralRules, MERCHANT_ONLY).returns<{ version: number; rules: ReferralRules }>(),
  updateReferralRules: act(marketingRequests.updateReferralRules, MERCHANT_ONLY).returns<{ version: number }>(),
};
