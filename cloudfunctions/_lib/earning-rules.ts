import { AppError } from '../../shared/errors';
import { DEFAULT_EARNING_RULES, earningRulesSchema, withoutLegacyEarningKeys, type EarningRules, type RulesDoc } from '../../shared/schemas/points';
import { getById, inTransaction, txGet, withRetry } from './db';

/**
 * The merchant's earning rules, shared by the points function (orders, adjustments, getRules /
 * updateRules) and the member function (registration bonus).
 * `settings/points-rules` holds the current rules and their version; each version is also kept as `points-rules@<v>`.
 */
export const RULES_ID = 'points-rules';

export async function loadRules(): Promise<{ version: number; rules: EarningRules }> {
  const doc = await withRetry(() => getById<RulesDoc>('settings', RULES_ID));
  if (!doc) return { version: 0, rules: DEFAULT_EARNING_RULES };
  // Rules saved before the tier multipliers and growth per yuan moved to the tier configuration still
  // carry those keys; the strict schema would refuse them and silently fall back to the defaults.
  const parsed = earningRulesSchema.safeParse(withoutLegacyEarningKeys(doc.rules));
  if (!parsed.success) {
    console.error('[points] stored rules do not validate; using defaults', parsed.error.issues);
    return { version: doc.version, rules: DEFAULT_EARNING_RULES };
  }
  return { version: doc.version, rules: parsed.data };
}

/** Optimistic: the merchant edits version N; saving answers RULES_VERSION_CONFLICT if someone saved N+1 first. */
export async function saveRules(expectedVersion: number, rules: EarningRules, by: string, now: Date): Promise<{ version: number }> {
  return inTransaction(async (tx) => {
    const current = await txGet<RulesDoc>(tx, 'settings', RULES_ID);
    const version = current?.version ?? 0;
    if (version !== expectedVersion) throw new AppError('RULES_VERSION_CONFLICT', undefined, { currentVersion: version });
    const doc = { version: version + 1, rules, updatedAt: now, updatedBy: by };
    await tx.collection('settings').doc(RULES_ID).set({ data: doc });
    await tx.collection('settings').add({ data: { _id: `${RULES_ID}@${version + 1}`, ...doc } });
    return { version: version + 1 };
  });
}
