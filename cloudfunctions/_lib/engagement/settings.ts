/** The merchant's engagement settings (`settings/engagement`, versioned): the birthday gift, the reminders' lead times. */
import { AppError } from '../../../shared/errors';
import { DEFAULT_ENGAGEMENT_SETTINGS, engagementSettingsSchema, type EngagementSettings } from '../../../shared/rules/engagement';
import { inTransaction, txGet } from '../platform/db';
import { forgetSettings, SETTINGS_IDS } from '../platform/settings-read';
import { loadVersioned } from '../platform/settings';
import { requireIssuableTemplate } from '../coupons';

export const ENGAGEMENT_SETTINGS_ID = SETTINGS_IDS.engagement;

export async function loadEngagementSettings(): Promise<{ version: number; settings: EngagementSettings }> {
  return loadVersioned(ENGAGEMENT_SETTINGS_ID, 'settings', engagementSettingsSchema, DEFAULT_ENGAGEMENT_SETTINGS);
}

export async function saveEngagementSettings(expectedVersion: number, settings: EngagementSettings, by: string, now: Date): Promise<{ version: number }> {
  // A gift that cannot be issued is refused here, not found out by a run that issues nothing.
  if (settings.birthday.enabled && settings.birthday.couponTemplateId)
    await requireIssuableTemplate(settings.birthday.couponTemplateId, 'birthday', now, '生日礼券');
  const saved = await inTransaction(async (tx) => {
    const current = await txGet<{ version: number }>(tx, 'settings', ENGAGEMENT_SETTINGS_ID);
    const version = current?.version ?? 0;
    if (version !== expectedVersion) throw new AppError('RULES_VERSION_CONFLICT', undefined, { currentVersion: version });
    await tx
      .collection('settings')
      .doc(ENGAGEMENT_SETTINGS_ID)
      .set({ data: { version: version + 1, settings, updatedBy: by, updatedAt: now } });
    return { version: version + 1 };
  });
  forgetSettings();
  return saved;
}
