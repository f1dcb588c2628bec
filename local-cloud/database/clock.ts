/**
 * The local cloud's one clock. The functions run in this process and take their time from `Date`
 * (`ctx.now`, `new Date()` in a write, the runner's budget), the database resolves `serverDate()`
 * from it, and the timer schedule arms from it; so the clock is installed as the process's `Date`:
 * `new Date()` and `Date.now()` answer the clock's instant, every other use of `Date` is the real one.
 * On the cloud nothing installs it and time is real time.
 *
 * Set it with `POST /api/clock` (`{ now }`, `{ advanceMs }`, `{ reset: true }`), `LOCAL_CLOUD_NOW` at
 * start, or `tests/support/clock.ts` in tests. A set clock runs on from the instant it was set to
 * (the demo lives on), unless frozen (tests: every read is the same instant until they move it).
 * Transaction expiry in the local database keeps real time (`realNow`): moving the clock must not
 * expire a transaction that is running.
 */
const RealDate: DateConstructor = Date;

/** Real milliseconds since the epoch, whatever the clock says. */
export const realNow: () => number = RealDate.now.bind(RealDate);

interface ClockState {
  /** the clock's instant */
  now: string;
  /** milliseconds from real time (0 when real) */
  offsetMs: number;
  frozen: boolean;
  /** the clock is real time */
  real: boolean;
}

export class LocalClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  private readonly listeners = new Set<(state: ClockState) => void>();

  now(): number {
    return this.frozenAt ?? realNow() + this.offsetMs;
  }

  /** Sets the clock to `instant`; it runs on from there unless `frozen`. */
  set(instant: Date | string | number, options: { frozen?: boolean } = {}): ClockState {
    const at = new RealDate(instant instanceof RealDate ? instant.getTime() : instant).getTime();
    if (!Number.isFinite(at)) throw new RangeError(`not an instant: ${String(instant)}`);
    if (options.frozen) {
      this.frozenAt = at;
      this.offsetMs = at - realNow();
    } else {
      this.frozenAt = null;
      this.offsetMs = at - realNow();
    }
    return this.changed();
  }

  /** Moves the clock forward (or back, with a negative amount). */
  advance(ms: number): ClockState {
    if (!Number.isFinite(ms)) throw new RangeError(`not a duration: ${ms}`);
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.changed();
  }

  /** Back to real time. */
  reset(): ClockState {
    this.frozenAt = null;
    this.offsetMs = 0;
    return this.changed();
  }

  state(): ClockState {
    const frozen = this.frozenAt !== null;
    return {
      now: new RealDate(this.now()).toISOString(),
      offsetMs: frozen ? this.now() - realNow() : this.offsetMs,
      frozen,
      real: !frozen && this.offsetMs === 0,
    };
  }

  /** Called after every change (the timer schedule re-arms); answers an unsubscribe. */
  onChange(listener: (state: ClockState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): ClockState {
    const s = this.state();
    for (const l of this.listeners) l(s);
    return s;
  }
}

/** The clock of this process. */
export const localClock = new LocalClock();

let installed = false;

/**
 * Installs the clock as the process's `Date`: `new Date()` (no argument) and `Date.now()` follow it;
 * `new Date(x)`, `Date.parse`, `Date.UTC` and the prototype are the real ones, and `instanceof Date`
 * holds for every date, made before or after. Idempotent.
 */
export function installClock(clock: LocalClock = localClock): void {
  if (installed) return;
  installed = true;
  const ClockDate = function (this: unknown, ...args: unknown[]) {
    // Called without `new`, Date answers a string of the current time.
    if (!new.target) return new RealDate(clock.now()).toString();
    return args.length === 0 ? new RealDate(clock.now()) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  } as unknown as DateConstructor;
  Object.defineProperties(ClockDate, {
    prototype: { value: RealDate.prototype, writable: false },
    now: { value: () => clock.now(), writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
    [Symbol.hasInstance]: { value: (v: unknown) => v instanceof RealDate },
  });
  globalThis.Date = ClockDate;
}
