/**
 * How the functions wait between attempts, and the monotonic milliseconds their retry budgets count.
 *
 * On the cloud nothing is installed: `sleep` is a real timer and `monotonicNow` is `performance.now()`.
 * A host that runs the functions in its own process (the local cloud under test) may install a
 * sleeper under the global symbol below; then every backoff moves that sleeper's clock instead of
 * waiting, and the retry budgets count on the same clock, so a test under injected faults keeps the
 * same number of attempts without spending their waits. A global (like the local clock installed as
 * `Date`) because the functions never import the local cloud, and each built bundle has its own copy
 * of this file.
 */
interface Sleeper {
  /** monotonic milliseconds */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The one name the host installs its sleeper under (`local-cloud/database/sleeper.ts` spells it too). */
export const SLEEPER_SYMBOL = Symbol.for('wx-cloud.sleeper');

const installed = (): Sleeper | undefined => (globalThis as Record<symbol, Sleeper | undefined>)[SLEEPER_SYMBOL];

/** Waits `ms` (a real timer on the cloud; the installed sleeper's clock locally). */
export function sleep(ms: number): Promise<void> {
  const s = installed();
  return s ? s.sleep(ms) : new Promise<void>((resolve) => setTimeout(resolve, ms));
}

/** Monotonic milliseconds on the clock `sleep` moves (a clock set for a demo or frozen by a test does not move it). */
export function monotonicNow(): number {
  const s = installed();
  return s ? s.now() : performance.now();
}
