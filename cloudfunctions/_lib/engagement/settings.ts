/** The merchant's engagement settings (`settings/engagement`, versioned): the birthday gift, the reminders' lead times. */
import { DEFAULT_ENGAGEMENT_SETTINGS, engagementSettingsSchema, type EngagementSettings } from '../../../shared/rules/engagement';
import { inTransaction } from '../platform/db';
import { SETTINGS_IDS } from '../platform/settings-read';
import { loadVersioned, saveVersioned, type Editor, type VersionedSettings } from '../platform/settings';
import { requireIssuableTemplate } from '../coupons';

const ENGAGEMENT_SETTINGS_ID = SETTINGS_IDS.engagement;

export async function loadEngagementSettings(): Promise<{ version: number; settings: EngagementSettings }> {
  return loadVersioned(ENGAGEMENT_SETTINGS_ID, 'settings', engagementSettingsSchema, DEFAULT_ENGAGEMENT_SETTINGS);
}

const ENGAGEMENT_SETTINGS: VersionedSettings<EngagementSettings, 'settings'> = {
  collection: 'settings',
  currentId: ENGAGEMENT_SETTINGS_ID,
  historyId: (v) => `${ENGAGEMENT_SETTINGS_ID}@${v}`,
  conflictCode: 'RULES_VERSION_CONFLICT',
  defaultVersion: 0,
  toDoc: (settings, meta) => ({ ...meta, settings }),
};

/** The versioned-settings policy: version N+1 over N, kept as `engagement@<N+1>`; RULES_VERSION_CONFLICT if someone saved first. */
export async function saveEngagementSettings(expectedVersion: number, settings: EngagementSettings, by: Editor, now: Date): Promise<{ version: number }> {
  // A gift that cannot be issued is refused here, not found out by a run that issues nothing.
  if (settings.birthday.enabled && settings.birthday.couponTemplateId)
    await requireIssuableTemplate(settings.birthday.couponTemplateId, 'birthday', now, '生日礼券');
  return inTransaction(async (tx) => ({ version: await saveVersioned(tx, ENGAGEMENT_SETTINGS, settings, expectedVersion, by, now) }));
}
