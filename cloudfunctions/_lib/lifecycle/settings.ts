/** The merchant's lifecycle settings (`settings/lifecycle`, versioned as `lifecycle@<v>`): dormancy stages and coupons, repurchase reminders. */
import { DEFAULT_LIFECYCLE_SETTINGS, lifecycleSettingsSchema, type LifecycleSettings } from '../../../shared/rules/lifecycle';
import { inTransaction } from '../platform/db';
import { loadVersioned, saveVersioned, type Editor, type VersionedSettings } from '../platform/settings';
import { SETTINGS_IDS } from '../platform/settings-read';
import { requireIssuableTemplate } from '../coupons';

const LIFECYCLE_ID = SETTINGS_IDS.lifecycle;

const LIFECYCLE_SETTINGS: VersionedSettings<LifecycleSettings, 'settings'> = {
  collection: 'settings',
  currentId: LIFECYCLE_ID,
  historyId: (v) => `${LIFECYCLE_ID}@${v}`,
  conflictCode: 'RULES_VERSION_CONFLICT',
  defaultVersion: 0,
  toDoc: (settings, meta) => ({ ...meta, settings }),
};

export async function loadLifecycleSettings(): Promise<{ version: number; settings: LifecycleSettings }> {
  return loadVersioned(LIFECYCLE_ID, 'settings', lifecycleSettingsSchema, DEFAULT_LIFECYCLE_SETTINGS);
}

/** Optimistic (the versioned-settings policy): RULES_VERSION_CONFLICT if someone saved since `expectedVersion`. */
export async function saveLifecycleSettings(expectedVersion: number, settings: LifecycleSettings, by: Editor, now: Date): Promise<{ version: number }> {
  // Coupons that cannot be issued are refused here, not found out by a run that issues nothing.
  const { enabled, warningCouponTemplateId, recallCouponTemplateId } = settings.dormancy;
  if (enabled && warningCouponTemplateId) await requireIssuableTemplate(warningCouponTemplateId, 'campaign', now, '预警回归券');
  if (enabled && recallCouponTemplateId) await requireIssuableTemplate(recallCouponTemplateId, 'campaign', now, '老友回归礼券');
  return inTransaction(async (tx) => ({ version: await saveVersioned(tx, LIFECYCLE_SETTINGS, settings, expectedVersion, by, now) }));
}
