/**
 * Page items for the nightly CRM jobs: a job step's item is a page of members (one read, plus the
 * page's batched reads), not one member. A member that changes nothing costs no request of its own
 * (it came with the page), so the runner's pacing per item would spend the night waiting on members
 * with nothing to do. The CRM jobs pace REQUESTS instead (`requestPacer`: each page read and each
 * write), at the job rate, run one page per chunk (checkpointed), and size pages so a chunk's paced
 * requests take about the runner's five seconds, keeping the budget check between chunks meaningful.
 */
import type { MemberDoc } from '../../../shared/schemas/member';
import { jobConcurrency, jobItemsPerSecond, type JobOptions } from '../platform/job-runner';
import { sleep as platformSleep } from '../platform/sleep';

const MAX_PAGE = 100;
/** as the runner's chunks: the longest a chunk may take at the paced rate */
const CHUNK_SECONDS = 5;

interface RequestPacer {
  /** waits until the next request may start */
  pace(): Promise<void>;
  /** members per page */
  pageSize: number;
  /** the options the runner is given: unpaced (requests are paced here), one page per chunk */
  runner: JobOptions;
}

/** Request n of this invocation starts no earlier than n / rate seconds after the first. */
export function requestPacer(options: JobOptions): RequestPacer {
  const rate = options.itemsPerSecond ?? jobItemsPerSecond();
  const clock = options.clock ?? Date.now;
  const sleep = options.sleep ?? platformSleep;
  let started: number | null = null;
  let n = 0;
  return {
    pageSize: Number.isFinite(rate) ? Math.min(MAX_PAGE, Math.max(1, Math.floor(rate * CHUNK_SECONDS))) : MAX_PAGE,
    runner: { ...options, itemsPerSecond: Infinity, chunkSize: 1 },
    pace: async () => {
      if (!Number.isFinite(rate)) return;
      started ??= clock();
      const ms = started + (n * 1000) / rate - clock();
      n += 1;
      if (ms > 0) await sleep(ms);
    },
  };
}

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
export function pagesOf<S, X>(walk: MemberWalk<S>, pacer: RequestPacer, enrich: (members: MemberDoc[], state: S) => Promise<X>) {
  return {
    findDue: async (_n: number, ctx: { cursor: string | null; state: S }): Promise<MemberPage<X>[]> => {
      await pacer.pace();
      const members = await walk.findDue(pacer.pageSize, ctx);
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
