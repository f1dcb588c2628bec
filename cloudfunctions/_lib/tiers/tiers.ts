import {
  DEFAULT_TIER_CONFIG,
  benefitsFromStored,
  growthStep,
  type GrowthStep,
  type MemberTierState,
  type TierChange,
  type TierConfig,
} from '../../../shared/rules/tiers';
import { businessDate } from '../../../shared/calendar';
import type { TierChangeDoc, TierConfigDoc } from '../../../shared/schemas/tiers';
import { getById, type Tx } from '../platform/db';
import { settingsDoc, SETTINGS_IDS } from '../platform/settings-read';

/**
 * The tier ladder in force (`tier_configs/current`), or the defaults before the merchant saved one.
 * Kept per function instance and validated on every call by the ladder's stamp
 * (`settings/tier-config-stamp`, written in each save's transaction with a fresh token), which
 * arrives with the call's other settings in one request (settings-read.ts): a saved ladder is used
 * by the next call, and a warm instance reads the ladder itself only after a save. Without a stamp
 * (no save since stamps exist) the copy stays valid until the first save writes one.
 */
interface TierStampDoc {
  version: number;
  token: string;
}
let kept: { stamp: string; config: TierConfig } | undefined;

export async function loadTierConfig(): Promise<TierConfig> {
  const stampDoc = await settingsDoc<TierStampDoc>(SETTINGS_IDS.tierStamp);
  const stamp = stampDoc ? `${stampDoc.version}:${stampDoc.token}` : 'none';
  if (kept?.stamp === stamp) return kept.config;
  const doc = await getById<TierConfigDoc>('tier_configs', 'current');
  // Benefits saved before they became entitlements load as entitlements (what they can deliver).
  const config: TierConfig = doc
    ? {
        version: doc.version,
        basis: doc.basis,
        growthPerYuan: doc.growthPerYuan,
        graceDays: doc.graceDays,
        tiers: doc.tiers.map((t) => ({ ...t, benefits: benefitsFromStored(t.benefits) })),
      }
    : DEFAULT_TIER_CONFIG;
  kept = { stamp, config };
  return config;
}

/** Idempotency key of a tier change: the same change re-run in a retried transaction writes once. */
function tierChangeId(memberId: string, change: TierChange): string {
  return change.period ? `${change.kind}:${memberId}:${change.period}` : `${change.kind}:${memberId}:${change.toTierId}:${change.at.getTime()}`;
}

function tierChangeDoc(memberId: string, change: TierChange, configVersion: number): TierChangeDoc {
  return { _id: tierChangeId(memberId, change), memberId, ...change, configVersion };
}

/** Writes a tier change inside the caller's transaction (set by id: a re-run overwrites, never doubles). */
export async function recordTierChange(tx: Tx, memberId: string, change: TierChange, configVersion: number): Promise<void> {
  const { _id, ...data } = tierChangeDoc(memberId, change, configVersion);
  await tx.collection('tier_changes').doc(_id).set({ data });
}

/**
 * For the points engineer: call inside the transaction that credits (or claws back) growth value,
 * after computing the member's new growth. Upgrades at once if the new growth qualifies, records the
 * change, and answers the fields to merge into the member update (`tierId`, `growth`, `tierSince`,
 * `graceStartedAt`, `tierReviewDueOn`). Downgrades wait for the periodic review. Pass the tier configuration if the
 * transaction already loaded it, so the earning and the upgrade use the same version.
 */
export async function applyGrowthInTx(
  tx: Tx,
  member: { _id: string } & MemberTierState,
  newGrowth: number,
  now: Date,
  /** the configuration the caller already loaded in this transaction (e.g. to compute the earning) */
  loaded?: TierConfig,
): Promise<{ fields: Record<string, unknown>; change: TierChange | null }> {
  const config = loaded ?? (await loadTierConfig());
  const step = growthStep(member, newGrowth, config, now, businessDate(now));
  await recordTierStep(tx, member._id, step, config.version);
  return { fields: { ...step.fields }, change: step.change };
}

/** Records a decided growth step's tier change (if any) in the caller's transaction; the caller writes its fields. */
export async function recordTierStep(tx: Tx, memberId: string, step: GrowthStep, configVersion: number): Promise<void> {
  if (step.change) await recordTierChange(tx, memberId, step.change, configVersion);
}
