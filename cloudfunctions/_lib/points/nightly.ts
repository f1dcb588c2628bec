/**
 * The nightly points job and reconciliation.
 *
 * nightly(today): matures pending points and expires lots for the members whose
 * `points.nextEventOn` is due (indexed; never a scan of everyone), then reconciles the members whose
 * points changed since their last proof (`points.reconcileDue`, indexed), in chunks, checkpointing
 * its counts in `job_runs/points-nightly:<yyyymmdd>` (the job runner, `_lib/platform/job-runner.ts`). Safe to run twice: each maturity and expiry is
 * an entry keyed `mature:<lotId>` / `expire:<lotId>` written with the member's points, and a member
 * with nothing due is simply not found again. It stops before the function's time budget and the
 * next trigger of the day continues.
 *
 * reconcile: balance == Σ entries and the lots invariants, per member; drift is answered and
 * recorded in `points_drift`, never fixed.
 */
import type { MemberDoc } from '../../../shared/schemas/member';
import type { Drift, NightlyCounters, NightlyReport } from '../../../shared/contracts/points';
import { checkPoints, expire, mature, normalise } from '../../../shared/rules/lots';
import { database } from '../platform/cloud';
import { aggregateRows, count, getById, inTransaction, queryDocs, withRetry } from '../platform/db';
import { commitPoints, memberPoints, txMember, type EntryDraft } from './ledger';
import { runJob } from '../platform/job-runner';
import { log } from '../platform/log';

const DEFAULT_CHUNK = 50;

/** The member as the settle transaction left it: enough to reconcile it at once, without reading it again. */
type SettledMember = Pick<MemberDoc, 'points' | 'ledgerCheckpoint'>;

/**
 * The ledger as summed before the settle transaction (`ledgerSince`), with the member's `seq` read
 * before the sum: if the transaction still reads that seq, no entry was written since (every entry is
 * written with a seq bump, in one transaction), so the sums plus tonight's movements must give the new
 * points, and the transaction proves them in its own write.
 */
interface SettleProof {
  seq: number;
  ledger: LedgerSince;
}

/**
 * Matures and expires what is due on `today` for one member; answers the counts and the member's
 * points after the commit (`member`). A member found by a stale `nextEventOn` with nothing due gets
 * the index corrected (`reindexed`), so the job does not find it again and again.
 *
 * With `proof`, the reconciliation is done in the same write: when the proof holds and the sums match,
 * the points are written not due for reconciliation, with the checkpoint moved (`reconciled`).
 *
 * Requests: start, the member, its update, one add per entry, commit. The entries' keys are not read
 * first: `add` of a key already present fails the transaction (a duplicate key), which refuses the
 * change exactly as a read would have (the state and the ledger disagree: never double-count).
 */
async function settleMember(
  memberId: string,
  today: string,
  now: Date,
  proof?: SettleProof,
): Promise<{ matured: number; expired: number; reindexed?: boolean; reconciled?: boolean; member: SettledMember }> {
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
    let reconciled = false;
    const fields: Record<string, unknown> = {};
    if (proof && proof.seq === start.seq && checkPoints(x.points).length === 0) {
      const delta = proof.ledger.total.delta + drafts.reduce((s, d) => s + d.movement.delta, 0);
      const pending = proof.ledger.total.pending + drafts.reduce((s, d) => s + d.movement.pendingDelta, 0);
      reconciled = delta === x.points.available && pending === x.points.pending;
      const settled = proof.ledger.settled;
      if (reconciled && settled)
        fields.ledgerCheckpoint = database().command.set({ through: proof.ledger.cut, seq: start.seq + 1, verifiedAt: now, ...settled });
    }
    await commitPoints(tx, member, x.points, drafts, now, fields, { reconciled });
    // What commitPoints wrote (seq + 1); were it otherwise, a later reconciliation's conditional write
    // would not match and it would read the member again.
    return {
      matured: m.matured.length,
      expired: x.expired.length,
      reconciled,
      member: { ...member, points: { ...x.points, seq: start.seq + 1, reconcileDue: !reconciled } },
    };
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
 * invocation (150 s at most, the scheduler's timeout; its transactions 30 s) commits well within this, so no entry can still
 * arrive below a checkpoint.
 */
const CHECKPOINT_LAG_MS = 60 * 60 * 1000;

async function ledgerSums(memberId: string, after?: Date): Promise<Sums> {
  const db = database();
  const $ = db.command.aggregate;
  const match = after ? { memberId, createdAt: db.command.gt(after) } : { memberId };
  const rows = await aggregateRows<Sums>(
    db
      .collection('ledger')
      .aggregate()
      .match(match)
      .group({ _id: null, delta: $.sum('$delta'), pending: $.sum('$pendingDelta'), entries: $.sum(1) }),
  );
  return rows[0] ?? { delta: 0, pending: 0, entries: 0 };
}

/** The entries after `after` (all when undefined), summed in two parts: up to `cut`, and after it. */
async function ledgerSumsSplit(memberId: string, after: Date | undefined, cut: Date): Promise<{ upToCut: Sums; afterCut: Sums }> {
  const db = database();
  const _ = db.command;
  const $ = _.aggregate;
  const match = after ? { memberId, createdAt: _.gt(after) } : { memberId };
  const rows = await aggregateRows<Sums & { _id: boolean }>(
    db
      .collection('ledger')
      .aggregate()
      .match(match)
      .group({ _id: $.lte(['$createdAt', cut]), delta: $.sum('$delta'), pending: $.sum('$pendingDelta'), entries: $.sum(1) }),
  );
  const part = (early: boolean): Sums => {
    const g = rows.find((r) => r._id === early);
    return { delta: g?.delta ?? 0, pending: g?.pending ?? 0, entries: g?.entries ?? 0 };
  };
  return { upToCut: part(true), afterCut: part(false) };
}

const add = (a: Sums, b: Sums): Sums => ({ delta: a.delta + b.delta, pending: a.pending + b.pending, entries: a.entries + b.entries });

/** The member's ledger from its checkpoint: the sums of every entry, and those up to `cut` (a checkpoint candidate). */
interface LedgerSince {
  total: Sums;
  /** the sums up to `cut`, when entries were added there since the checkpoint (else the checkpoint stays) */
  settled: Sums | null;
  cut: Date;
}

/**
 * The member's ledger sums from its checkpoint and the entries after it, and what a checkpoint moved
 * up to `now - CHECKPOINT_LAG_MS` would hold; the caller moves it only where the sums matched the
 * balance, together with its proof that nothing changed meanwhile. A checkpoint is trusted only while
 * the count of entries up to its `through` is still its own (the ledger is append-only: an
 * index-only count); otherwise, or without one, every entry is summed once.
 */
async function ledgerSince(memberId: string, stored: LedgerCheckpoint | undefined, now: Date): Promise<LedgerSince> {
  const db = database();
  const cut = new Date(now.getTime() - CHECKPOINT_LAG_MS);
  let cp = stored ?? null;
  if (cp) {
    const through = new Date(cp.through);
    const counted = await count(db.collection('ledger').where({ memberId, createdAt: db.command.lte(through) }));
    if (counted !== cp.entries) {
      log.warn(`[points-nightly] checkpoint of ${memberId} no longer holds (${counted} entries up to it, ${cp.entries} recorded): summing all`);
      cp = null;
    }
  }
  const base: Sums = cp ? { delta: cp.delta, pending: cp.pending, entries: cp.entries } : { delta: 0, pending: 0, entries: 0 };
  const after = cp ? new Date(cp.through) : undefined;
  if (after && after.getTime() >= cut.getTime()) return { total: add(base, await ledgerSums(memberId, after)), settled: null, cut };
  const { upToCut, afterCut } = await ledgerSumsSplit(memberId, after, cut);
  return { total: add(add(base, upToCut), afterCut), settled: upToCut.entries > 0 ? add(base, upToCut) : null, cut };
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
async function reconcileMember(
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
    const since = options.incremental ? await ledgerSince(memberId, before.ledgerCheckpoint, now) : null;
    const sums = since ? since.total : await ledgerSums(memberId);
    const problems = checkPoints(p);
    if (sums.delta !== p.available) problems.push(`ledger Σ delta ${sums.delta} ≠ available ${p.available}`);
    if (sums.pending !== p.pending) problems.push(`ledger Σ pendingDelta ${sums.pending} ≠ pending ${p.pending}`);
    const next: LedgerCheckpoint | null =
      since?.settled && problems.length === 0 ? { through: since.cut, seq: p.seq, verifiedAt: now, ...since.settled } : null;
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
type DueMember = Pick<MemberDoc, '_id' | 'points' | 'ledgerCheckpoint'>;

async function dueToSettle(today: string, cursor: string | null, limit: number): Promise<DueMember[]> {
  const db = database();
  const _ = db.command;
  const out: DueMember[] = [];
  let [day, id] = cursor ? (cursor.split('|') as [string, string]) : [null, ''];
  for (let guard = 0; guard < 1000 && out.length < limit; guard += 1) {
    if (day !== null) {
      // the points and the checkpoint too: the seq read here, before the ledger is summed, is the settle's proof
      const rest = await queryDocs<DueMember>(
        db
          .collection('members')
          .where({ 'points.nextEventOn': day, _id: _.gt(id) })
          .orderBy('_id', 'asc')
          .field({ _id: true, points: true, ledgerCheckpoint: true })
          .limit(limit - out.length),
      );
      out.push(...rest);
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

interface NightlyOptions {
  /** stop starting new chunks after this long (inside the scheduler's timeout); the next trigger continues */
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
        process: async (m: DueMember, report) => {
          // Settle and reconcile in one pass and one write: the ledger summed from the checkpoint
          // first, proven in the settle transaction (see SettleProof).
          const proof = m.points ? { seq: m.points.seq ?? 0, ledger: await ledgerSince(m._id, m.ledgerCheckpoint, now) } : undefined;
          const r = await settleMember(m._id, today, now, proof);
          report.settled += 1;
          report.matured += r.matured;
          report.expired += r.expired;
          if (r.reconciled) report.reconciled += 1;
          // Not proven in the transaction (changed meanwhile, drift, nothing to settle): reconciled now
          // from the points the transaction read, with drift recorded. A failure leaves it for step 2.
          else if (r.member.points?.reconcileDue) {
            try {
              const drift = await reconcileMember(m._id, now, { clearDue: true, incremental: true, known: r.member });
              report.reconciled += 1;
              if (drift) report.drifts.push(drift);
            } catch (e) {
              log.error('[points-nightly] reconcile after settle failed; step 2 retries', m._id, e);
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
  const members = await queryDocs<MemberDoc>(query.orderBy('_id', 'asc').field({ _id: true }).limit(limit));
  const drifts: Drift[] = [];
  for (const m of members) {
    const d = await reconcileMember(m._id, now);
    if (d) drifts.push(d);
  }
  return { checked: members.length, drifts, nextAfter: members.length === limit ? members[members.length - 1]._id : null };
}
