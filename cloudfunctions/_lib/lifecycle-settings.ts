/** The merchant's lifecycle settings (`settings/lifecycle`, versioned as `lifecycle@<v>`): dormancy stages and coupons, repurchase reminders. */
import { DEFAULT_LIFECYCLE_SETTINGS, lifecycleSettingsSchema, type LifecycleSettings } from '../../shared/rules/lifecycle';
import { log } from './log';
import { getById, inTransaction, withRetry } from './db';
import { saveVersioned, type Editor, type VersionedSettings } from './settings';

const LIFECYCLE_ID = 'lifecycle';

const LIFECYCLE_SETTINGS: VersionedSettings<LifecycleSettings, 'settings'> = {
  collection: 'settings',
  currentId: LIFECYCLE_ID,
  historyId: (v) => `${LIFECYCLE_ID}@${v}`,
  conflictCode: 'RULES_VERSION_CONFLICT',
  defaultVersion: 0,
  toDoc: (settings, meta) => ({ ...meta, settings }),
};

export async function loadLifecycleSettings(): Promise<{ version: number; settings: LifecycleSettings }> {
  const doc = await withRetry(() => getById<{ version: number; settings: unknown }>('settings', LIFECYCLE_ID));
  if (!doc) return { version: 0, settings: DEFAULT_LIFECYCLE_SETTINGS };
  const parsed = lifecycleSettingsSchema.safeParse(doc.settings);
  if (!parsed.success) {
    log.error('[lifecycle] stored settings do not validate; using defaults', parsed.error.issues);
    return { version: doc.version, settings: DEFAULT_LIFECYCLE_SETTINGS };
  }
  return { version: doc.version, settings: parsed.data };
}

/** Optimistic (the versioned-settings policy): RULES_VERSION_CONFLICT if someone saved since `expectedVersion`. */
export async function saveLifecycleSettings(expectedVersion: number, settings: LifecycleSettings, by: Editor, now: Date): Promise<{ version: number }> {
  return inTransaction(async (tx) => ({ version: await saveVersioned(tx, LIFECYCLE_SETTINGS, settings, expectedVersion, by, now) }));
}
