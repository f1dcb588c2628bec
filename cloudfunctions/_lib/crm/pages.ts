/**
 * Page items for the nightly CRM jobs: a job step's item is a page of members (one read, plus the
 * page's batched reads), not one member. The runner paces and checkpoints per item; a CRM item that
 * changes nothing costs no request of its own (it came with the page), so pacing per member would
 * spend the night waiting. A page costs its reads and the writes of the members that changed.
 */
import type { MemberDoc } from '../../../shared/schemas/member';
import { jobConcurrency } from '../platform/job-runner';

const MEMBERS_PER_PAGE = 100;

export interface MemberPage<X = undefined> {
  /** the walk's cursor after the page's last member (the runner keeps it as the step's cursor) */
  _id: string;
  members: MemberDoc[];
  extra: X;
}

interface MemberWalk<S> {
  findDue(n: number, ctx: { cursor: string | null; state: S }): Promise<MemberDoc[]>;
  cursorOf(item: MemberDoc): string;
}

/** A walk of members turned into a walk of pages (`enrich`: the page's batched reads). */
export function pagesOf<S, X>(walk: MemberWalk<S>, enrich: (members: MemberDoc[], state: S) => Promise<X>) {
  return {
    findDue: async (_n: number, ctx: { cursor: string | null; state: S }): Promise<MemberPage<X>[]> => {
      const members = await walk.findDue(MEMBERS_PER_PAGE, ctx);
      if (members.length === 0) return [];
      return [{ _id: walk.cursorOf(members[members.length - 1]), members, extra: await enrich(members, ctx.state) }];
    },
    cursorOf: (page: MemberPage<X>) => page._id,
  };
}

/** `work` over `items`, `HY_JOB_CONCURRENCY` at once (each item is its own member: independent). */
export async function eachConcurrently<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const n = jobConcurrency();
  for (let i = 0; i < items.length; i += n) await Promise.all(items.slice(i, i + n).map(work));
}
