import { CONFLICT_BUDGET_MS, withRetry } from '../../cloudfunctions/_lib/platform/db';
import { KeyedQueue } from '../../cloudfunctions/_lib/platform/keyed-queue';
import { seededRandom } from '../../local-cloud/database';

// The exact shapes wx-server-sdk 4.0.2 throws for a backend conflict and for a timeout.
const conflict = { errCode: -501001, errMsg: 'document.update:fail -501001 resource system error. Transaction is conflict' };
const timeout = { errCode: -501001, errMsg: 'fail -501001 resource system error. ESOCKETTIMEDOUT' };

/** A clock that moves only when told: attempts and waits take exactly the time the test says. */
function steppingClock() {
  const c = {
    now: 0,
    waits: [] as number[],
    clock: () => c.now,
    sleep: async (ms: number) => {
      c.waits.push(ms);
      c.now += ms;
    },
  };
  return c;
}

describe('withRetry: conflicts by a time budget, transient faults by a count', () => {
  it('retries conflicts until the budget from the first attempt is spent, however many attempts that takes, then answers CONFLICT', async () => {
    const c = steppingClock();
    const starts: number[] = [];
    const e = await withRetry(
      async () => {
        starts.push(c.now);
        c.now += 30; // each attempt runs 30 ms and conflicts
        throw conflict;
      },
      { attempts: 3, conflictBudgetMs: 2_000, clock: c.clock, sleep: c.sleep, random: seededRandom(7) },
    ).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'CONFLICT' });
    // not bounded by `attempts` (transient faults only)
    expect(starts.length).toBeGreaterThan(3);
    // every attempt started within the budget; the last one ended past it, and nothing ran after
    expect(starts.every((t) => t <= 2_000)).toBe(true);
    expect(starts[starts.length - 1] + 30).toBeGreaterThanOrEqual(2_000);
    expect(c.now).toBe(starts[starts.length - 1] + 30);
  });

  it('waits with decorrelated jitter: between the base and 400 ms, never past the deadline, and not in step', async () => {
    const runWith = async (seed: number) => {
      const c = steppingClock();
      await withRetry(
        async () => {
          c.now += 5;
          throw conflict;
        },
        { conflictBudgetMs: 5_000, clock: c.clock, sleep: c.sleep, random: seededRandom(seed) },
      ).catch(() => undefined);
      return c.waits;
    };
    const a = await runWith(1);
    const b = await runWith(2);
    const inside = a.slice(0, -1); // the last wait may be cut short by the deadline
    expect(inside.every((ms) => ms >= 20 && ms <= 400)).toBe(true);
    expect(Math.max(...a)).toBeGreaterThan(100); // it backs off beyond the first waits
    expect(a.reduce((s, ms) => s + ms, 0) + a.length * 5).toBeLessThanOrEqual(5_000 + 5);
    // two contenders that collided at the same instant do not retry at the same instants
    expect(a.slice(0, 5)).not.toEqual(b.slice(0, 5));
  });

  it('the default budget is the documented 2.5 s', async () => {
    const c = steppingClock();
    let runs = 0;
    await expect(
      withRetry(
        async () => {
          runs += 1;
          c.now += 10;
          throw conflict;
        },
        { clock: c.clock, sleep: c.sleep, random: () => 0.5 },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(CONFLICT_BUDGET_MS).toBe(2_500);
    expect(c.now).toBeGreaterThanOrEqual(2_500);
    expect(c.now).toBeLessThan(2_500 + 10 + 400);
    expect(runs).toBeGreaterThan(6);
  });

  it('a conflict that clears is answered by the work, with the waits it took', async () => {
    const c = steppingClock();
    let runs = 0;
    const out = await withRetry(async () => (++runs < 4 ? Promise.reject(conflict) : 'done'), { clock: c.clock, sleep: c.sleep });
    expect(out).toBe('done');
    expect(runs).toBe(4);
    expect(c.waits).toHaveLength(3);
  });

  it('transient faults stay bounded by `attempts` (the platform is unwell: not worth 2.5 s of trying)', async () => {
    const c = steppingClock();
    let runs = 0;
    await expect(
      withRetry(
        async () => {
          runs += 1;
          throw timeout;
        },
        { attempts: 4, clock: c.clock, sleep: c.sleep },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(runs).toBe(4);
  });

  it('conflicts do not use up the transient attempts (they count in a row), and transient faults do not stop the conflict budget', async () => {
    const c = steppingClock();
    let runs = 0;
    // 6 transient faults in all, never 3 in a row: a conflict between them shows the database answering
    const script = [timeout, timeout, conflict, timeout, conflict, conflict, timeout, timeout, conflict, timeout];
    const out = await withRetry(
      async () => {
        const failure = script[runs];
        runs += 1;
        if (failure) throw failure;
        return 'done';
      },
      { attempts: 3, clock: c.clock, sleep: c.sleep },
    );
    expect(out).toBe('done');
    expect(runs).toBe(11);
    // 3 in a row after a conflict: the platform is unwell, the answer is CONFLICT
    runs = 0;
    const unwell = [conflict, timeout, timeout, timeout];
    await expect(
      withRetry(
        async () => {
          const failure = unwell[runs];
          runs += 1;
          if (failure) throw failure;
          return 'done';
        },
        { attempts: 3, clock: c.clock, sleep: c.sleep },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(runs).toBe(4);
  });

  it('a read (`retryConflicts: false`) does not retry a conflict', async () => {
    let runs = 0;
    await expect(
      withRetry(
        async () => {
          runs += 1;
          throw conflict;
        },
        { retryConflicts: false },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(runs).toBe(1);
  });
});

/** A promise and its resolver, to hold work open until the test lets it finish. */
function gate() {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Lets every pending promise callback run (several turns of the microtask queue and one macrotask). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('KeyedQueue: one key, one at a time', () => {
  it('runs work on one key one at a time, in arrival order; other keys run alongside', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const job = (key: string, name: string) =>
      q.run(key, async () => {
        running += 1;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await settle();
        await settle();
        log.push(`end ${name}`);
        running -= 1;
        return name;
      });
    const out = await Promise.all([job('m1', 'a'), job('m1', 'b'), job('m2', 'x'), job('m1', 'c')]);
    expect(out).toEqual(['a', 'b', 'x', 'c']);
    const m1 = log.filter((l) => /[abc]$/.test(l));
    expect(m1).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    // x (another key) started before a ended: keys do not wait for each other
    expect(log.indexOf('start x')).toBeLessThan(log.indexOf('end a'));
    expect(most).toBe(2);
    expect(q.size).toBe(0);
  });

  it('a failure is its caller’s alone: the next work runs, the key is released', async () => {
    const q = new KeyedQueue();
    const first = q.run('m1', async () => {
      await settle();
      throw new Error('first failed');
    });
    const second = q.run('m1', async () => 'second ran');
    const third = q.run('m1', () => Promise.reject(new Error('third failed')));
    const fourth = q.run('m1', async () => 'fourth ran');
    await expect(first).rejects.toThrow('first failed');
    await expect(second).resolves.toBe('second ran');
    await expect(third).rejects.toThrow('third failed');
    await expect(fourth).resolves.toBe('fourth ran');
    expect(q.size).toBe(0);
  });

  it('no starvation: a steady stream of later arrivals never overtakes an earlier waiter', async () => {
    const q = new KeyedQueue();
    const order: number[] = [];
    const all: Promise<void>[] = [];
    const enqueue = (n: number): void => {
      all.push(
        q.run('hot', async () => {
          order.push(n);
          await settle();
        }),
      );
    };
    for (let i = 0; i < 5; i += 1) enqueue(i);
    // more arrivals keep coming while the first ones wait and run
    for (let k = 0; k < 10; k += 1) {
      await settle();
      enqueue(100 + k);
    }
    await Promise.all(all);
    expect(order).toEqual([0, 1, 2, 3, 4, ...Array.from({ length: 10 }, (_, k) => 100 + k)]);
    expect(q.size).toBe(0);
  });

  it('holds no key after thousands of keys came and went (no leak)', async () => {
    const q = new KeyedQueue();
    await Promise.all(
      Array.from({ length: 5_000 }, (_, i) => q.run(`member:${i % 1_000}`, async () => (i % 7 === 0 ? Promise.reject(new Error('x')) : i)).catch(() => -1)),
    );
    expect(q.size).toBe(0);
  });

  it('bounded wait: a waiter goes ahead when its wait, counted from its arrival, is spent; the next one then waits for it', async () => {
    jest.useFakeTimers();
    try {
      const q = new KeyedQueue();
      const stuck = gate();
      const log: string[] = [];
      const first = q.run('m1', async () => {
        log.push('first started');
        await stuck.opened;
        log.push('first ended');
      });
      const second = gate();
      const secondRun = q.run(
        'm1',
        async () => {
          log.push('second started');
          await second.opened;
        },
        1_000,
      );
      await jest.advanceTimersByTimeAsync(500);
      // arrives 500 ms later with the same bound: its wait ends at 1.5 s, after the second has gone ahead
      const thirdRun = q.run('m1', async () => void log.push('third started'), 1_000);
      await jest.advanceTimersByTimeAsync(499);
      expect(log).toEqual(['first started']);
      await jest.advanceTimersByTimeAsync(1);
      expect(log).toEqual(['first started', 'second started']);
      // the third waits for the second (not for the stuck first): it goes when the second ends
      await jest.advanceTimersByTimeAsync(200);
      expect(log).toEqual(['first started', 'second started']);
      second.open();
      await secondRun;
      await thirdRun;
      expect(log).toEqual(['first started', 'second started', 'third started']);
      expect(q.size).toBe(1); // the stuck one still runs: its key stays until it ends
      stuck.open();
      await first;
      expect(log).toContain('first ended');
      expect(q.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('is re-entrant: work holding a key that runs more work on it does not wait for itself', async () => {
    jest.useFakeTimers();
    try {
      const q = new KeyedQueue();
      let inner = false;
      const outer = q.run('m1', async () => {
        await q.run('m1', async () => {
          inner = true;
        });
        return 'outer done';
      });
      // no timer advanced: a wait for its own turn would hang here until the hold expired
      await expect(outer).resolves.toBe('outer done');
      expect(inner).toBe(true);
      expect(q.size).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
