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
 * - Bounded wait: a piece of work holds its key's turn for `maxHoldMs` at most; past that the next one
 *   goes ahead while it still runs (a stuck or very slow holder degrades to plain contention, retried
 *   by `withRetry`, never to a hang). A waiter's wait is bounded by the holders ahead of it (this
 *   instance's concurrent calls on the key) times `maxHoldMs`, and in practice is their running time.
 * - A failure of one piece of work is its caller's alone: the next one runs all the same.
 * - No leak: a key's entry is deleted when its last piece of work ends.
 * - Re-entrant: work already running in a key's turn that runs more work on the same key runs it at
 *   once (waiting for its own turn would only stall it for `maxHoldMs`).
 */
interface Lane {
  /** settles when the last piece of work queued on the key ends */
  tail: Promise<void>;
  /** pieces of work waiting or running on the key */
  pending: number;
}

/**
 * How long one transaction may hold its key's turn: longer than `CONFLICT_BUDGET_MS` (db.ts), so a
 * holder that is retrying a conflict with another instance keeps its turn while it may still succeed.
 */
export const TURN_HOLD_MS = 3_000;

export class KeyedQueue {
  private readonly lanes = new Map<string, Lane>();
  /** the keys whose turn the current async context holds */
  private readonly held = new AsyncLocalStorage<ReadonlySet<string>>();

  /** keys with work waiting or running */
  get size(): number {
    return this.lanes.size;
  }

  async run<T>(key: string, work: () => Promise<T>, maxHoldMs = TURN_HOLD_MS): Promise<T> {
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
    let lease: ReturnType<typeof setTimeout> | undefined;
    try {
      await before;
      lease = setTimeout(release, maxHoldMs);
      return await this.held.run(new Set([...(holding ?? []), key]), work);
    } finally {
      clearTimeout(lease);
      release();
      lane.pending -= 1;
      if (lane.pending === 0) this.lanes.delete(key);
    }
  }
}
