import type { Deadlines } from '../../local-cloud/database';

/**
 * Invocation deadlines a test fires by moving their clock (`LocalCloudOptions.deadlines`): a function
 * past its config.json timeout is cut when the test says the time has come, not seconds later.
 */
export class ManualDeadlines implements Deadlines {
  private nowMs = 0;
  private readonly armed = new Set<{ at: number; fire: () => void }>();

  arm(ms: number, fire: () => void): () => void {
    const d = { at: this.nowMs + ms, fire };
    this.armed.add(d);
    return () => this.armed.delete(d);
  }

  /** Deadlines armed and neither fired nor cancelled. */
  get pending(): number {
    return this.armed.size;
  }

  /**
   * Settles once `n` deadlines are armed (invocations start asynchronously, over HTTP too): checked on
   * every turn of the event loop, never on a timer; gives up after `withinMs` of real time.
   */
  async whenArmed(n: number, withinMs = 10_000): Promise<void> {
    const giveUp = performance.now() + withinMs;
    while (this.armed.size < n) {
      if (performance.now() > giveUp) throw new Error(`${this.armed.size} deadline(s) armed, waited for ${n}`);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Moves the clock on by `ms` and fires, earliest first, every deadline it passed. */
  advance(ms: number): void {
    this.nowMs += ms;
    const due = [...this.armed].filter((d) => d.at <= this.nowMs).sort((a, b) => a.at - b.at);
    for (const d of due) {
      this.armed.delete(d);
      d.fire();
    }
  }
}
