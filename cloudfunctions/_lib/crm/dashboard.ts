import { addBusinessDays, businessDate, startOfBusinessDate } from '../../../shared/calendar';
import { decideDashboard, pointsFlowOf, netOf, type DashboardView, type LedgerFlowRow } from '../../../shared/rules/dashboard';
import { RFM_SEGMENTS } from '../../../shared/rules/rfm';
import { statsDailyDocSchema, type StatsDailyDoc } from '../../../shared/schemas/stats';
import { database } from '../platform/cloud';
import { aggregateRows, queryDocs } from '../platform/db';
import { statsKey } from '../engagement';
import { loadTierConfig } from '../tiers';
import { storeName } from '../orders';
import { loadCrmSettings } from './settings';

const parseSnapshot = (doc: unknown): StatsDailyDoc => statsDailyDocSchema.parse(doc);

/** The latest snapshot on or before `day` (1 request). */
async function latestSnapshot(day: string): Promise<StatsDailyDoc | null> {
  const db = database();
  const docs = await queryDocs<unknown>(
    db
      .collection('stats_daily')
      .where({ _id: db.command.lte(statsKey(day)) })
      .orderBy('_id', 'desc')
      .limit(1),
  );
  return docs[0] ? parseSnapshot(docs[0]) : null;
}

/**
 * Σ available balances now: the latest snapshot before today (its end-of-day outstanding) plus the
 * ledger's flows since that day ended (one aggregation over `ledger.createdAt`: today's entries when
 * the nightly snapshot is there). Without any snapshot, the whole ledger is summed once.
 */
async function outstandingNow(today: string): Promise<number> {
  const base = await latestSnapshot(addBusinessDays(today, -1));
  const db = database();
  const _ = db.command;
  const since = base ? startOfBusinessDate(addBusinessDays(base.day, 1)) : new Date(0);
  const rows = await aggregateRows<{ _id: { kind: LedgerFlowRow['kind']; positive: boolean }; sum: number }>(
    db
      .collection('ledger')
      .aggregate()
      .match({ createdAt: _.gte(since) })
      .group({ _id: { kind: '$kind', positive: _.aggregate.gt(['$delta', 0]) }, sum: _.aggregate.sum('$delta') })
      .limit(100),
  );
  return (base?.outstanding ?? 0) + netOf(pointsFlowOf(rows.map((r) => ({ kind: r._id.kind, positive: r._id.positive, sum: r.sum }))));
}

/**
 * `crm.dashboard`: the range's snapshots (one query: at most 400 documents by `_id`), the latest one
 * before the range's end when the range has none, the live outstanding points (one snapshot read and
 * one aggregation of today's ledger), the settings, the tier ladder and the stores' names (cached).
 * About 6 requests plus one per store not cached; never a scan of the members.
 */
export async function dashboard(input: { from: string; to: string }, now: Date): Promise<DashboardView> {
  const db = database();
  const _ = db.command;
  const today = businessDate(now);
  const [docs, settings, tierConfig, outstanding] = await Promise.all([
    queryDocs<unknown>(
      db
        .collection('stats_daily')
        .where({ _id: _.gte(statsKey(input.from)).and(_.lte(statsKey(input.to))) })
        .orderBy('_id', 'asc')
        .limit(1000),
    ),
    loadCrmSettings(),
    loadTierConfig(),
    outstandingNow(today),
  ]);
  const snapshots = docs.map(parseSnapshot);
  const latest = snapshots.length ? null : await latestSnapshot(input.to);
  const storeIds = [...new Set(snapshots.flatMap((s) => s.stores.map((st) => st.storeId)))];
  const names = await Promise.all(storeIds.map(async (id) => [id, (await storeName(id)) ?? id] as const));
  return decideDashboard({
    from: input.from,
    to: input.to,
    snapshots,
    latest,
    outstandingNow: outstanding,
    settings: settings.settings.dashboard,
    tierNames: Object.fromEntries(tierConfig.tiers.map((t) => [t.id, t.name])),
    storeNames: Object.fromEntries(names),
    rfmSegments: RFM_SEGMENTS,
    today,
  });
}
