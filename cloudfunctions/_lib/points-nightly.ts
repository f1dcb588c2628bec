/**
 * The nightly points job and reconciliation.
 *
 * nightly(today): matures pending points and expires lots for the members whose
 * `points.nextEventOn` is due (indexed; never a scan of everyone), then reconciles the members whose
 * points changed since their last proof (`points.reconcileDue`, indexed), in chunks, checkpointing
 * its counts in `job_runs/points-nightly:<yyyymmdd>` (the job runner, `_lib/jobs.ts`). Safe to run twice: each maturity and expiry is
 * an entry keyed `mature:<lotId>` / `expire:<lotId>` written with the member's points, and a member
 * with nothing due is simply not found again. It stops before the function's time budget and the
 * next trigger of the day continues.
 *
 * reconcile: balance == Σ entries and the lots invariants, per member; drift is answered and
 * recorded in `points_drift`, never fixed.
 */
import type { MemberDoc } from '../../shared/schemas/member';
import type { Drift, NightlyCounters, NightlyReport } from '../../shared/contracts/points';
export type { Drift, NightlyReport };
import { checkPoints, expire, mature, normalise } from '../../shared/rules/lots';
import { database } from './cloud';
import { getById, inTransaction, queryDocs, txGet, withRetry } from './db';
import { commitPoints, memberPoints, txMember, type EntryDraft } from './ledger';
import { excluding, runJob, type JobRunState } from './jobs';

const DEFAULT_CHUNK = 50;

/**
 * Matures and expires what is due on `today` for one member; answers the counts. A member found by a
 * stale `nextEventOn` with nothing due gets the index corrected (`reindexed`), so the job does not
 * find it again and again.
 */
export async function settleMember(memberId: string, today: string, now: Date): Promise<{ matured: number; expired: number; reindexed?: boolean }> {
  return inTransaction(async (tx) => {
    const member = await txMember(tx, memberId);
    const start = memberPoints(member);
    const m = mature(start, today);
    const x = expire(m.points, today);
    if (m.matured.length === 0 && x.expired.length === 0) {
      const nextEventOn = normalise(start).nextEventOn;
      if (nextEventOn === start.nextEventOn) return { matured: 0, expired: 0 };
      await tx.collection('members').doc(memberId).update({ data: { 'points.nextEventOn': nextEventOn } });
      return { matured: 0, expired: 0, reindexed: true };
    }
    const drafts: EntryDraft[] = [
      ...m.matured.map(({ lot, movement }) => ({ id: `mature:${lot.id}`, kind: 'mature' as const, movement, reason: '积分生效', ref: { type: 'lot', id: lot.id } })),
      ...x.expired.map(({ lot, movement }) => ({ id: `expire:${lot.id}`, kind: 'expire' as const, movement, reason: `积分过期（${lot.earnedOn} 获得）`, ref: { type: 'lot', id: lot.id } })),
    ];
    // A key already present would mean the state and the ledger disagree: refuse rather than double-count.
    for (const d of drafts) if (await txGet(tx, 'ledger', d.id)) throw new Error(`ledger entry ${d.id} exists but its lot is still due`);
    await commitPoints(tx, member, x.points, drafts, now);
    return { matured: m.matured.length, expired: x.expired.length };
  });
}


interface Sums {
  delta: number;
  pending: number;
  entries: number;
}

async function ledgerSums(memberId: string): Promise<Sums> {
  const db = database();
  const $ = db.command.aggregate;
  const res = (await db.collection('ledger').aggregate().match({ memberId }).group({ _id: null, delta: $.sum('$delta'), pending: $.sum('$pendingDelta'), entries: $.sum(1) }).end()) as { list: Sums[] };
  return res.list[0] ?? { delta: 0, pending: 0, entries: 0 };
}

/** Proves one member's points against the ledger (a consistent read: the member's seq is the same before and after the sum). */
export async function reconcileMember(memberId: string, now: Date, options: { clearDue?: boolean } = {}): Promise<Drift | null> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const before = await withRetry(() => getById<MemberDoc>('members', memberId));
    if (!before) return null;
    const sums = await withRetry(() => ledgerSums(memberId));
    const after = await withRetry(() => getById<MemberDoc>('members', memberId));
    const p = memberPoints(before);
    if (!after || memberPoints(after).seq !== p.seq) continue;
    const problems = checkPoints(p);
    if (sums.delta !== p.available) problems.push(`ledger Σ delta ${sums.delta} ≠ available ${p.available}`);
    if (sums.pending !== p.pending) problems.push(`ledger Σ pendingDelta ${sums.pending} ≠ pending ${p.pending}`);
    const drift = problems.length ? { memberId, seq: p.seq, problems } : null;
    if (drift) {
      await withRetry(async () => {
        const id = `drift:${memberId}:${p.seq}`;
        if (!(await getById('points_drift', id))) await database().collection('points_drift').doc(id).set({ data: { memberId, seq: p.seq, problems, available: p.available, pending: p.pending, ledger: sums, status: 'open', foundAt: now } });
      });
    }
    if (options.clearDue && p.reconcileDue) {
      // Cleared only if nothing changed since the proof (the transaction conflicts otherwise).
      await inTransaction(async (tx) => {
        const m = await txMember(tx, memberId);
        const q = memberPoints(m);
        if (q.seq !== p.seq) return;
        await tx.collection('members').doc(memberId).update({ data: { 'points.reconcileDue': false } });
      });
    }
    return drift;
  }
  return { memberId, seq: -1, problems: ['会员积分在核对期间持续变动，稍后再核对'] };
}



export interface NightlyOptions {
  /** stop starting new chunks after this long (the function's timeout is 60 s); the next trigger continues */
  budgetMs?: number;
  /** members per chunk (each chunk is checkpointed in job_runs) */
  chunkSize?: number;
  /** milliseconds, for the budget (tests give a stepping clock) */
  clock?: () => number;
}

export async function nightly(today: string, now: Date, options: NightlyOptions = {}): Promise<NightlyReport> {
  const db = database();
  const _ = db.command;
  const { run } = await runJob<NightlyCounters>({
    job: 'points-nightly',
    occurrence: today.replace(/-/g, ''),
    budgetMs: options.budgetMs ?? 50_000,
    chunkSize: options.chunkSize ?? DEFAULT_CHUNK,
    clock: options.clock,
    initial: () => ({ day: today, settled: 0, matured: 0, expired: 0, reconciled: 0, drifts: [], purgedNonces: 0 }),
    steps: [
      {
        // 1. maturity and expiry, for members with something due (index points.nextEventOn); a member
        // that failed is left for the next day's run (its index still says it is due)
        name: 'settle',
        findDue: (limit, { exclude }) => queryDocs<{ _id: string }>(db.collection('members').where(excluding({ 'points.nextEventOn': _.lte(today) }, exclude)).field({ _id: true }).limit(limit)),
        process: async (m, report) => {
          const r = await settleMember(m._id, today, now);
          report.settled += 1;
          report.matured += r.matured;
          report.expired += r.expired;
          // nothing moved: do not spin on a member we cannot settle
          return r.matured + r.expired > 0 || r.reindexed ? undefined : 'unchanged';
        },
      },
      {
        // 2. reconciliation of the members whose points changed (index points.reconcileDue); one still
        // changing under us stays due and the next run proves it
        name: 'reconcile',
        findDue: (limit) => queryDocs<{ _id: string }>(db.collection('members').where({ 'points.reconcileDue': true }).field({ _id: true }).limit(limit)),
        process: async (m, report) => {
          const drift = await reconcileMember(m._id, now, { clearDue: true });
          report.reconciled += 1;
          if (drift) report.drifts.push(drift);
        },
      },
    ],
    // 3. forget POS nonces past their window
    finish: async (report) => {
      const res = (await withRetry(() => db.collection('pos_nonces').where({ expiresAt: _.lt(now) }).remove() as Promise<{ stats?: { removed: number }; deleted?: number }>)) ?? {};
      report.purgedNonces += res.stats?.removed ?? res.deleted ?? 0;
    },
  });
  return { ...run, drifts: run.drifts ?? [] };
}

/** Merchant's full audit: every member, in pages of `limit` by `_id` (call again with `after`). */
export async function reconcilePage(after: string | undefined, limit: number, now: Date): Promise<{ checked: number; drifts: Drift[]; nextAfter: string | null }> {
  const db = database();
  const _ = db.command;
  const query = after ? db.collection('members').where({ _id: _.gt(after) }) : db.collection('members').where({});
  const members = await withRetry(() => queryDocs<MemberDoc>(query.orderBy('_id', 'asc').field({ _id: true }).limit(limit)));
  const drifts: Drift[] = [];
  for (const m of members) {
    const d = await reconcileMember(m._id, now);
    if (d) drifts.push(d);
  }
  return { checked: members.length, drifts, nextAfter: members.length === limit ? members[members.length - 1]._id : null };
}
