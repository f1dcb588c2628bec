/**
 * Check-in documents, shared by the `checkin` function and the scheduler's check-in reminder job.
 * A feature's own documents keyed by member (not more fields on `members`):
 * - `checkin_state/<memberId>`: the streak (`CheckinState`), `remind` (opted in to the daily reminder),
 *   indexed by `remind` + `lastDay` so the reminder job finds the opted-in who have not checked in today;
 * - `checkin_months/<memberId>:<yyyymm>`: the month's checked days (`DD` → points, make-up), one read
 *   for the calendar page.
 */
import { AppError } from '../../../shared/errors';
import { DEFAULT_CHECKIN_RULES, checkinRulesSchema, type CheckinRules } from '../../../shared/rules/checkin';
import { inTransaction, txGet } from '../platform/db';
import { forgetSettings, SETTINGS_IDS } from '../platform/settings-read';
import { loadVersioned } from '../platform/settings';
import type { CheckinMonthDoc, CheckinStateDoc } from '../../../shared/schemas/engagement';

export type { CheckinMonthDoc, CheckinStateDoc };

export const monthDocId = (memberId: string, month: string) => `${memberId}:${month.replace('-', '')}`;

export const CHECKIN_RULES_ID = SETTINGS_IDS.checkinRules;

interface RulesDoc {
  _id: string;
  version: number;
  rules: CheckinRules;
  updatedBy?: string;
  updatedAt?: Date;
}

/** The merchant's check-in rules (`settings/checkin-rules`), or the defaults (version 0). */
export async function loadCheckinRules(): Promise<{ version: number; rules: CheckinRules }> {
  return loadVersioned(CHECKIN_RULES_ID, 'rules', checkinRulesSchema, DEFAULT_CHECKIN_RULES);
}

/** Optimistic: saving version N+1 over N; RULES_VERSION_CONFLICT if someone saved first. */
export async function saveCheckinRules(expectedVersion: number, rules: CheckinRules, by: string, now: Date): Promise<{ version: number }> {
  const saved = await inTransaction(async (tx) => {
    const current = await txGet<RulesDoc>(tx, 'settings', CHECKIN_RULES_ID);
    const version = current?.version ?? 0;
    if (version !== expectedVersion) throw new AppError('RULES_VERSION_CONFLICT', undefined, { currentVersion: version });
    await tx
      .collection('settings')
      .doc(CHECKIN_RULES_ID)
      .set({ data: { version: version + 1, rules, updatedBy: by, updatedAt: now } });
    return { version: version + 1 };
  });
  forgetSettings();
  return saved;
}
