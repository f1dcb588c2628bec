import { installClock, localClock } from '../../local-cloud/database';

/**
 * The tests' clock is the local cloud's one clock (`local-cloud/database/clock.ts`), frozen at the instant a
 * test sets: the functions run in this process, so it sets the `ctx.now` every action sees, the `Time`
 * a timer trigger carries, `serverDate()`, the scheduler's due jobs and the nightly job's day. Timers,
 * microtasks and the local database's transaction clock stay real.
 */
export function setClock(instant: string | Date): void {
  installClock();
  localClock.set(instant, { frozen: true });
}

/** Moves the frozen clock on by `ms`. */
export function advanceClock(ms: number): void {
  localClock.advance(ms);
}

export function realClock(): void {
  localClock.reset();
}

/** `2026-11-23 23:30` in Shanghai as an ISO instant with its offset. */
export const shanghai = (local: string) => `${local.replace(' ', 'T')}:00+08:00`;
