/**
 * What the engagement jobs share (each job is a file of this folder; `shared/schedule.ts` has their
 * schedules).
 *
 * Every one is a checkpointed run (`../platform/job-runner.ts`) that:
 * - selects through an indexed field (`birthdayMD`, `points.lots.expiresOn`, coupons `status` +
 *   `endsAt`, `checkin_state` `remind` + `lastDay`), walking it by `_id` with a cursor so a resumed run
 *   (after a crash or a spent budget) continues where the last checkpoint left it;
 * - does each member's work under a key per member per occurrence (the coupon's issue key, the
 *   message's log key), so a run twice, two runs overlapping past a lost lease, or the chunk a crash
 *   interrupted, never gives or sends anything twice;
 * - keeps to the configured rate (the runner's pacing) and leaves its counters for the run record
 *   (`processed`: members handled, `skipped`: nothing to do or refused, `errors`: failures).
 */
import type { IssueProblem } from '../../../shared/rules/coupons';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { queryDocs } from '../platform/db';
import { countSend, sendMessage, type MessageRequest } from '../messages';

/** The counters every member job keeps (the run record reads `processed` and `skipped`). */
export interface MemberJobCounters {
  day: string;
  processed: number;
  skipped: number;
  sent: number;
  /** sends not made: no credit, invalid values, platform refusals (logged per member in `message_log`) */
  notSent: number;
}

export const initial = (day: string) => (): MemberJobCounters => ({ day, processed: 0, skipped: 0, sent: 0, notSent: 0 });

/**
 * Why a job that gives coupons gave none (or fewer): the template's problem when the run started
 * (gone, paused, not on the channel, ended: nothing is tried), and each member's refusal by code.
 */
export interface IssueCounters {
  issued: number;
  notIssued: number;
  /** the configured template's problem at the run's start; null: it could issue */
  couponProblem: IssueProblem | null;
  /** refusals by error code (COUPON_OUT_OF_STOCK, COUPON_LIMIT_REACHED, …) */
  notIssuedWhy: Record<string, number>;
}

export const initialIssue = (couponProblem: IssueProblem | null): IssueCounters => ({ issued: 0, notIssued: 0, couponProblem, notIssuedWhy: {} });

/** Counts one coupon not issued, and why. */
export function countNotIssued(state: IssueCounters, why: string): void {
  state.notIssued += 1;
  state.notIssuedWhy[why] = (state.notIssuedWhy[why] ?? 0) + 1;
}

/** The chunk's members by id, in one query. */
export async function membersById(ids: string[]): Promise<Map<string, MemberDoc>> {
  if (ids.length === 0) return new Map();
  const db = database();
  const unique = [...new Set(ids)];
  const docs = await queryDocs<MemberDoc>(
    db
      .collection('members')
      .where({ _id: db.command.in(unique) })
      .limit(unique.length),
  );
  return new Map(docs.map((m) => [m._id, m]));
}

/** Which of the chunk's message keys are logged already (sent or refused before: never sent again), in one query. */
export async function loggedKeys(keys: string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const db = database();
  const docs = await queryDocs<{ _id: string }>(
    db
      .collection('message_log')
      .where({ _id: db.command.in(keys) })
      .field({ _id: true })
      .limit(keys.length),
  );
  return new Set(docs.map((d) => d._id));
}

/**
 * The member's message through the one send path, counted in `state`: nothing when there is no
 * template or its fields could not be filled (`data` null); a duplicate, as the path would answer,
 * when the chunk's read found its key logged already.
 */
export async function sendCounted(
  state: MemberJobCounters,
  logged: Set<string>,
  data: Record<string, string> | null,
  req: Omit<MessageRequest, 'data'>,
): Promise<void> {
  if (!data) return;
  countSend(state, logged.has(req.key) ? { status: 'duplicate' } : await sendMessage({ ...req, data, knownAbsent: true }));
}
