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
import { count, getById, inTransaction, queryDocs, withRetry } from './db';
import { commitPoints, memberPoints, txMember, type EntryDraft } from './ledger';
import { runJob } from './jobs';

const DEFAULT_CHUNK = 50;

/** The member as the settle transaction left it: enough to reconcile it at once, without reading it again. */
type SettledMember = Pick<MemberDoc, 'points' | 'ledgerCheckpoint'>;

/**
 * Matures and expires what is due on `today` for one member; answers the counts and the member's
 * points after the commit (`member`, for the reconciliation in the same pass). A member found by a
 * stale `nextEventOn` with nothing due gets the index corrected (`reindexed`), so the job does not
 * find it again and again.
 *
 * Requests: start, the member, its update, one add per entry, commit. The entries' keys are not read
 * first: `add` of a key already present fails the transaction (a duplicate key), which refuses the
 * change exactly as a read would have (the state and the ledger disagree: never double-count).
 */
export async function settleMember(
  memberId: string,
  today: string,
  now: Date,
): Promise<{ matured: number; expired: number; reindexed?: boolean; member: SettledMember }> {
  return inTransaction(async (tx) => {
    const member = await txMember(tx, memberId);
    const start = memberPoints(member);
    const m = mature(start, today);
    const x = expire(m.points, today);
    if (m.matured.length === 0 && x.expired.length === 0) {
      const nextEventOn = normalise(start).nextEventOn;
      if (nextEventOn === start.nextEventOn) return { matured: 0, expired: 0, member };
      await tx
        .collection('members')
        .doc(memberId)
        .update({ data: { 'points.nextEventOn': nextEventOn } });
      return { matured: 0, expired: 0, reindexed: true, member: { ...member, points: { ...start, nextEventOn } } };
    }
    const drafts: EntryDraft[] = [
      ...m.matured.map(({ lot, movement }) => ({
        id: `mature:${lot.id}`,
        kind: 'mature' as const,
        movement,
        reason: '积分生效',
        ref: { type: 'lot', id: lot.id },
      })),
      ...x.expired.map(({ lot, movement }) => ({
        id: `expire:${lot.id}`,
        kind: 'expire' as const,
        movement,
        reason: `积分过期（${lot.earnedOn} 获得）`,
        ref: { type: 'lot', id: lot.id },
      })),
    ];
    await commitPoints(tx, member, x.points, drafts, now);
    // What commitPoints wrote (seq + 1, due for reconciliation); were it otherwise, the reconciliation's
    // conditional write would not match and it would read the member again.
    return { matured: m.matured.length, expired: x.expired.length, member: { ...member, points: { ...x.points, seq: start.seq + 1, reconcileDue: true } } };
  });
}

interface Sums {
  delta: number;
  pending: number;
  entries: number;
}

/**
 * A member's verified checkpoint (`members.ledgerCheckpoint`): the sums of the member's entries
 * created up to `through`, written only when the checkpoint plus the entries after it matched the
 * member's balance. The next reconciliation sums only the entries after `through` (index
 * `ledger.member_createdAt`), so its cost follows what changed, not the member's whole history.
 */
type LedgerCheckpoint = NonNullable<MemberDoc['ledgerCheckpoint']>;

/**
 * How far behind `now` a checkpoint stays: an entry's `createdAt` is its invocation's start, and an
 * invocation (60 s at most, its transactions 30 s) commits well within this, so no entry can still
 * arrive below a checkpoint.
 */
const CHECKPOINT_LAG_MS = 60 * 60 * 1000;

async function ledgerSums(memberId: string, after?: Date): Promise<Sums> {
  const db = database();
  const $ = db.command.aggregate;
  const match = after ? { memberId, createdAt: db.command.gt(after) } : { memberId };
  const res = (await db
    .collection('ledger')
    .aggregate()
    .match(match)
    .group({ _id: null, delta: $.sum('$delta'), pending: $.sum('$pendingDelta'), entries: $.sum(1) })
    .end()) as { list: Sums[] };
  return res.list[0] ?? { delta: 0, pending: 0, entries: 0 };
}

/** The entries after `after` (all when undefined), summed in two parts: up to `cut`, and after it. */
async function ledgerSumsSplit(memberId: string, after: Date | undefined, cut: Date): Promise<{ upToCut: Sums; afterCut: Sums }> {
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const match = after ? { memberId, createdAt: _.gt(after) } : { memberId };
  const res = (await db
    .collection('ledger')
    .aggregate()
    .match(match)
    .group({ _id: $.lte(['$createdAt', cut]), delta: $.sum('$delta'), pending: $.sum('$pendingDelta'), entries: $.sum(1) })
    .end()) as { list: Array<Sums & { _id: boolean }> };
  const part = (early: boolean): Sums => {
    const g = res.list.find((r) => r._id === early);
    return { delta: g?.delta ?? 0, pending: g?.pending ?? 0, entries: g?.entries ?? 0 };
  };
  return { upToCut: part(true), afterCut: part(false) };
}

const add = (a: Sums, b: Sums): Sums => ({ delta: a.delta + b.delta, pending: a.pending + b.pending, entries: a.entries + b.entries });

/**
 * The member's ledger sums from its checkpoint and the entries after it, and the checkpoint to move
 * up to `now - CHECKPOINT_LAG_MS` when they match `expected` (the member's points); the caller writes
 * it only together with its proof that nothing changed meanwhile. A checkpoint is trusted only while
 * the count of entries up to its `through` is still its own (the ledger is append-only: an
 * index-only count); otherwise, or without one, every entry is summed once.
 */
async function sumsWithCheckpoint(
  memberId: string,
  stored: LedgerCheckpoint | undefined,
  expected: { available: number; pending: number; seq: number },
  now: Date,
): Promise<{ total: Sums; next: LedgerCheckpoint | null }> {
  const db = database();
  const cut = new Date(now.getTime() - CHECKPOINT_LAG_MS);
  let cp = stored ?? null;
  if (cp) {
    const through = new Date(cp.through);
    const counted = await count(db.collection('ledger').where({ memberId, createdAt: db.command.lte(through) }));
    if (counted !== cp.entries) {
      console.warn(`[points-nightly] checkpoint of ${memberId} no longer holds (${counted} entries up to it, ${cp.entries} recorded): summing all`);
      cp = null;
    }
  }
  const base: Sums = cp ? { delta: cp.delta, pending: cp.pending, entries: cp.entries } : { delta: 0, pending: 0, entries: 0 };
  const after = cp ? new Date(cp.through) : undefined;
  if (after && after.getTime() >= cut.getTime()) return { total: add(base, await withRetry(() => ledgerSums(memberId, after))), next: null };
  const { upToCut, afterCut } = await withRetry(() => ledgerSumsSplit(memberId, after, cut));
  const total = add(add(base, upToCut), afterCut);
  const proven = total.delta === expected.available && total.pending === expected.pending && upToCut.entries > 0;
  return { total, next: proven ? { through: cut, seq: expected.seq, verifiedAt: now, ...add(base, upToCut) } : null };
}

/**
 * Proves one member's points against the ledger (a consistent read: the member's seq is the same
 * before and after the sum). The nightly job (`incremental`) sums from the member's verified
 * checkpoint and proves the read consistent with its one write (`clearDue`: the due flag cleared and
 * the checkpoint moved where `points.seq` is still the one summed); the merchant's audit sums every
 * entry and reads the member again.
 *
 * Requests on the night, for a member already read: [the checkpoint's count], the sums, the write.
 */
export async function reconcileMember(
  memberId: string,
  now: Date,
  options: { clearDue?: boolean; incremental?: boolean; known?: Pick<MemberDoc, 'points' | 'ledgerCheckpoint'> } = {},
): Promise<Drift | null> {
  const db = database();
  let known = options.known;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    // The member as the caller read it (the job's chunk, the settle transaction), else read now.
    const before = known ?? (await getById<MemberDoc>('members', memberId));
    known = undefined;
    if (!before) return null;
    const p = memberPoints(before);
    const { total: sums, next } = options.incremental
      ? await sumsWithCheckpoint(memberId, before.ledgerCheckpoint, p, now)
      : { total: await withRetry(() => ledgerSums(memberId)), next: null };
    const problems = checkPoints(p);
    if (sums.delta !== p.available) problems.push(`ledger Σ delta ${sums.delta} ≠ available ${p.available}`);
    if (sums.pending !== p.pending) problems.push(`ledger Σ pendingDelta ${sums.pending} ≠ pending ${p.pending}`);
    const unchanged = async () => {
      const after = await getById<MemberDoc>('members', memberId);
      return !!after && memberPoints(after).seq === p.seq;
    };
    if (problems.length === 0 && options.clearDue && (p.reconcileDue || next)) {
      // The one write is also the proof: it applies only where the seq is still the one summed.
      const data: Record<string, unknown> = { 'points.reconcileDue': false };
      if (next) data.ledgerCheckpoint = db.command.set(next);
      const res = (await withRetry(() => db.collection('members').where({ _id: memberId, 'points.seq': p.seq }).update({ data }) as Promise<unknown>)) as {
        stats?: { updated?: number };
      };
      // Nothing updated: changed meanwhile (sum again), or already so (a lost reply retried, a flag already clear).
      if ((res.stats?.updated ?? 0) > 0 || (await unchanged())) return null;
      continue;
    }
    if (!(await unchanged())) continue;
    const drift = problems.length ? { memberId, seq: p.seq, problems } : null;
    if (drift) {
      await withRetry(async () => {
        const id = `drift:${memberId}:${p.seq}`;
        if (!(await getById('points_drift', id)))
          await db
            .collection('points_drift')
            .doc(id)
            .set({ data: { memberId, seq: p.seq, problems, available: p.available, pending: p.pending, ledger: sums, status: 'open', foundAt: now } });
      });
    }
    if (options.clearDue && p.reconcileDue) {
      // Cleared only if nothing changed since the proof: one conditional write (no match, no change).
      await withRetry(
        () =>
          db
            .collection('members')
            .where({ _id: memberId, 'points.seq': p.seq })
            .update({ data: { 'points.reconcileDue': false } }) as Promise<unknown>,
      );
    }
    return drift;
  }
  return { memberId, seq: -1, problems: ['会员积分在核对期间持续变动，稍后再核对'] };
}

/** `<day>|<memberId>`: the settle step's place in the index order of `points.nextEventOn`, then `_id`. */
function settleCursor(m: { _id: string; points?: { nextEventOn?: string | null } }): string {
  return `${m.points?.nextEventOn ?? ''}|${m._id}`;
}

/**
 * The members due on or before `today` after `cursor`, in the order of the index
 * `points.nextEventOn` then `_id`: the rest of the cursor's day by `_id`, then the next due day.
 * Each query is a range of the index that starts where the last chunk ended, so a chunk costs the
 * same on the first day of a million members as on the last.
 */
async function dueToSettle(today: string, cursor: string | null, limit: number): Promise<Array<{ _id: string; points?: { nextEventOn?: string | null } }>> {
  const db = database();
  const _ = db.command;
  const out: Array<{ _id: string; points?: { nextEventOn?: string | null } }> = [];
  let [day, id] = cursor ? (cursor.split('|') as [string, string]) : [null, ''];
  for (let guard = 0; guard < 1000 && out.length < limit; guard += 1) {
    if (day !== null) {
      const rest = await queryDocs<{ _id: string }>(
        db
          .collection('members')
          .where({ 'points.nextEventOn': day, _id: _.gt(id) })
          .orderBy('_id', 'asc')
          .field({ _id: true })
          .limit(limit - out.length),
      );
      out.push(...rest.map((m) => ({ _id: m._id, points: { nextEventOn: day } })));
      if (out.length >= limit) break;
    }
    const next = await queryDocs<{ points: { nextEventOn: string } }>(
      db
        .collection('members')
        .where({ 'points.nextEventOn': day === null ? _.lte(today) : _.gt(day).and(_.lte(today)) })
        .orderBy('points.nextEventOn', 'asc')
        .field({ 'points.nextEventOn': true })
        .limit(1),
    );
    if (next.length === 0) break;
    day = next[0].points.nextEventOn;
    id = '';
  }
  return out;
}

export interface NightlyOptions {
  /** stop starting new chunks after this long (the function's timeout is 60 s); the next trigger continues */
  budgetMs?: number;
  /** members per chunk (each chunk is checkpointed in job_runs) */
  chunkSize?: number;
  /** milliseconds, for the budget (tests give a stepping clock) */
  clock?: () => number;
  /** members worked on at once (default HY_JOB_CONCURRENCY, else 1) */
  concurrency?: number;
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
    concurrency: options.concurrency,
    initial: () => ({ day: today, settled: 0, matured: 0, expired: 0, reconciled: 0, drifts: [], purgedNonces: 0 }),
    steps: [
      {
        // 1. maturity and expiry, for members with something due (index points.nextEventOn), walked
        // by a cursor that only moves forward; a member that failed or had nothing to do is passed
        // (its index still says it is due: the next day's run finds it)
        name: 'settle',
        findDue: (limit, { cursor }) => dueToSettle(today, cursor, limit),
        cursorOf: settleCursor,
        process: async (m, report) => {
          const r = await settleMember(m._id, today, now);
          report.settled += 1;
          report.matured += r.matured;
          report.expired += r.expired;
          // Settled means due for reconciliation: done now, from the points the transaction wrote
          // (no chunk query, no second read). A failure here leaves it due for step 2.
          if (r.member.points?.reconcileDue) {
            try {
              const drift = await reconcileMember(m._id, now, { clearDue: true, incremental: true, known: r.member });
              report.reconciled += 1;
              if (drift) report.drifts.push(drift);
            } catch (e) {
              console.error('[points-nightly] reconcile after settle failed; step 2 retries', m._id, e);
            }
          }
          return r.matured + r.expired > 0 || r.reindexed ? undefined : 'unchanged';
        },
      },
      {
        // 2. reconciliation of the members whose points changed (index points.reconcileDue, then
        // _id: a cursor); each sums only the ledger after its verified checkpoint. One still
        // changing under us stays due and the next run proves it.
        name: 'reconcile',
        findDue: (limit, { cursor }) =>
          queryDocs<Pick<MemberDoc, '_id' | 'points' | 'ledgerCheckpoint'>>(
            db
              .collection('members')
              .where({ 'points.reconcileDue': true, _id: _.gt(cursor ?? '') })
              .orderBy('_id', 'asc')
              .field({ _id: true, points: true, ledgerCheckpoint: true })
              .limit(limit),
          ),
        cursorOf: (m) => m._id,
        process: async (m, report) => {
          const drift = await reconcileMember(m._id, now, { clearDue: true, incremental: true, known: m });
          report.reconciled += 1;
          if (drift) report.drifts.push(drift);
        },
      },
    ],
    // 3. forget POS nonces past their window
    finish: async (report) => {
      const res =
        (await withRetry(
          () =>
            db
              .collection('pos_nonces')
              .where({ expiresAt: _.lt(now) })
              .remove() as Promise<{ stats?: { removed: number }; deleted?: number }>,
        )) ?? {};
      report.purgedNonces += res.stats?.removed ?? res.deleted ?? 0;
    },
  });
  return { ...run, drifts: run.drifts ?? [] };
}

/** Merchant's full audit: every member, in pages of `limit` by `_id` (call again with `after`). */
export async function reconcilePage(
  after: string | undefined,
  limit: number,
  now: Date,
): Promise<{ checked: number; drifts: Drift[]; nextAfter: string | null }> {
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
