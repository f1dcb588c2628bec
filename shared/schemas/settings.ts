import { z } from 'zod';
import { earningRulesSchema } from './points';
import { checkinRulesSchema } from '../rules/checkin';
import { engagementSettingsSchema } from '../rules/engagement';
import { referralRulesSchema } from '../rules/referral';
import { lifecycleSettingsSchema } from '../rules/lifecycle';
import { crmSettingsSchema } from '../rules/crm-settings';

/**
 * `settings`: one document per kind of merchant setting, told apart by `_id`. The versioned ones
 * (cloudfunctions/_lib/platform/settings.ts) keep each saved version under `<id>@<version>` too.
 */

const editedShape = {
  version: z.number().int().nonnegative(),
  updatedAt: z.date(),
  /** the editor's OPENID */
  updatedBy: z.string(),
  /** the editor's name, for people */
  updatedByName: z.string().optional(),
};

/** `points-rules`, and `points-rules@<v>` for every saved version. */
const pointsRulesDocSchema = z.object({ _id: z.string().regex(/^points-rules(@\d+)?$/), rules: earningRulesSchema, ...editedShape }).strict();
/** `checkin-rules`, and `checkin-rules@<v>` for every saved version. */
const checkinRulesDocSchema = z.object({ _id: z.string().regex(/^checkin-rules(@\d+)?$/), rules: checkinRulesSchema, ...editedShape }).strict();
/** `engagement`, and `engagement@<v>` for every saved version: the birthday gift, the reminders' lead times. */
const engagementSettingsDocSchema = z.object({ _id: z.string().regex(/^engagement(@\d+)?$/), settings: engagementSettingsSchema, ...editedShape }).strict();
const referralRulesDocSchema = z
  .object({ _id: z.string().regex(/^referral-rules(@\d+)?$/), rules: referralRulesSchema, ...editedShape })
  .partial({ version: true, updatedAt: true, updatedBy: true })
  .strict();
/** `lifecycle`, and `lifecycle@<v>` for every saved version: dormancy stages and coupons, repurchase reminders. */
const lifecycleSettingsDocSchema = z.object({ _id: z.string().regex(/^lifecycle(@\d+)?$/), settings: lifecycleSettingsSchema, ...editedShape }).strict();
/** `crm`, and `crm@<v>` for every saved version: the RFM window. */
const crmSettingsDocSchema = z.object({ _id: z.string().regex(/^crm(@\d+)?$/), settings: crmSettingsSchema, ...editedShape }).strict();
/** `tier-config-stamp`: rewritten by each ladder save; function instances keep the ladder while it is unchanged. */
const tierConfigStampDocSchema = z.object({ _id: z.literal('tier-config-stamp'), version: z.number().int().nonnegative(), token: z.string() }).strict();
/** The templates issued to every new member (kept in step with the templates by the coupon function). */
const newMemberGiftsDocSchema = z.object({ _id: z.literal('new-member-gifts'), templateIds: z.array(z.string()) }).strict();
/** The local demo seed's marker: written last, so its presence means the seed finished. */
const demoSeedDocSchema = z
  .object({ _id: z.literal('demo-seed'), done: z.literal(true), at: z.date(), members: z.number(), orders: z.number(), ledger: z.number() })
  .strict();

export const settingsDocSchema = z.union([
  pointsRulesDocSchema,
  checkinRulesDocSchema,
  engagementSettingsDocSchema,
  referralRulesDocSchema,
  newMemberGiftsDocSchema,
  demoSeedDocSchema,
  lifecycleSettingsDocSchema,
  tierConfigStampDocSchema,
  crmSettingsDocSchema,
]);
