import { AppError } from '../../shared/errors';
import type { ReviewRun } from '../../shared/contracts/member';
export type { ReviewRun };
import { DEFAULT_TIER_CONFIG, type TierConfig } from '../../shared/rules/tiers';
import type { TierConfigDoc, TierSettings } from '../../shared/schemas/tiers';
import { database } from '../_lib/cloud';
import { inTransaction, queryDocs, txGet } from '../_lib/db';
import { loadTierConfig } from '../_lib/tiers';
export { runTierReview } from '../_lib/tier-review';

function settingsOf(c: TierConfig): TierSettings {
  return { basis: c.basis, growthPerYuan: c.growthPerYuan, graceDays: c.graceDays, tiers: c.tiers };
}

export async function getTierConfigWithHistory(): Promise<{ config: TierConfig; history: { version: number; updatedAt: string; updatedBy: string }[] }> {
  const config = await loadTierConfig();
  const _ = database().command;
  const past = await queryDocs<TierConfigDoc>(database().collection('tier_configs').where({ _id: _.neq('current') }).orderBy('version', 'desc').limit(50));
  return { config, history: past.map((d) => ({ version: d.version, updatedAt: new Date(d.updatedAt).toISOString(), updatedBy: d.updatedBy })) };
}

/** Saves a new version (validated by the request schema) and keeps every past one as `v<N>`. */
export async function updateTierConfig(settings: TierSettings, expectedVersion: number | undefined, updatedBy: string, now: Date): Promise<TierConfig> {
  return inTransaction(async (tx) => {
    const current = await txGet<TierConfigDoc>(tx, 'tier_configs', 'current');
    const currentVersion = current?.version ?? DEFAULT_TIER_CONFIG.version;
    if (expectedVersion !== undefined && expectedVersion !== currentVersion) {
      throw new AppError('TIER_CONFIG_VERSION_CONFLICT', undefined, { currentVersion });
    }
    if (!current) {
      // Keep the defaults the members were rated under as version 1 of the history.
      await tx.collection('tier_configs').doc(`v${currentVersion}`).set({ data: { ...settingsOf(DEFAULT_TIER_CONFIG), version: currentVersion, updatedAt: now, updatedBy: 'default' } });
    }
    const version = currentVersion + 1;
    const data = { ...settings, version, updatedAt: now, updatedBy };
    await tx.collection('tier_configs').doc(`v${version}`).set({ data });
    await tx.collection('tier_configs').doc('current').set({ data });
    return { ...settings, version };
  });
}
