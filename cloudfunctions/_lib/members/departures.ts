import { businessDate } from '../../../shared/calendar';
import { database } from '../platform/cloud';
import { withRetry } from '../platform/db';

/** Departures past their retention are deleted (the policy promises 2 years, no longer). Run nightly. */
export async function purgeExpiredDepartures(now: Date): Promise<number> {
  const _ = database().command;
  const res = (await withRetry(
    () =>
      database()
        .collection('departures')
        .where({ keepUntil: _.lt(businessDate(now)) })
        .remove() as Promise<unknown>,
  )) as { stats?: { removed?: number } };
  return res.stats?.removed ?? 0;
}
