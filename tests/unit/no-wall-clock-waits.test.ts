/**
 * No test sleeps on the wall clock (issue 20, item 7). Waits go through one sleeper: the functions'
 * `cloudfunctions/_lib/platform/sleep.ts`, which the local cloud under test replaces with a
 * `VirtualSleeper` (local-cloud/database/sleeper.ts; tests back off through `backOff`), and invocation
 * timeouts through `LocalCloudOptions.deadlines` (`tests/support/deadlines.ts` fires them). Every real
 * timer left in tests/ is listed here with why it is not a wait a test spends; a new one fails.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SLEEPER_SYMBOL as PLATFORM_SYMBOL } from '../../cloudfunctions/_lib/platform/sleep';
import { SLEEPER_SYMBOL as LOCAL_SYMBOL } from '../../local-cloud/database';

const ROOT = path.join(__dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'artifacts' ? [] : sources(p);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [p] : [];
  });
}

/** A real timer or wait: `setTimeout(`/`setInterval(` (not jest's `jest.setTimeout`), Playwright's `waitForTimeout`, node's timers/promises. */
const REAL_TIMER = /(?<![.\w])setTimeout\s*\(|(?<![.\w])setInterval\s*\(|waitForTimeout\s*\(|timers\/promises/g;

/** this file (its examples below are strings) */
const SELF = 'tests/unit/no-wall-clock-waits.test.ts';
const count = (file: string) => (fs.readFileSync(file, 'utf8').match(REAL_TIMER) ?? []).length;

/** tests/: file → how many real timers it may hold, and why none of them is a wait a test spends. */
const TESTS_ALLOWED: Record<string, { count: number; why: string }> = {
  'tests/support/server.ts': {
    count: 2,
    why: 'watchdogs on a child server process: fail the start after 60 s, SIGKILL 5 s after SIGTERM; neither fires when things go right',
  },
  'tests/conformance/durability.test.ts': { count: 1, why: 'a watchdog on a child writer process (fails after 20 s); cleared when the child acks' },
  'tests/conformance/fixtures/durable-writer.ts': { count: 1, why: 'keeps the child writer process alive until the test kills it' },
  'tests/support/engagement-kit.ts': {
    count: 1,
    why: 'polls a real child process (a job killed mid-run) every 20 ms until it has sent enough; the child is the subject',
  },
  'tests/conformance/wal-flush.test.ts': { count: 1, why: "yields 20 ms every 20 groups to the checkpointer's worker thread (a real thread)" },
  'tests/integration/local-cloud-runtime.test.ts': {
    count: 1,
    why: 'proves the WX context survives a real timer hop (0–6 ms): the timer is the subject',
  },
  'tests/conformance/fixtures/functions/sleeper/index.ts': {
    count: 1,
    why: 'the fixture function whose duration is the subject; its timeout is fired by ManualDeadlines, not waited for (10 ms when it must finish)',
  },
  'tests/conformance/fixtures/functions/slow-default/index.ts': { count: 1, why: 'as sleeper: cut by ManualDeadlines, never waited for' },
};

/** Outside tests/: the only places that may arm a real timer, each behind the one seam tests replace. */
const CODE_ALLOWED: Record<string, { count: number; why: string }> = {
  'cloudfunctions/_lib/platform/sleep.ts': { count: 1, why: 'the one sleeper of the functions: real on the cloud, replaced under test' },
  'cloudfunctions/_lib/platform/keyed-queue.ts': {
    count: 1,
    why: "a bound (3 s) on the wait for a key's turn, raced against the turn: it fires only when a holder runs past it",
  },
  'local-cloud/database/sleeper.ts': {
    count: 3,
    why: "realSleeper and realDeadlines (the defaults tests replace), and a 50 ms bound on VirtualSleeper's wait for work in flight to finish",
  },
  'local-cloud/database/database.ts': {
    count: 1,
    why: 'a plain write re-checks a lock now and then; woken at once by the transaction ending or advanceTransactionClock',
  },
  'local-cloud/runtime/timers.ts': { count: 1, why: 'timer triggers armed to their next firing; tests step them with fake timers' },
};

describe('no test waits on the wall clock', () => {
  it('the functions and the local cloud look the sleeper up by the same name', () => {
    expect(PLATFORM_SYMBOL).toBe(LOCAL_SYMBOL);
  });

  it('tests/ holds no real timer outside the explained list', () => {
    const found = Object.fromEntries(
      sources(path.join(ROOT, 'tests'))
        .map((f) => [path.relative(ROOT, f).split(path.sep).join('/'), count(f)] as const)
        .filter(([f, n]) => n > 0 && f !== SELF),
    );
    expect(found).toEqual(Object.fromEntries(Object.entries(TESTS_ALLOWED).map(([f, a]) => [f, a.count])));
  });

  it('the functions and the local cloud wait only through their seams', () => {
    const found = Object.fromEntries(
      ['cloudfunctions', 'local-cloud', 'shared']
        .flatMap((d) => sources(path.join(ROOT, d)))
        .map((f) => [path.relative(ROOT, f).split(path.sep).join('/'), count(f)] as const)
        .filter(([, n]) => n > 0),
    );
    expect(found).toEqual(Object.fromEntries(Object.entries(CODE_ALLOWED).map(([f, a]) => [f, a.count])));
  });

  it('every entry says why', () => {
    for (const a of [...Object.values(TESTS_ALLOWED), ...Object.values(CODE_ALLOWED)]) expect(a.why.length).toBeGreaterThan(20);
  });

  it('the pattern catches a real wait and passes jest.setTimeout', () => {
    const hits = (s: string) => (s.match(REAL_TIMER) ?? []).length;
    expect(hits('await new Promise((r) => setTimeout(r, 20));')).toBe(1);
    expect(hits("import { setTimeout as wait } from 'node:timers/promises';")).toBe(1);
    expect(hits('await page.waitForTimeout(500);')).toBe(1);
    expect(hits('jest.setTimeout(60_000);')).toBe(0);
    expect(hits("jest.useFakeTimers({ doNotFake: ['setTimeout'] });")).toBe(0);
  });
});
