import type { EarningRules } from '../../../shared/schemas/points';
import { storeHourlyLimit } from '../../../shared/rules/fraud';
import { businessHourKey } from '../../../shared/calendar';
import { database } from '../platform/cloud';
import { getById, isDuplicateKey, isTransient, queryDocs } from '../platform/db';
import type { StoreHourDoc } from '../../../shared/schemas/stores';

/**
 * Per-store hourly order counters (`store_hours/<storeId>:<YYYYMMDDHH>`, Shanghai hours): the store's
 * velocity signal and its own normal volume (the trailing hourly median sets its limit). A store's
 * hour is shared by every member who orders there, so it is NOT read and written in the order's
 * transaction (every sale of a busy shop would conflict on it): it is incremented atomically (`inc`)
 * after the order commits, and read by each instance every few seconds — a store-wide signal, not a
 * per-member limit. The per-member and per-clerk counters, which are limits, are exact (orders.ts).
 */
const hourKey = (at: Date) => businessHourKey(at);
const idOf = (storeId: string, hour: string) => `${storeId}:${hour}`;

/** Per instance: a store's limit is computed once per hour (the trailing hours do not change within it). */
const limits = new Map<string, { hour: string; limit: number; floor: number; multiplier: number }>();

/**
 * The store's orders this hour (this one included) and its hourly limit, as this instance knows
 * them: the hour's count is read at most every COUNT_REFRESH_MS per instance and the instance's own
 * orders are added in between — a store-wide signal may lag a few seconds, it is not a per-member limit.
 */
const COUNT_REFRESH_MS = 15_000;
const seen = new Map<string, { hour: string; orders: number; readAt: number; since: number }>();

export async function storeHourState(storeId: string, now: Date, rules: EarningRules): Promise<{ orders: number; limit: number }> {
  const hour = hourKey(now);
  let known = seen.get(storeId);
  if (!known || known.hour !== hour || Math.abs(Date.now() - known.readAt) >= COUNT_REFRESH_MS) {
    const doc = await getById<StoreHourDoc>('store_hours', idOf(storeId, hour));
    known = { hour, orders: doc?.orders ?? 0, readAt: Date.now(), since: 0 };
    seen.set(storeId, known);
  }
  return { orders: known.orders + known.since + 1, limit: await hourlyLimit(storeId, hour, now, rules) };
}

/**
 * Counts sent per instance: a store's hour is incremented by what this instance recorded since its
 * last increment, at the hour's first order here and then at most every COUNT_REFRESH_MS (with the
 * next order after that), not once per order: at a busy till that is one request every few seconds
 * instead of one per sale. What an instance holds when it is reclaimed is not counted (at most a few
 * seconds of its orders): the hour's count is a velocity signal, not a limit, and the ledger never sees it.
 */
const unsent = new Map<string, { storeId: string; hour: string; orders: number; sentAt: number | null }>();

/** Counts one committed order in its store's hour (sent as above; the instance's own view counts it at once). */
export async function countStoreOrder(storeId: string, at: Date): Promise<void> {
  const hour = hourKey(at);
  const known = seen.get(storeId);
  if (known && known.hour === hour) known.since += 1;
  const key = idOf(storeId, hour);
  const mine = unsent.get(key) ?? { storeId, hour, orders: 0, sentAt: null };
  mine.orders += 1;
  unsent.set(key, mine);
  const due = [...unsent.entries()].filter(
    ([k, u]) => u.storeId === storeId && u.orders > 0 && (k !== key || u.sentAt === null || Math.abs(Date.now() - u.sentAt) >= COUNT_REFRESH_MS),
  );
  for (const [k, u] of due) {
    // Another order's call may have sent this hour while we awaited the one before: nothing left to add
    // (an increment of 0 updates nothing, and the hour's add then failed as a duplicate, logged as an error).
    if (u.orders === 0) continue;
    const n = u.orders;
    u.orders = 0;
    u.sentAt = Date.now(); // before the request: concurrent orders here wait for the next turn
    try {
      await addToHour(u.storeId, u.hour, n);
    } catch (e) {
      u.orders += n; // sent with a later order
      throw e;
    }
    // A past hour is done once sent: nothing more is recorded in it here.
    if (k !== key) unsent.delete(k);
  }
}

/** Adds `n` orders to a store's hour (atomic increment; created on the hour's first count). */
async function addToHour(storeId: string, hour: string, n: number): Promise<void> {
  const id = idOf(storeId, hour);
  const coll = () => database().collection('store_hours');
  for (let attempt = 0; ; attempt += 1) {
    try {
      const res = (await coll()
        .where({ _id: id })
        .update({ data: { orders: database().command.inc(n) } })) as { stats?: { updated?: number } };
      if ((res.stats?.updated ?? 0) > 0) return;
      await coll().add({ data: { _id: id, storeId, hour, orders: n } });
      return;
    } catch (e) {
      // The hour's first count raced us to the add, or a transient fault: count again. After a lost
      // reply the count may be high: it is a signal, the ledger never sees it.
      if ((!isDuplicateKey(e) && !isTransient(e)) || attempt >= 3) throw e;
    }
  }
}

async function hourlyLimit(storeId: string, hour: string, now: Date, rules: EarningRules): Promise<number> {
  const cached = limits.get(storeId);
  if (cached && cached.hour === hour && cached.floor === rules.fraud.storeOrdersPerHour && cached.multiplier === rules.fraud.storeVelocityMultiplier)
    return cached.limit;
  const _ = database().command;
  const from = hourKey(new Date(now.getTime() - 24 * 3600_000));
  const past = await queryDocs<StoreHourDoc>(
    database()
      .collection('store_hours')
      .where({ storeId, hour: _.gte(from).and(_.lt(hour)) })
      .limit(24),
  );
  const limit = storeHourlyLimit(
    past.map((d) => d.orders),
    rules,
  );
  limits.set(storeId, { hour, limit, floor: rules.fraud.storeOrdersPerHour, multiplier: rules.fraud.storeVelocityMultiplier });
  return limit;
}
