import {
  DEFAULT_TIER_CONFIG,
  applyGrowthChange,
  benefitsFromStored,
  tierReviewDueOn,
  type MemberTierState,
  type TierChange,
  type TierConfig,
} from '../../shared/rules/tiers';
import { businessDate } from '../../shared/calendar';
import type { TierChangeDoc, TierConfigDoc } from '../../shared/schemas/tiers';
import { findOne, txGet, type Tx } from './db';

/**
 * The merchant's tier configuration in force (`tier_configs/current`), or the defaults before the
 * merchant saved one. Inside a transaction pass `tx` (a doc-by-id read is allowed there).
 */
export async function loadTierConfig(tx?: Tx): Promise<TierConfig> {
  const doc = tx ? await txGet<TierConfigDoc>(tx, 'tier_configs', 'current') : await findOne<TierConfigDoc>('tier_configs', { _id: 'current' });
  if (!doc) return DEFAULT_TIER_CONFIG;
  // Benefits saved before they became entitlements load as entitlements (what they can deliver).
  return {
    version: doc.version,
    basis: doc.basis,
    growthPerYuan: doc.growthPerYuan,
    graceDays: doc.graceDays,
    tiers: doc.tiers.map((t) => ({ ...t, benefits: benefitsFromStored(t.benefits) })),
  };
}

/** Idempotency key of a tier change: the same change re-run in a retried transaction writes once. */
export function tierChangeId(memberId: string, change: TierChange): string {
  return change.period ? `${change.kind}:${memberId}:${change.period}` : `${change.kind}:${memberId}:${change.toTierId}:${change.at.getTime()}`;
}

export function tierChangeDoc(memberId: string, change: TierChange, configVersion: number): TierChangeDoc {
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
  const config = loaded ?? (await loadTierConfig(tx));
  const { state, change } = applyGrowthChange(member, newGrowth, config, now);
  if (change) await recordTierChange(tx, member._id, change, config.version);
  const fields: Record<string, unknown> = { tierId: state.tierId, growth: state.growth };
  if (state.tierSince !== undefined) fields.tierSince = state.tierSince;
  if (state.graceStartedAt !== undefined) fields.graceStartedAt = state.graceStartedAt;
  // The review job's index: a member above the base tier, holding growth or in grace is due for review.
  fields.tierReviewDueOn = tierReviewDueOn(state, config.tiers[0].id, businessDate(now));
  return { fields, change };
}
