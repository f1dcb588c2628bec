/**
 * The functions' waits (retry backoffs, job pacing) and the local cloud's invocation deadlines, each
 * through one seam, so tests move time instead of waiting for it.
 *
 * - A `Sleeper` is what the functions' `platform/sleep.ts` finds under `SLEEPER_SYMBOL`. Nothing
 *   installed: real timers (the cloud, `npm start`). A `VirtualSleeper` installed: a wait resolves
 *   on the next turn of the event loop and its milliseconds are added to the sleeper's clock, so the
 *   retry budgets (counted on that clock) see the time pass and allow the same attempts.
 * - `Deadlines` arm the invocation timeout (config.json `timeout`). Real timers by default; a test
 *   gives its own (`tests/support/deadlines.ts`) and fires a deadline when it moves time past it.
 *
 * The business clock (`clock.ts`, `Date`) is not moved by a wait: tests freeze it on named instants,
 * and a backoff of a few milliseconds must not carry an order past midnight.
 */
export interface Sleeper {
  /** monotonic milliseconds */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The name `cloudfunctions/_lib/platform/sleep.ts` looks the sleeper up by (a global: the functions never import the local cloud). */
export const SLEEPER_SYMBOL = Symbol.for('wx-cloud.sleeper');

type SleeperSlot = Record<symbol, Sleeper | undefined>;

/** Installs `sleeper` for the functions of this process; answers the one it replaced (to put back). */
export function installSleeper(sleeper: Sleeper | undefined): Sleeper | undefined {
  const slot = globalThis as unknown as SleeperSlot;
  const previous = slot[SLEEPER_SYMBOL];
  if (sleeper) slot[SLEEPER_SYMBOL] = sleeper;
  else delete slot[SLEEPER_SYMBOL];
  return previous;
}

/** The installed sleeper, or real timers: how local tools that run beside the functions (the seed) wait too. */
export function currentSleeper(): Sleeper {
  return (globalThis as unknown as SleeperSlot)[SLEEPER_SYMBOL] ?? realSleeper;
}

/** Real time, real timers. */
export const realSleeper: Sleeper = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/**
 * Waits that take no real time. Sleepers wake one per turn of the event loop, earliest first, and the
 * clock jumps to each one's wake time: concurrent contenders still retry in the order their backoffs
 * put them in, and a conflict budget of 2.5 s still ends after about as many attempts as in real time.
 */
export class VirtualSleeper implements Sleeper {
  /** the milliseconds skipped: waited for on this clock, not in real time */
  private skippedMs = 0;
  /** what must settle before the clock moves on (the database's open transactions), and how long to wait for it at most */
  private settle: { until: () => Promise<void> | null; atMostMs: number } | null = null;
  private readonly sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;
  private pumping = false;
  /** how many waits, and their milliseconds in all (tests assert the backoffs ran) */
  readonly slept = { waits: 0, ms: 0 };

  now(): number {
    return performance.now() + this.skippedMs;
  }

  sleep(ms: number): Promise<void> {
    const wait = Math.max(0, Number.isFinite(ms) ? ms : 0);
    this.slept.waits += 1;
    this.slept.ms += wait;
    return new Promise<void>((wake) => {
      this.sleepers.push({ at: this.now() + wait, seq: (this.seq += 1), wake });
      this.schedule();
    });
  }

  /**
   * Moves the clock on only once `until` settles (work in flight is done: everyone left is asleep),
   * as a discrete-event simulation does; a contender then wakes after the holder finished instead of
   * retrying while it still runs. `atMostMs` of real time bounds the wait (a transaction left open on
   * purpose, until its 30 s expiry, must not stop the clock).
   */
  settleOn(until: () => Promise<void> | null, atMostMs = 50): void {
    this.settle = { until, atMostMs };
  }

  private schedule(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(() => void this.settled().then(() => this.wakeNext()));
  }

  private async settled(): Promise<void> {
    const pending = this.settle?.until();
    if (!pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.settle?.atMostMs ?? 0)))]);
    clearTimeout(timer);
  }

  private wakeNext(): void {
    this.pumping = false;
    if (this.sleepers.length === 0) return;
    // Every sleeper already due (its wake time passed while others ran or settled) wakes now, earliest
    // first: a virtual wait is never longer than the real one would have been, however many contend
    // (500 concurrent claimers, woken one per settle, took minutes).
    const due = this.sleepers.filter((x) => x.at <= this.now()).sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (due.length > 1) {
      for (const d of due) this.sleepers.splice(this.sleepers.indexOf(d), 1);
      for (const d of due) d.wake();
      if (this.sleepers.length > 0) this.schedule();
      return;
    }
    let next = 0;
    for (let i = 1; i < this.sleepers.length; i += 1) {
      const a = this.sleepers[i];
      const b = this.sleepers[next];
      if (a.at < b.at || (a.at === b.at && a.seq < b.seq)) next = i;
    }
    const [s] = this.sleepers.splice(next, 1);
    const ahead = s.at - this.now();
    if (ahead > 0) this.skippedMs += ahead;
    s.wake();
    if (this.sleepers.length > 0) this.schedule();
  }
}

/** Arms invocation deadlines: `fire` runs after `ms` unless the answer `cancel` runs first. */
export interface Deadlines {
  arm(ms: number, fire: () => void): () => void;
}

/** Real timers that do not keep the process alive (the invocation's own work does). */
export const realDeadlines: Deadlines = {
  arm(ms, fire) {
    const timer = setTimeout(fire, ms);
    timer.unref();
    return () => clearTimeout(timer);
  },
};
