import { DEFAULT_EARNING_RULES, earningRulesSchema, withoutLegacyEarningKeys, type EarningRules } from '../../../shared/schemas/points';
import { inTransaction } from '../platform/db';
import { forgetSettings, SETTINGS_IDS } from '../platform/settings-read';
import { userMapKey } from '../../../shared/schemas/common';
import { loadVersioned, saveVersioned, type Editor, type VersionedSettings } from '../platform/settings';
import { log } from '../platform/log';

/**
 * The merchant's earning rules, shared by the points function (orders, adjustments, getRules /
 * updateRules) and the member function (registration bonus).
 * `settings/points-rules` holds the current rules and their version; each version is also kept as `points-rules@<v>`.
 */
const RULES_ID = SETTINGS_IDS.earningRules;

export async function loadRules(): Promise<{ version: number; rules: EarningRules }> {
  return loadVersioned(RULES_ID, 'rules', { safeParse: parseStoredRules }, DEFAULT_EARNING_RULES);
}

/**
 * Rules as stored, parsed. Rules saved before the tier multipliers and growth per yuan moved to the
 * tier configuration still carry those keys; the strict schema would refuse them and silently fall
 * back to the defaults.
 */
function parseStoredRules(stored: unknown) {
  const parsed = earningRulesSchema.safeParse(withoutLegacyEarningKeys(stored));
  if (parsed.success) return parsed;
  // Rules saved before map keys were checked may hold a key read back as something else (a `$date`
  // key decodes as a date): drop those entries, keep the rest of the merchant's rules.
  const second = earningRulesSchema.safeParse(withoutBadMapEntries(withoutLegacyEarningKeys(stored)));
  if (!second.success) return parsed;
  log.error('[points] stored rules held unreadable multiplier keys; those entries are ignored', parsed.error.issues.slice(0, 5));
  return second;
}

const RULES_SETTINGS: VersionedSettings<EarningRules, 'settings'> = {
  collection: 'settings',
  currentId: RULES_ID,
  historyId: (v) => `${RULES_ID}@${v}`,
  conflictCode: 'RULES_VERSION_CONFLICT',
  defaultVersion: 0,
  toDoc: (rules, meta) => ({ ...meta, rules }),
};

/** Optimistic (the versioned-settings policy): the merchant edits version N; RULES_VERSION_CONFLICT if someone saved N+1 first. */
export async function saveRules(expectedVersion: number, rules: EarningRules, by: Editor, now: Date): Promise<{ version: number }> {
  const saved = await inTransaction(async (tx) => ({ version: await saveVersioned(tx, RULES_SETTINGS, rules, expectedVersion, by, now) }));
  forgetSettings();
  return saved;
}

/** The multiplier maps with only the entries a save would accept (a map that is not a plain object: empty). */
function withoutBadMapEntries(stored: unknown): unknown {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return stored;
  const out: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
  for (const name of ['skuMultipliers', 'categoryMultipliers']) {
    const map = out[name];
    const plain = map !== null && typeof map === 'object' && Object.getPrototypeOf(map) === Object.prototype;
    out[name] = plain
      ? Object.fromEntries(Object.entries(map as Record<string, unknown>).filter(([k, v]) => userMapKey.safeParse(k).success && typeof v === 'number'))
      : {};
  }
  return out;
}
