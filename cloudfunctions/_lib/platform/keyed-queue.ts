import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Work on one key, one at a time, in arrival order, within this function instance.
 *
 * Why: a document written in a transaction is locked until the transaction ends, and another
 * transaction's write to it fails at once (the cloud's -501001 "Transaction is conflict"). Twenty
 * orders on one member arriving together in one instance would collide, back off and collide again;
 * queued on the member's key they commit one after another, each at its first attempt. Across
 * instances nothing is shared (the cloud usually gives an instance one request at a time): those
 * conflicts are left to `withRetry`'s budget.
 *
 * Invariants:
 * - FIFO per key: work starts in the order `run` was called; nothing overtakes a waiter (no starvation).
 * - Bounded wait: a waiter whose turn has not come `maxWaitMs` after it arrived goes ahead anyway (a
 *   stuck or slow holder, or a queue too deep for the function's timeout, degrades to plain
 *   contention retried by `withRetry`, never to a hang); the next waiter then waits for it.
 * - A failure of one piece of work is its caller's alone: the next one runs all the same.
 * - No leak: a key's entry is deleted when its last piece of work ends.
 * - Re-entrant: work already running in a key's turn that runs more work on the same key runs it at
 *   once (waiting for its own turn would only stall it for `maxWaitMs`).
 */
interface Lane {
  /** settles when the last piece of work queued on the key ends */
  tail: Promise<void>;
  /** pieces of work waiting or running on the key */
  pending: number;
}

/**
 * How long a transaction waits for its key's turn: with `CONFLICT_BUDGET_MS` (db.ts) after it, one
 * transaction takes under 5.5 s plus its attempts' running time, inside the shortest function
 * timeout (10 s). A hundred members redeeming one mall item at once in one instance, each turn
 * slowed by faults, queued past the mall's 20 s timeout without this bound. On the cloud an instance
 * serves one request at a time and the wait is nil; locally 20 orders queued on one member drain in
 * well under a second on a quiet machine, and 3 s keeps them in turn on a loaded one.
 */
export const TURN_WAIT_MS = 3_000;

export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();
  /** the keys whose turn the current async context holds */
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  /** keys with work waiting or running */
  get size(): number {
    return this.lanes.size;
  }

  async run<T>(key: string, work: () => Promise<T>, maxWaitMs = TURN_WAIT_MS): Promise<T> {
    const holding = this.held.getStore();
    if (holding?.has(key)) return work();
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { tail: Promise.resolve(), pending: 0 };
      this.lanes.set(key, lane);
    }
    const before = lane.tail;
    let release = (): void => undefined;
    lane.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    lane.pending += 1;
    try {
      await waitAtMost(before, maxWaitMs);
      return await this.held.run(new Set([...(holding ?? []), key]), work);
    } finally {
      release();
      lane.pending -= 1;
      if (lane.pending === 0) this.lanes.delete(key);
    }
  }
}

/** Settles when `p` does or after `ms`, whichever comes first (the timer does not outlive it). */
async function waitAtMost(p: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
