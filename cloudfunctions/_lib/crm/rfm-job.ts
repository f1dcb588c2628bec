/**
 * The RFM job (`rfm-scores`, see `shared/schedule.ts`): each member who bought within the window
 * (default the last 12 months, `settings/crm`) gets R, F and M scores and one of the eight segments
 * (shared/rules/rfm.ts), and the stores they bought at in the window, on `members.crm` — the fields
 * the segment filters and the 高价值 / 高频 tags read.
 *
 * Three steps on the checkpointed runner, each a forward walk (a resumed run continues after its
 * last page):
 * 1. `measure`: the members whose last purchase is in the window (indexed `purchases.lastAt`, walked
 *    by it), a page at a time: their windowed figures from their orders (one aggregate request per
 *    page: count of orders not fully refunded, amount net of refunds, stores, over the indexed
 *    `orders.memberId` + `paidAt`), added to three histograms kept in the checkpoint.
 * 2. `score`: the quintile cuts and mean scores of those histograms (computed once, kept in the
 *    checkpoint), then the same walk again: each member's scores and segment, written only when they
 *    changed (most nights, a few members' scores move: the writes are what the night costs).
 * 3. `clear`: members still holding a segment whose last purchase left the window (indexed
 *    `crm.rfm.segment`): their scores and stores removed.
 *
 * Writes set computed values (no increments), so a page done twice after a crash writes the same.
 * The window's end is the run's start: a member who buys during the run is measured tomorrow.
 */
import { businessDate, businessDateKey, startOfBusinessDate } from '../../../shared/calendar';
import { daysBetween } from '../../../shared/rules/lifecycle';
import {
  addToHistograms,
  rfmModel,
  rfmScores,
  rfmSegment,
  rfmWindowStart,
  RFM_SEGMENTS,
  type Histogram,
  type RfmInput,
  type RfmModel,
} from '../../../shared/rules/rfm';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { aggregateRows, withRetry } from '../platform/db';
import { runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { walkById, walkByInstant, type InstantWindow } from '../platform/job-walks';
import { eachConcurrently, pagesOf, requestPacer, type MemberPage } from './pages';
import { loadCrmSettings } from './settings';

interface RfmCounters {
  day: string;
  processed: number;
  skipped: number;
  /** the members walked: last purchase in [from, to) */
  window: InstantWindow;
  /** the first business day of the window */
  windowStart: string;
  measured: number;
  scored: number;
  /** members whose scores or stores were written */
  changed: number;
  /** members whose last purchase left the window: scores removed */
  cleared: number;
  hist: { r: Histogram; f: Histogram; m: Histogram };
  model: RfmModel | null;
  /** members per segment, in `RFM_SEGMENTS` order */
  segments: number[];
}

interface Figures extends RfmInput {
  storeIds: string[];
}

interface OrderGroup {
  _id: string;
  n: number;
  amount: number;
  refunded: number;
  stores: string[];
}

/** The page's windowed figures, by member id, in one aggregate request over the indexed orders. */
async function windowFigures(members: MemberDoc[], state: RfmCounters): Promise<Map<string, Figures>> {
  const live = members.filter((m) => !m.deletedAt && m.purchases);
  if (live.length === 0) return new Map();
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const list = await aggregateRows<OrderGroup>(
    db
      .collection('orders')
      .aggregate()
      .match({ memberId: _.in(live.map((m) => m._id)), paidAt: _.gte(startOfBusinessDate(state.windowStart)).and(_.lt(new Date(state.window.to))) })
      .group({
        _id: '$memberId',
        // an order refunded in full (revoked) is no purchase
        n: $.sum($.cond({ if: $.lt(['$refundedFen', '$amountFen']), then: 1, else: 0 })),
        amount: $.sum('$amountFen'),
        refunded: $.sum('$refundedFen'),
        // the stores of purchases only ('' for a revoked order, dropped below)
        stores: $.addToSet($.cond({ if: $.lt(['$refundedFen', '$amountFen']), then: '$storeId', else: '' })),
      })
      .limit(live.length),
  );
  const groups = new Map(list.map((g) => [g._id, g]));
  const today = state.day;
  return new Map(
    live.map((m) => {
      const g = groups.get(m._id);
      const recencyDays = Math.max(0, daysBetween(businessDate(new Date(m.purchases!.lastAt)), today));
      const figures: Figures = g
        ? { recencyDays, frequency: g.n, monetaryFen: Math.max(0, g.amount - g.refunded), storeIds: g.stores.filter((id) => id !== '').sort() }
        : { recencyDays, frequency: 0, monetaryFen: 0, storeIds: [] };
      return [m._id, figures];
    }),
  );
}

type Page = MemberPage<Map<string, Figures>>;

const sameRfm = (m: MemberDoc, rfm: NonNullable<MemberDoc['crm']>['rfm'], storeIds: string[]) => {
  const had = m.crm?.rfm ?? null;
  const stores = m.crm?.storeIds ?? [];
  const sameScores =
    had === null || rfm === null || rfm === undefined
      ? had === (rfm ?? null)
      : had.r === rfm.r && had.f === rfm.f && had.m === rfm.m && had.segment === rfm.segment;
  return sameScores && stores.length === storeIds.length && stores.every((s, i) => s === storeIds[i]);
};

export async function runRfmScores(now: Date, options: JobOptions = {}): Promise<JobRun<RfmCounters>> {
  const today = businessDate(now);
  const { settings } = await loadCrmSettings();
  const windowStart = rfmWindowStart(today, settings.rfm.windowMonths);
  const window: InstantWindow = { from: startOfBusinessDate(windowStart).toISOString(), to: now.toISOString() };
  const db = database();
  const _ = db.command;
  const pacer = requestPacer(options);
  // a page is two requests: its members and their orders' aggregate
  const figuresOf = async (members: MemberDoc[], state: RfmCounters) => {
    await pacer.pace();
    return windowFigures(members, state);
  };
  const inWindow = () =>
    pagesOf(
      walkByInstant<MemberDoc, RfmCounters>('members', 'purchases.lastAt', (s) => s.window),
      pacer,
      figuresOf,
    );
  const { run } = await runJob<RfmCounters>({
    job: 'rfm-scores',
    occurrence: businessDateKey(now),
    ...pacer.runner,
    initial: () => ({
      day: today,
      processed: 0,
      skipped: 0,
      window,
      windowStart,
      measured: 0,
      scored: 0,
      changed: 0,
      cleared: 0,
      hist: { r: [], f: [], m: [] },
      model: null,
      segments: RFM_SEGMENTS.map(() => 0),
    }),
    steps: [
      {
        name: 'measure',
        ...inWindow(),
        process: async (page: Page, state: RfmCounters) => {
          addToHistograms(state.hist, page.extra.values());
          state.measured += page.extra.size;
        },
      },
      {
        name: 'score',
        ...inWindow(),
        process: async (page: Page, state: RfmCounters) => {
          // Once per run (kept in the checkpoint): a resumed run scores against the same model.
          state.model ??= rfmModel(state.hist);
          const model = state.model;
          await eachConcurrently(page.members, async (m) => {
            const figures = page.extra.get(m._id);
            if (!figures) return;
            const scores = rfmScores(figures, model);
            const rfm = { ...scores, segment: rfmSegment(scores, model) };
            state.scored += 1;
            state.segments[RFM_SEGMENTS.indexOf(rfm.segment)] += 1;
            if (sameRfm(m, rfm, figures.storeIds)) {
              state.skipped += 1;
              return;
            }
            await pacer.pace();
            await withRetry(
              () =>
                db
                  .collection('members')
                  .doc(m._id)
                  .update({ data: { 'crm.rfm': _.set(rfm), 'crm.storeIds': _.set(figures.storeIds) } }) as Promise<unknown>,
            );
            state.changed += 1;
            state.processed += 1;
          });
        },
      },
      {
        name: 'clear',
        ...walkById<MemberDoc>('members', { 'crm.rfm.segment': _.in([...RFM_SEGMENTS]), 'purchases.lastAt': _.lt(new Date(window.from)) }),
        process: async (m: MemberDoc, state: RfmCounters) => {
          await pacer.pace();
          await withRetry(
            () =>
              db
                .collection('members')
                .doc(m._id)
                .update({ data: { 'crm.rfm': null, 'crm.storeIds': _.set([] as string[]) } }) as Promise<unknown>,
          );
          state.cleared += 1;
          state.processed += 1;
        },
      },
    ],
  });
  return run;
}
