import { DEFAULT_TIER_CONFIG, type TierConfig } from '../../shared/rules/tiers';
import type { TierConfigDoc, TierSettings } from '../../shared/schemas/tiers';
import { database } from '../_lib/platform/cloud';
import { inTransaction, queryDocs } from '../_lib/platform/db';
import { saveVersioned, type Editor, type VersionedSettings } from '../_lib/platform/settings';
import { loadTierConfig } from '../_lib/tiers';
import { SETTINGS_IDS } from '../_lib/platform/settings-read';
export { upgradeAfterLadderChange, upgradeIfQualifying } from '../_lib/tiers';

function settingsOf(c: TierConfig): TierSettings {
  return { basis: c.basis, growthPerYuan: c.growthPerYuan, graceDays: c.graceDays, tiers: c.tiers };
}

export async function getTierConfigWithHistory(): Promise<{ config: TierConfig; history: { version: number; updatedAt: string; updatedBy: string }[] }> {
  const config = await loadTierConfig();
  const _ = database().command;
  const past = await queryDocs<TierConfigDoc>(
    database()
      .collection('tier_configs')
      .where({ _id: _.neq('current') })
      .orderBy('version', 'desc')
      .limit(50),
  );
  return {
    config,
    history: past.map((d) => ({ version: d.version, updatedAt: new Date(d.updatedAt).toISOString(), updatedBy: d.updatedByName ?? d.updatedBy })),
  };
}

const TIER_SETTINGS: VersionedSettings<TierSettings, 'tier_configs'> = {
  collection: 'tier_configs',
  currentId: 'current',
  historyId: (v) => `v${v}`,
  conflictCode: 'TIER_CONFIG_VERSION_CONFLICT',
  defaultVersion: DEFAULT_TIER_CONFIG.version,
  toDoc: (settings, meta) => ({ ...settings, ...meta }),
  // Keep the defaults the members were rated under as the first version of the history.
  defaultsDoc: (meta) => ({ ...settingsOf(DEFAULT_TIER_CONFIG), ...meta }),
  // Instances keep the ladder and check this stamp on every call (_lib/tiers/tiers.ts).
  stampId: SETTINGS_IDS.tierStamp,
};

/** Saves a new version (validated by the request schema) and keeps every past one as `v<N>` (the versioned-settings policy). */
export async function updateTierConfig(settings: TierSettings, expectedVersion: number, by: Editor, now: Date): Promise<TierConfig> {
  const version = await inTransaction((tx) => saveVersioned(tx, TIER_SETTINGS, settings, expectedVersion, by, now));
  return { ...settings, version };
}
