import { database } from './cloud';
import { queryDocs } from './db';
import { forgetPerCall, perCall } from './call-scope';

/**
 * The merchant's settings documents (`settings/<id>`), read in ONE request per call and shared by
 * every loader of the call (earning rules, engagement, check-in and referral rules, the new-member
 * gifts, the lifecycle settings, the tier ladder's stamp). Nothing here is cached beyond the call: a merchant's edit, or a
 * document written straight into the database, is seen by the next call. One request for all of
 * them costs what one of them did (each is a billed request on the cloud).
 */
export const SETTINGS_IDS = {
  earningRules: 'points-rules',
  engagement: 'engagement',
  newMemberGifts: 'new-member-gifts',
  checkinRules: 'checkin-rules',
  referralRules: 'referral-rules',
  lifecycle: 'lifecycle',
  /** the merchant's CRM settings (the RFM window) */
  crm: 'crm',
  /** written with each save of the tier ladder (tier_configs/current): validates the per-instance copy (tiers.ts) */
  tierStamp: 'tier-config-stamp',
} as const;
export type SettingsId = (typeof SETTINGS_IDS)[keyof typeof SETTINGS_IDS];
const ALL_IDS = Object.values(SETTINGS_IDS);
const KEY = 'settings';

function readAll(): Promise<Map<string, Record<string, unknown>>> {
  return perCall(KEY, async () => {
    const _ = database().command;
    const docs = await queryDocs<Record<string, unknown> & { _id: string }>(
      database()
        .collection('settings')
        .where({ _id: _.in(ALL_IDS) })
        .limit(ALL_IDS.length),
    );
    return new Map(docs.map((d) => [d._id, d]));
  });
}

/** `settings/<id>` as this call read it (null when absent). */
export async function settingsDoc<T>(id: SettingsId): Promise<T | null> {
  return ((await readAll()).get(id) as T | undefined) ?? null;
}

/** After a save in this call: its later loads read the settings again. */
export function forgetSettings(): void {
  forgetPerCall(KEY);
}
