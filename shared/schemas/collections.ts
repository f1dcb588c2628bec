import type { z } from 'zod';
import { accessLogDocSchema, departureDocSchema, memberDocSchema, phoneClaimDocSchema, phoneTransferDocSchema } from './member';
import { ledgerEntrySchema } from './points';
import { fraudFlagDocSchema, ledgerCheckpointDocSchema, orderDocSchema, pointsDriftDocSchema } from './orders';
import { codeAttemptDocSchema, posNonceDocSchema, roleDocSchema, storeDocSchema, storeHourDocSchema } from './stores';
import { tierChangeDocSchema, tierConfigDocSchema } from './tiers';
import { couponAuditDocSchema, couponDocSchema, couponHoldingDocSchema, couponTemplateDocSchema, couponTemplateHistoryDocSchema } from './coupon';
import { mallCodeDocSchema, mallHoldingDocSchema, mallItemDocSchema, mallOrderDocSchema } from './mall';
import { jobRecordDocSchema, jobRunDocSchema, jobScheduleDocSchema } from './jobs';
import {
  checkinMonthDocSchema,
  checkinStateDocSchema,
  invitationDocSchema,
  jobStateDocSchema,
  memberLifecycleDocSchema,
  purchaseCyclesDocSchema,
  invitePhoneDocSchema,
  messageLogDocSchema,
  messageTemplateDocSchema,
  referralStatsDocSchema,
  statsDailyDocSchema,
  subscribeCreditDocSchema,
} from './engagement';
import { settingsDocSchema } from './settings';
import { memberNoteDocSchema, segmentDocSchema, tagNameDocSchema, segmentVersionDocSchema } from './crm';
import { migrationDocSchema } from './migrations';

/**
 * Every collection the functions use, and the schema of its documents: a collection's name gives its
 * document type (`DocOf<'members'>`), the typed database (cloudfunctions/_lib/platform/cloud.ts) types every
 * write from it, and the tests parse every stored document with it (tests/support/local-cloud.ts).
 * `cloudfunctions/database.json` lists the same names (a unit test keeps the two in step).
 */
export const collectionSchemas = {
  members: memberDocSchema.strict(),
  roles: roleDocSchema,
  stores: storeDocSchema,
  orders: orderDocSchema,
  ledger: ledgerEntrySchema,
  coupon_templates: couponTemplateDocSchema,
  coupons: couponDocSchema,
  coupon_holdings: couponHoldingDocSchema,
  coupon_template_history: couponTemplateHistoryDocSchema,
  coupon_audit: couponAuditDocSchema,
  mall_items: mallItemDocSchema,
  mall_codes: mallCodeDocSchema,
  mall_holdings: mallHoldingDocSchema,
  mall_orders: mallOrderDocSchema,
  job_runs: jobRunDocSchema,
  tier_configs: tierConfigDocSchema,
  tier_changes: tierChangeDocSchema,
  settings: settingsDocSchema,
  pos_nonces: posNonceDocSchema,
  fraud_flags: fraudFlagDocSchema,
  access_log: accessLogDocSchema,
  departures: departureDocSchema,
  points_drift: pointsDriftDocSchema,
  phone_claims: phoneClaimDocSchema,
  phone_transfers: phoneTransferDocSchema,
  store_hours: storeHourDocSchema,
  code_attempts: codeAttemptDocSchema,
  ledger_checkpoints: ledgerCheckpointDocSchema,
  job_schedule: jobScheduleDocSchema,
  job_records: jobRecordDocSchema,
  checkin_state: checkinStateDocSchema,
  checkin_months: checkinMonthDocSchema,
  message_templates: messageTemplateDocSchema,
  subscribe_credits: subscribeCreditDocSchema,
  stats_daily: statsDailyDocSchema,
  invitations: invitationDocSchema,
  invite_phones: invitePhoneDocSchema,
  referral_stats: referralStatsDocSchema,
  message_log: messageLogDocSchema,
  member_lifecycle: memberLifecycleDocSchema,
  job_state: jobStateDocSchema,
  purchase_cycles: purchaseCyclesDocSchema,
  crm_segments: segmentDocSchema,
  crm_segment_versions: segmentVersionDocSchema,
  migrations: migrationDocSchema,
  crm_notes: memberNoteDocSchema,
  crm_tag_names: tagNameDocSchema,
} satisfies Record<string, z.ZodType<{ _id: string }>>;

export type CollectionName = keyof typeof collectionSchemas;
/** The stored document of a collection (as read: defaults applied, instants as Date). */
export type DocOf<N extends CollectionName> = z.output<(typeof collectionSchemas)[N]>;

export function isCollectionName(name: string): name is CollectionName {
  return Object.prototype.hasOwnProperty.call(collectionSchemas, name);
}
