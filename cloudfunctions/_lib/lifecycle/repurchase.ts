/**
 * The repurchase-cycle job (`repurchase`, see `shared/schedule.ts`), in two steps, neither of which
 * reads all members or all orders:
 *
 * 1. `ingest`: the orders recorded since the last finished run (`job_state/repurchase.through`,
 *    walked on the indexed `orders.createdAt` by a forward cursor, up to a few minutes before the run
 *    so an order still committing is not passed over) update their member's cycles
 *    (`purchase_cycles/<memberId>`: per category the purchase days, the interval, the expected day and
 *    the day to remind; `remindOn` at the top, indexed, the earliest). Each order is one transaction
 *    over the member's cycles and the category histograms (`job_state/repurchase-stats`: interval →
 *    members, for the category median of members with too few purchases). Adding a purchase day is
 *    idempotent (days are a set), so an order seen twice after a crash changes nothing.
 * 2. `remind`: the cycles whose `remindOn` has come (indexed), one message per member per category
 *    per occurrence (`repurchase:<member>:<category>:<last purchase day>`), then the category is marked
 *    reminded for that day and `remindOn` moves to the next category due, or none.
 *
 * Refunds do not undo a purchase day (the habit is the visit); a revoked order not yet ingested is
 * not one. A member with too few purchases takes the category median known when their purchase is
 * ingested (none known yet: no reminder until their next purchase).
 */
import crypto from 'node:crypto';
import { businessDate, businessDateKey } from '../../../shared/calendar';
import {
  addPurchaseDay,
  earliest,
  estimateCycle,
  histogramMedian,
  moveInHistogram,
  type CycleRules,
  type IntervalHistogram,
} from '../../../shared/rules/repurchase';
import { asDate, asThing } from '../../../shared/rules/message-fields';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet, withRetry } from '../platform/db';
import { excluding, runJob, type JobOptions, type JobRun } from '../platform/job-runner';
import { countSend, fillTemplate, sendMessage, templateFor, type TemplateDoc } from '../messages';
import type { OrderDoc } from '../orders';
import { loadLifecycleSettings } from './settings';
import type { CategoryCycle, PurchaseCyclesDoc } from '../../../shared/schemas/engagement';
import { walkByInstant, type InstantWindow } from '../platform/job-walks';

/** `job_state/repurchase-stats`: per category, the members' own intervals (the median stands in for those with too few). */
interface CycleStatsDoc {
  categories: { category: string; histogram: IntervalHistogram; median: number | null }[];
  updatedAt: Date;
}

/** Orders recorded later than this before the run are left to the next (a transaction may still be committing). */
const SETTLE_MS = 5 * 60_000;
/** The first run reads the orders of this many days back. */
const FIRST_RUN_DAYS = 180;
const STATS_ID = 'repurchase-stats';

interface RepurchaseCounters {
  day: string;
  processed: number;
  skipped: number;
  sent: number;
  notSent: number;
  ordersIngested: number;
  reminded: number;
  orders: InstantWindow;
}

const nextRemindOn = (cats: readonly CategoryCycle[]) => earliest(cats.filter((c) => c.remindedFor !== c.days[c.days.length - 1]).map((c) => c.remindOn));

/** A short, id-safe name of a category inside message keys (categories are the merchant's words). */
const categoryKey = (category: string) => crypto.createHash('sha256').update(category).digest('hex').slice(0, 12);

export async function runRepurchase(now: Date, options: JobOptions = {}): Promise<JobRun<RepurchaseCounters>> {
  const today = businessDate(now);
  const { settings } = await loadLifecycleSettings();
  const rules = settings.repurchase;
  const stored = await getById<{ through: string }>('job_state', 'repurchase');
  const to = new Date(now.getTime() - SETTLE_MS);
  const from = stored?.through ?? new Date(to.getTime() - FIRST_RUN_DAYS * 86_400_000).toISOString();
  const template = await templateFor('repurchase');
  const db = database();
  const _ = db.command;
  const { run } = await runJob<RepurchaseCounters>({
    job: 'repurchase',
    occurrence: businessDateKey(now),
    ...options,
    initial: () => ({ day: today, processed: 0, skipped: 0, sent: 0, notSent: 0, ordersIngested: 0, reminded: 0, orders: { from, to: to.toISOString() } }),
    steps: [
      {
        name: 'ingest',
        ...walkByInstant<OrderDoc, RepurchaseCounters>('orders', 'createdAt', (state) => state.orders),
        process: async (o: OrderDoc, state: RepurchaseCounters) => {
          if (await ingestOrder(o, rules, now)) state.ordersIngested += 1;
        },
      },
      {
        name: 'remind',
        findDue: (n: number, { exclude }: { exclude: string[] }) =>
          rules.enabled
            ? queryDocs<PurchaseCyclesDoc>(
                db
                  .collection('purchase_cycles')
                  .where(excluding({ remindOn: _.lte(today) }, exclude))
                  .limit(n),
              )
            : Promise.resolve([]),
        process: async (c: PurchaseCyclesDoc, state: RepurchaseCounters) => {
          const sent = await remind(c, today, now, template, state);
          if (sent) state.processed += 1;
          else state.skipped += 1;
        },
      },
    ],
    finish: async (state) => {
      await withRetry(
        () =>
          db
            .collection('job_state')
            .doc('repurchase')
            .set({ data: { through: state.orders.to, at: now } }) as Promise<unknown>,
      );
    },
  });
  return run;
}

/** One order into its member's cycles and the category histograms, in one transaction. False: nothing changed. */
async function ingestOrder(o: OrderDoc, rules: CycleRules, now: Date): Promise<boolean> {
  // Revoked before we saw it: not a purchase.
  if (o.amountFen > 0 && o.refundedFen >= o.amountFen) return false;
  const day = businessDate(new Date(o.paidAt));
  const categories = [...new Set((o.items ?? []).map((i) => i.category))];
  return inTransaction(async (tx) => {
    const doc = await txGet<PurchaseCyclesDoc>(tx, 'purchase_cycles', o.memberId);
    const cycles = [...(doc?.categories ?? [])];
    const stats = (await txGet<CycleStatsDoc>(tx, 'job_state', STATS_ID)) ?? { categories: [], updatedAt: now };
    const hist = new Map(stats.categories.map((c) => [c.category, c.histogram]));
    let changed = false;
    let statsChanged = false;
    for (const category of categories) {
      const i = cycles.findIndex((c) => c.category === category);
      const prev = i >= 0 ? cycles[i] : null;
      const days = addPurchaseDay(prev?.days ?? [], day);
      if (prev && days.length === prev.days.length && days.every((d, k) => d === prev.days[k])) continue;
      const h = hist.get(category) ?? {};
      const est = estimateCycle(days, histogramMedian(h), rules);
      const before = prev?.ownIntervalDays ?? null;
      if (before !== est.ownIntervalDays) {
        hist.set(category, moveInHistogram(h, before, est.ownIntervalDays));
        statsChanged = true;
      }
      const next: CategoryCycle = { category, days, ...est, remindedFor: prev?.remindedFor ?? null };
      if (i >= 0) cycles[i] = next;
      else cycles.push(next);
      changed = true;
    }
    if (!changed) return false;
    await tx
      .collection('purchase_cycles')
      .doc(o.memberId)
      .set({ data: { memberId: o.memberId, categories: cycles, remindOn: nextRemindOn(cycles), updatedAt: now } });
    if (statsChanged) {
      const categoriesOut = [...hist.entries()].map(([category, histogram]) => ({ category, histogram, median: histogramMedian(histogram) }));
      await tx
        .collection('job_state')
        .doc(STATS_ID)
        .set({ data: { categories: categoriesOut, updatedAt: now } });
    }
    return true;
  });
}

/** The member's due categories: one message each (keyed), then marked reminded. True when one was sent or attempted. */
async function remind(c: PurchaseCyclesDoc, today: string, now: Date, template: TemplateDoc | null, state: RepurchaseCounters): Promise<boolean> {
  const member = await getById<MemberDoc>('members', c.memberId);
  const due = c.categories.filter((k) => k.remindOn !== null && k.remindOn <= today && k.remindedFor !== k.days[k.days.length - 1]);
  let attempted = false;
  for (const k of due) {
    const last = k.days[k.days.length - 1];
    // The expected day passed without a run (the job did not run for days): too late to remind of it.
    if (!member || member.deletedAt || !k.expectedOn || k.expectedOn < today) continue;
    const data =
      template &&
      fillTemplate(
        template,
        {
          thing: [asThing(k.category), asThing(`您常买的${k.category}快用完了吧`)],
          date: [asDate(k.expectedOn), asDate(last)],
          phrase: ['该补货了'],
          number: [String(k.intervalDays ?? '')],
        },
        {
          nickname: member.nickname,
          today,
          offers: [{ value: asThing(k.category), kinds: ['thing'], words: ['商品', '品类', '名称'] }],
        },
      );
    const r = data
      ? await sendMessage({
          key: `repurchase:${c.memberId}:${categoryKey(k.category)}:${last}`,
          memberId: c.memberId,
          openid: member.openid,
          purpose: 'repurchase',
          data,
          now,
          template,
        })
      : null;
    countSend(state, r);
    if (r && r.status !== 'duplicate') state.reminded += 1;
    attempted = true;
  }
  // Marked after the sends: a crash in between re-finds the member, and the message keys send nothing twice.
  await inTransaction(async (tx) => {
    const doc = await txGet<PurchaseCyclesDoc>(tx, 'purchase_cycles', c.memberId);
    if (!doc) return;
    const categories = doc.categories.map((k) => {
      const last = k.days[k.days.length - 1];
      return k.remindOn !== null && k.remindOn <= today && k.remindedFor !== last ? { ...k, remindedFor: last } : k;
    });
    await tx
      .collection('purchase_cycles')
      .doc(c.memberId)
      .set({ data: { memberId: doc.memberId, categories, remindOn: nextRemindOn(categories), updatedAt: now } });
  });
  return attempted;
}
