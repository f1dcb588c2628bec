/**
 * A test clock for function invocations: the functions run in this process, so faking `Date` (and
 * nothing else: timers, microtasks and the local database's transaction clock stay real) sets the
 * `ctx.now` every action sees, the `Time` a timer trigger carries, and the nightly job's day.
 */
export function setClock(instant: string | Date): void {
  jest.useFakeTimers({
    now: new Date(instant),
    doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'queueMicrotask', 'hrtime', 'performance'],
  });
}

export function realClock(): void {
  jest.useRealTimers();
}

/** `2026-11-23 23:30` in Shanghai as an ISO instant with its offset. */
export const shanghai = (local: string) => `${local.replace(' ', 'T')}:00+08:00`;
