import type { AddressInfo } from 'node:net';
import { createServer } from '../../local-cloud/server';
import { checkFunctionConfig, listFunctions, readFunctionConfig } from '../../local-cloud/runtime';
import { JOB_NAMES } from '../../shared/schedule';
import { RUNNERS } from '../../cloudfunctions/_lib/jobs/scheduler';
import { invoke, type TestCloud } from '../support/local-cloud';
import { advanceClock, setClock, shanghai } from '../support/clock';
import { pointsKit, type Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';
import type { Result } from '../../shared/envelope';

describe('one scheduler for every job', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));
  const { ok, register, order } = pointsKit(() => cloud);
  const tick = async () => {
    const r = (await cloud.trigger('scheduler', 'tick')) as Result<Any>;
    if (!r.ok) throw new Error(`tick: ${r.code} ${r.message}`);
    return r.data as { ran: Any[]; deferred: string[] };
  };

  it('has one timer trigger in the whole project, the scheduler’s; the local cloud refuses more than one per function', () => {
    const triggers = listFunctions().flatMap((f) => (readFunctionConfig(f).triggers ?? []).map((t) => `${f}/${t.name}`));
    expect(triggers).toEqual(['scheduler/tick']);
    expect(() =>
      checkFunctionConfig('x', {
        triggers: [
          { name: 'a', type: 'timer', config: '0 0 2 * * * *' },
          { name: 'b', type: 'timer', config: '0 0 3 * * * *' },
        ],
      }),
    ).toThrow(/allows one/);
  });

  it('runs each job when its own cron instant has passed, once per instant', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const memberId = await register('o-sched');
    await ok('points', order('S1', memberId, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');

    // 01:55 on the 24th: the nightly job (02:00) last ran for nothing, so yesterday's 02:00 is due once;
    // every other job's latest instant too (a first deployment catches up once)
    setClock(shanghai('2026-11-24 01:55'));
    const first = await tick();
    expect(first.ran.map((r) => [r.job, r.status]).sort()).toEqual([...JOB_NAMES].sort().map((j) => [j, 'done']));
    // 01:55 is already the 24th in Shanghai: the occurrence of the 24th, in which the lot matures
    expect(first.ran.find((r) => r.job === 'points-nightly')).toMatchObject({ runId: 'points-nightly:20261124', counters: { matured: 1 } });
    expect((cloud.store.get('members', memberId)!.doc as Any).points).toMatchObject({ available: 110, pending: 0 });
    advanceClock(5 * 60_000); // 02:00: the nightly instant
    const second = await tick();
    expect(second.ran.map((r) => r.job)).toEqual(['points-nightly']);
    // the occurrence was already done: nothing more
    expect(second.ran[0]).toMatchObject({ status: 'done', counters: { matured: 1 } });
    expect(cloud.store.scan('ledger').filter((e) => (e.doc as Any).kind === 'mature')).toHaveLength(1);
    advanceClock(5 * 60_000);
    expect((await tick()).ran).toEqual([]);
    // 04:00: the tier review's instant, and the CRM jobs' (03:00, 03:30) passed since
    setClock(shanghai('2026-11-24 04:00'));
    expect((await tick()).ran.map((r) => r.job)).toEqual(['tier-review', 'rfm-scores', 'member-tags']);
    expect((await tick()).ran).toEqual([]);
  });

  it('continues an unfinished run at the next firings until it is done', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const members: string[] = [];
    for (let i = 0; i < 4; i += 1) members.push(await register(`o-cont-${i}`));
    for (const [i, m] of members.entries()) await ok('points', order(`K${i}`, m, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    setClock(shanghai('2026-11-24 02:01'));
    // a job that ran out of its budget leaves its occurrence running: simulate by a stored running checkpoint
    cloud.store.insert('job_runs', {
      _id: 'points-nightly:20261124',
      job: 'points-nightly',
      status: 'running',
      step: 0,
      cursor: null,
      chunks: 1,
      day: '2026-11-24',
      settled: 0,
      matured: 0,
      expired: 0,
      reconciled: 0,
      drifts: [],
      purgedNonces: 0,
    });
    cloud.store.insert('job_schedule', {
      _id: 'points-nightly',
      leaseHolder: null,
      leaseUntil: null,
      lastSlot: new Date(shanghai('2026-11-24 02:00')),
      lastRunId: 'points-nightly:20261124',
      lastStatus: 'running',
      lastFinishedAt: null,
    });
    const run = await tick();
    expect(run.ran.find((r) => r.job === 'points-nightly')).toMatchObject({ status: 'done', counters: { matured: 4 } });
    expect(cloud.store.get('job_schedule', 'points-nightly')!.doc).toMatchObject({ lastStatus: 'done', leaseHolder: null });
  });

  it('holds a lease per job: an overlapping run answers busy, an expired lease is taken over', async () => {
    setClock(shanghai('2026-11-24 02:01'));
    // a run in progress (held at a gate inside the job) holds the lease: a second run is busy
    const original = RUNNERS['points-nightly'];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    RUNNERS['points-nightly'] = async (now, options) => {
      await gate;
      return original(now, options);
    };
    try {
      const first = cloud.runJob('points-nightly');
      while (!(cloud.store.get('job_schedule', 'points-nightly')?.doc as Any)?.leaseHolder) await new Promise((r) => setImmediate(r));
      expect(await cloud.runJob('points-nightly')).toMatchObject({ ok: true, data: { status: 'busy', runId: null } });
      open();
      expect(await first).toMatchObject({ ok: true, data: { status: 'done', runId: 'points-nightly:20261124' } });
    } finally {
      RUNNERS['points-nightly'] = original;
    }
    expect(cloud.store.get('job_schedule', 'points-nightly')!.doc).toMatchObject({ leaseHolder: null, lastStatus: 'done' });
    // a crashed holder's lease: refused until it expires
    cloud.store.insert('job_schedule', {
      _id: 'tier-review',
      leaseHolder: 'crashed',
      leaseUntil: new Date(Date.now() + 60_000),
      lastSlot: null,
      lastRunId: null,
      lastStatus: null,
      lastFinishedAt: null,
    });
    expect(await cloud.runJob('tier-review')).toMatchObject({ ok: true, data: { status: 'busy', runId: null } });
    advanceClock(61_000);
    expect(await cloud.runJob('tier-review')).toMatchObject({ ok: true, data: { status: 'done', runId: 'tier-review:20261124' } });
  });

  it('knows a timer from the invocation context only, and lets only the platform or the merchant run jobs', async () => {
    setClock(shanghai('2026-11-24 02:01'));
    await register('o-consumer');
    const asClient = (data: Record<string, unknown>, openid: string) => cloud.invoke('scheduler', data, { openid }) as Promise<Result<Any>>;
    expect(await asClient({ Type: 'Timer', TriggerName: 'tick', Time: new Date().toISOString() }, 'o-consumer')).toMatchObject({
      ok: false,
      code: 'UNKNOWN_ACTION',
    });
    expect(await asClient({ action: 'tick' }, 'o-boss')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await asClient({ action: 'runJob', job: 'points-nightly' }, 'o-consumer')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await asClient({ action: 'runJob', job: 'nope' }, 'o-boss')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await asClient({ action: 'runJob', job: 'points-nightly' }, 'o-boss')).toMatchObject({ ok: true, data: { status: 'done' } });
    // the merchant reads the run records
    const runs = await invoke(cloud, 'marketing', 'listJobRuns', {}, 'o-boss');
    expect(runs).toMatchObject({
      ok: true,
      data: [{ runId: 'points-nightly:20261124', job: 'points-nightly', status: 'done', invocations: 1, processed: 1, skipped: 0, errors: 0 }],
    });
    expect(runs.ok && runs.data[0].finishedAt).toBeTruthy();
    expect(await invoke(cloud, 'marketing', 'listJobRuns', {}, 'o-consumer')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
  });

  it('answers GET /api/jobs and POST /api/jobs/<job>/run to a merchant session only', async () => {
    const server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/api/jobs`)).status).toBe(401);
      expect((await fetch(`${base}/api/jobs/points-nightly/run`, { method: 'POST' })).status).toBe(401);
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'consumer' }),
      });
      const consumer = login.headers.get('set-cookie')!.split(';')[0];
      expect((await fetch(`${base}/api/jobs/points-nightly/run`, { method: 'POST', headers: { cookie: consumer } })).status).toBe(403);
      const boss = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'merchant' }),
      });
      const cookie = boss.headers.get('set-cookie')!.split(';')[0];
      const run = await fetch(`${base}/api/jobs/points-nightly/run`, { method: 'POST', headers: { cookie } });
      expect(await run.json()).toMatchObject({ ok: true, data: { job: 'points-nightly', status: 'done' } });
      expect((await fetch(`${base}/api/jobs/ghost/run`, { method: 'POST', headers: { cookie } })).status).toBe(404);
      const list = (await (await fetch(`${base}/api/jobs`, { headers: { cookie } })).json()) as { data: Any[] };
      expect(list.data.map((j) => j.job)).toEqual(JOB_NAMES);
      expect(list.data.find((j) => j.job === 'points-nightly')).toMatchObject({ cron: '0 0 2 * * * *', lastRun: { status: 'done' } });
      expect(list.data.every((j) => typeof j.nextAt === 'string')).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
