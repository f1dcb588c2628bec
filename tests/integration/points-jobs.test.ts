import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { runScheduledJob } from '../../cloudfunctions/_lib/jobs';
import type { TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import { pointsKit, type Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';

jest.setTimeout(60_000);

/**
 * The nightly points job on real due lots, with the clock injected (tests/support/clock.ts): T+1
 * maturity on the Shanghai calendar, expiry of what is left after partial spends, idempotent
 * re-runs, and checkpointed chunks that resume from `job_runs`.
 */
describe('points nightly job', () => {
  let cloud: TestCloud;
  // no member day: the figures below do not depend on the weekday
  useJobCloud((opened) => (cloud = opened), { earningRules: { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' } } });

  const { call, ok, register, trigger, order, points, ledger, expectBalanced, identify } = pointsKit(() => cloud);

  it('matures on T+1 of the Shanghai day, expires what is left after spends, and re-runs change nothing', async () => {
    setClock(shanghai('2026-11-23 20:00'));
    const memberId = await register('o-ann');
    expect(points(memberId)).toMatchObject({ available: 100, pending: 0 });

    // paid 23:30 Shanghai on the 23rd (15:30 UTC, the same UTC day): matures on the 24th
    setClock(shanghai('2026-11-23 23:35'));
    const late = await ok('points', order('R1', memberId, 25600, shanghai('2026-11-23 23:30')), 'o-clerk');
    expect(late).toMatchObject({ points: 20, maturesOn: '2026-11-24', held: false });
    // paid 00:30 Shanghai on the 24th (16:30 UTC on the 23rd): a Shanghai day later, matures on the 25th
    setClock(shanghai('2026-11-24 00:35'));
    const early = await ok('points', order('R2', memberId, 30000, shanghai('2026-11-24 00:30')), 'o-clerk');
    expect(early).toMatchObject({ points: 30, maturesOn: '2026-11-25' });
    expect(points(memberId)).toMatchObject({ available: 100, pending: 50, nextEventOn: '2026-11-24' });

    // the merchant runs the job by hand only through the scheduler, for the clock's day: no day can be
    // named (a day ahead would mature and expire early), and the points function has no side door
    const runJob = { action: 'runJob', job: 'points-nightly' };
    expect(await cloud.invoke('scheduler', { ...runJob, today: '2026-11-25' }, { openid: 'o-boss' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(await call({ action: 'nightly' }, 'o-boss')).toMatchObject({ ok: false, code: 'UNKNOWN_ACTION' });
    setClock(shanghai('2026-11-23 23:40'));
    const onThe23rd = await ok('scheduler', runJob, 'o-boss');
    expect(onThe23rd).toMatchObject({ runId: 'points-nightly:20261123', status: 'done', counters: { matured: 0, expired: 0, drifts: [] } });
    expect(cloud.store.get('job_records', 'points-nightly:20261123')!.doc).toMatchObject({ job: 'points-nightly', status: 'done' });
    expect(points(memberId)).toMatchObject({ available: 100, pending: 50 });

    // the timer on the 24th at 02:30: R1 matures, R2 waits
    setClock(shanghai('2026-11-24 02:30'));
    const run24 = await trigger();
    expect(run24).toMatchObject({ runId: 'points-nightly:20261124', day: '2026-11-24', status: 'done', matured: 1, expired: 0, drifts: [] });
    expect(points(memberId)).toMatchObject({ available: 120, pending: 30, nextEventOn: '2026-11-25' });
    expect(
      ledger(memberId)
        .filter((e) => e.kind === 'mature')
        .map((e) => [e._id, e.delta, e.pendingDelta]),
    ).toEqual([['mature:order:pos:store-a:R1:earn', 20, -20]]);
    expectBalanced(memberId);

    // a second run the same day changes nothing: the checkpoint says done, and even without it nothing is due
    const entries = ledger().length;
    const before = JSON.stringify(points(memberId));
    expect(await trigger()).toMatchObject({ status: 'done', matured: 1 });
    cloud.store.remove('job_runs', 'points-nightly:20261124');
    expect(await trigger()).toMatchObject({ status: 'done', matured: 0, expired: 0 });
    expect(ledger()).toHaveLength(entries);
    expect(points(memberId)).toMatchObject({ available: 120, pending: 30 });
    expect(JSON.parse(before)).toMatchObject({ lots: points(memberId).lots, pendingLots: points(memberId).pendingLots });

    setClock(shanghai('2026-11-25 02:30'));
    expect(await trigger()).toMatchObject({ matured: 1, expired: 0 });
    expect(points(memberId)).toMatchObject({ available: 150, pending: 0 });

    // spend 50: the lots that expire first go first (R1 and the registration bonus, both earned on the 23rd)
    setClock(shanghai('2026-11-26 12:00'));
    await identify(memberId, 'o-clerk');
    await ok('points', { action: 'redeemPoints', memberId, amount: 50, requestId: 'redeem-0001', reason: '积分抵现' }, 'o-clerk');
    const lots = points(memberId).lots as { id: string; remaining: number; expiresOn: string }[];
    const dueOn23 = lots.filter((l) => l.expiresOn === '2027-11-23');
    const leftOn23 = dueOn23.reduce((s, l) => s + l.remaining, 0);
    expect(leftOn23).toBe(120 - 50); // partially spent
    expect(lots.find((l) => l.id === 'order:pos:store-a:R2:earn')).toMatchObject({ remaining: 30, expiresOn: '2027-11-24' });

    // the day before expiry: nothing expires
    setClock(shanghai('2027-11-22 02:30'));
    expect(await trigger()).toMatchObject({ expired: 0 });
    expect(points(memberId).available).toBe(100);

    // on the expiry date: exactly what is left of each lot goes, one entry per lot
    setClock(shanghai('2027-11-23 02:30'));
    const run = await trigger();
    expect(run).toMatchObject({ status: 'done', expired: dueOn23.length, drifts: [] });
    const expired = ledger(memberId).filter((e) => e.kind === 'expire');
    expect(expired.map((e) => [e._id, e.delta]).sort()).toEqual(dueOn23.map((l) => [`expire:${l.id}`, -l.remaining]).sort());
    expect(expired.reduce((s, e) => s + e.delta, 0)).toBe(-70);
    expect(points(memberId)).toMatchObject({
      available: 30,
      pending: 0,
      lots: [{ id: 'order:pos:store-a:R2:earn', remaining: 30 }],
      nextEventOn: '2027-11-24',
    });
    expectBalanced(memberId);
    // idempotent again
    cloud.store.remove('job_runs', 'points-nightly:20271123');
    expect(await trigger()).toMatchObject({ expired: 0, matured: 0 });
    expect(ledger(memberId).filter((e) => e.kind === 'expire')).toHaveLength(dueOn23.length);

    setClock(shanghai('2027-11-24 02:30'));
    expect(await trigger()).toMatchObject({ expired: 1 });
    expect(points(memberId)).toMatchObject({ available: 0, pending: 0, lots: [], nextEventOn: null });
    expectBalanced(memberId);
    expect(await ok('points', { action: 'reconcile' }, 'o-boss')).toMatchObject({ drifts: [] });
  });

  it('works in checkpointed chunks and resumes from job_runs', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const members: string[] = [];
    for (let i = 0; i < 7; i += 1) members.push(await register(`o-chunk-${i}`));
    for (const [i, memberId] of members.entries()) await ok('points', order(`C${i}`, memberId, 10000 * (i + 1), shanghai('2026-11-23 11:00')), 'o-clerk');

    setClock(shanghai('2026-11-24 02:30'));
    // chunks of 2, and a clock that steps 1 s per reading against a 3.5 s budget: the run stops early
    let t = 0;
    const report = await runScheduledJob('points-nightly', new Date(), { chunkSize: 2, budgetMs: 3500, clock: () => (t += 1000) });
    const first = { ...(report.counters as Any), status: report.status };
    expect(first.status).toBe('running');
    expect(first.settled).toBeGreaterThan(0);
    expect(first.settled).toBeLessThan(7);
    expect(first.chunks).toBe(first.settled / 2);
    const checkpoint = cloud.store.get('job_runs', 'points-nightly:20261124')!.doc as Any;
    expect(checkpoint).toMatchObject({ job: 'points-nightly', status: 'running', settled: first.settled, matured: first.settled, chunks: first.chunks });
    const stillPending = members.filter((m) => points(m).pending > 0);
    expect(stillPending).toHaveLength(7 - first.settled);

    // the next trigger of the day continues from the checkpoint and finishes
    const second = await trigger();
    expect(second).toMatchObject({ runId: 'points-nightly:20261124', status: 'done', settled: 7, matured: 7, drifts: [] });
    expect(second.chunks).toBeGreaterThan(first.chunks);
    expect(cloud.store.get('job_runs', 'points-nightly:20261124')!.doc).toMatchObject({ status: 'done', settled: 7, matured: 7 });
    for (const [i, memberId] of members.entries()) {
      expect(points(memberId)).toMatchObject({ available: 100 + 10 * (i + 1), pending: 0 });
      expect(ledger(memberId).filter((e) => e.kind === 'mature')).toHaveLength(1);
      expectBalanced(memberId);
    }
  });

  it('keeps going past a member it cannot settle, and reindexes a stale nextEventOn', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const a = await register('o-a');
    const b = await register('o-b');
    const c = await register('o-c');
    await ok('points', order('A1', a, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    await ok('points', order('B1', b, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    // a: its maturity entry already exists although the lot is still pending (state and ledger disagree)
    cloud.store.insert('ledger', {
      _id: 'mature:order:pos:store-a:A1:earn',
      memberId: 'nobody',
      kind: 'mature',
      delta: 0,
      pendingDelta: 0,
      reason: 'x',
      ref: { type: 'lot', id: 'x' },
      balanceAfter: 0,
      pendingAfter: 0,
      createdAt: new Date(),
    });
    // c: a stale index with nothing due
    const cDoc = cloud.store.get('members', c)!.doc as Any;
    cloud.store.replace('members', { ...cDoc, points: { ...cDoc.points, nextEventOn: '2026-11-20' } });

    setClock(shanghai('2026-11-24 02:30'));
    const run = await trigger();
    expect(run).toMatchObject({ status: 'done', matured: 1, failures: [{ memberId: a }] });
    expect(points(b)).toMatchObject({ available: 110, pending: 0 });
    expect(points(a)).toMatchObject({ available: 100, pending: 10 });
    expect(points(c).nextEventOn).toBe('2027-11-23');
  });
});
