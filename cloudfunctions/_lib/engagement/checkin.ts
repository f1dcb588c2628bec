/**
 * Check-in documents, shared by the `checkin` function and the scheduler's check-in reminder job.
 * A feature's own documents keyed by member (not more fields on `members`):
 * - `checkin_state/<memberId>`: the streak (`CheckinState`), `remind` (opted in to the daily reminder),
 *   indexed by `remind` + `lastDay` so the reminder job finds the opted-in who have not checked in today;
 * - `checkin_months/<memberId>:<yyyymm>`: the month's checked days (`DD` → points, make-up), one read
 *   for the calendar page.
 */
import { DEFAULT_CHECKIN_RULES, checkinRulesSchema, type CheckinRules } from '../../../shared/rules/checkin';
import { inTransaction } from '../platform/db';
import { SETTINGS_IDS } from '../platform/settings-read';
import { loadVersioned, saveVersioned, type Editor, type VersionedSettings } from '../platform/settings';
import type { CheckinMonthDoc, CheckinStateDoc } from '../../../shared/schemas/engagement';

export type { CheckinMonthDoc, CheckinStateDoc };

export const monthDocId = (memberId: string, month: string) => `${memberId}:${month.replace('-', '')}`;

const CHECKIN_RULES_ID = SETTINGS_IDS.checkinRules;

/** The merchant's check-in rules (`settings/checkin-rules`), or the defaults (version 0). */
export async function loadCheckinRules(): Promise<{ version: number; rules: CheckinRules }> {
  return loadVersioned(CHECKIN_RULES_ID, 'rules', checkinRulesSchema, DEFAULT_CHECKIN_RULES);
}

const CHECKIN_RULES_SETTINGS: VersionedSettings<CheckinRules, 'settings'> = {
  collection: 'settings',
  currentId: CHECKIN_RULES_ID,
  historyId: (v) => `${CHECKIN_RULES_ID}@${v}`,
  conflictCode: 'RULES_VERSION_CONFLICT',
  defaultVersion: 0,
  toDoc: (rules, meta) => ({ ...meta, rules }),
};

/** The versioned-settings policy: saving version N+1 over N, kept as `checkin-rules@<N+1>`; RULES_VERSION_CONFLICT if someone saved first. */
export async function saveCheckinRules(expectedVersion: number, rules: CheckinRules, by: Editor, now: Date): Promise<{ version: number }> {
  return inTransaction(async (tx) => ({ version: await saveVersioned(tx, CHECKIN_RULES_SETTINGS, rules, expectedVersion, by, now) }));
}
