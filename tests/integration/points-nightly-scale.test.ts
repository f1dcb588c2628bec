import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { withCapturedLogs, type TestCloud } from '../support/local-cloud';
import { setClock, shanghai } from '../support/clock';
import { pointsKit, type Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';

jest.setTimeout(60_000);

/**
 * The nightly job's scaling parts: a settle cursor that walks the due index forward across several
 * due days, and reconciliation from a verified checkpoint per member (only the entries after it
 * are summed), which still catches drift after the checkpoint and entries that arrive below it.
 */
describe('points nightly job at scale', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened), { earningRules: { ...DEFAULT_EARNING_RULES, memberDay: { kind: 'none' } } });

  const { ok, register, trigger, order, points, ledger } = pointsKit(() => cloud);
  /** The member's verified checkpoint: kept in the member document, moved with the due flag's clearing. */
  const checkpoint = (memberId: string) => (cloud.store.get('members', memberId)?.doc as Any).ledgerCheckpoint;
  /** How many ledger documents the database read for aggregates during `fn` (rows the store decoded). */
  const aggregatesDuring = async (fn: () => Promise<unknown>) => {
    const before = cloud.database.requestCounts.get('database.aggregateDocuments') ?? 0;
    await fn();
    return (cloud.database.requestCounts.get('database.aggregateDocuments') ?? 0) - before;
  };

  it('settles members due on different days in one walk of the index, in chunks, none twice', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const members: string[] = [];
    for (let i = 0; i < 9; i += 1) members.push(await register(`o-walk-${i}`));
    for (const [i, memberId] of members.entries()) await ok('points', order(`W${i}`, memberId, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    // three due days (the 20th, 22nd and 24th), three members each
    for (const [i, memberId] of members.entries()) {
      const doc = cloud.store.get('members', memberId)!.doc as Any;
      const day = ['2026-11-20', '2026-11-22', '2026-11-24'][i % 3];
      cloud.store.replace('members', {
        ...doc,
        points: { ...doc.points, nextEventOn: day, pendingLots: doc.points.pendingLots.map((l: Any) => ({ ...l, maturesOn: day })) },
      });
    }
    setClock(shanghai('2026-11-24 02:30'));
    const { runScheduledJob } = await import('../../cloudfunctions/_lib/jobs');
    const run = await runScheduledJob('points-nightly', new Date(), { chunkSize: 2 });
    expect(run).toMatchObject({ status: 'done', counters: { day: '2026-11-24', settled: 9, matured: 9, reconciled: 9, drifts: [] } });
    for (const m of members) expect(points(m)).toMatchObject({ available: 110, pending: 0 });
    expect(ledger().filter((e) => e.kind === 'mature')).toHaveLength(9);
  });

  it('reconciles from a verified checkpoint: only later entries are summed, drift after it and entries below it are still found', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const a = await register('o-cp-a');
    const b = await register('o-cp-b');
    await ok('points', order('A1', a, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    await ok('points', order('B1', b, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');

    // night 1: no checkpoint yet, every entry is summed once, then the checkpoint is written
    setClock(shanghai('2026-11-24 02:30'));
    expect(await trigger()).toMatchObject({ status: 'done', reconciled: 2, drifts: [] });
    const cpA = checkpoint(a);
    // register and earn; the maturity written by this very run is after the checkpoint's lag
    expect(cpA).toMatchObject({ entries: 2, delta: 100, pending: 10 });
    expect(cpA.through.getTime()).toBe(new Date(shanghai('2026-11-24 01:30')).getTime());

    // day 2: a spends; night 2 sums only the entries after the checkpoint and moves it
    setClock(shanghai('2026-11-24 12:00'));
    await ok('points', { action: 'adjustPoints', memberId: a, delta: -30, reason: '测试调整', requestId: 'adj-a-0001' }, 'o-boss');
    setClock(shanghai('2026-11-25 02:30'));
    const aggregates = await aggregatesDuring(async () => expect(await trigger()).toMatchObject({ status: 'done', reconciled: 1, drifts: [] }));
    expect(aggregates).toBe(1); // one member due, one aggregate over its new entries
    expect(checkpoint(a)).toMatchObject({ entries: 4, delta: 80 });
    expect(checkpoint(b)).toMatchObject({ entries: 2 }); // b had nothing new and was not due

    // an entry after a's checkpoint that the balance does not explain: drift
    setClock(shanghai('2026-11-25 12:00'));
    cloud.store.insert('ledger', {
      _id: 'planted:after',
      memberId: a,
      kind: 'adjust',
      delta: 5,
      pendingDelta: 0,
      reason: 'x',
      ref: { type: 'x', id: 'x' },
      balanceAfter: 0,
      pendingAfter: 0,
      createdAt: new Date(shanghai('2026-11-25 11:00')),
    });
    const doc = cloud.store.get('members', a)!.doc as Any;
    cloud.store.replace('members', { ...doc, points: { ...doc.points, reconcileDue: true } });
    setClock(shanghai('2026-11-26 02:30'));
    const night3 = await trigger();
    expect(night3.drifts).toEqual([{ memberId: a, seq: doc.points.seq, problems: ['ledger Σ delta 85 ≠ available 80'] }]);
    expect(checkpoint(a)).toMatchObject({ entries: 4, delta: 80 }); // a checkpoint moves only when proven

    // an entry that arrived below b's checkpoint (its count no longer holds): everything is summed again
    cloud.store.insert('ledger', {
      _id: 'planted:below',
      memberId: b,
      kind: 'adjust',
      delta: 7,
      pendingDelta: 0,
      reason: 'x',
      ref: { type: 'x', id: 'x' },
      balanceAfter: 0,
      pendingAfter: 0,
      createdAt: new Date(shanghai('2026-11-23 09:00')),
    });
    const docB = cloud.store.get('members', b)!.doc as Any;
    cloud.store.replace('members', { ...docB, points: { ...docB.points, reconcileDue: true } });
    setClock(shanghai('2026-11-27 02:30'));
    const { result: night4, logs } = await withCapturedLogs(() => trigger());
    // the drift is found and reported; the checkpoint that no longer holds is said so in the log
    expect(logs.map((l) => `${l.level} ${l.message}`)).toEqual([expect.stringMatching(/^warn \[points-nightly\] checkpoint of .* no longer holds/)]);
    expect(night4.drifts).toEqual([{ memberId: b, seq: docB.points.seq, problems: ['ledger Σ delta 117 ≠ available 110'] }]);
  });
  it('settles and reconciles a due member in one write, and still records drift the settle cannot prove', async () => {
    setClock(shanghai('2026-11-23 12:00'));
    const a = await register('o-one-a');
    const b = await register('o-one-b');
    await ok('points', order('O1', a, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    await ok('points', order('O2', b, 10000, shanghai('2026-11-23 11:00')), 'o-clerk');
    // b: an entry its balance does not explain
    cloud.store.insert('ledger', {
      _id: 'planted:b',
      memberId: b,
      kind: 'adjust',
      delta: 3,
      pendingDelta: 0,
      reason: 'x',
      ref: { type: 'x', id: 'x' },
      balanceAfter: 0,
      pendingAfter: 0,
      createdAt: new Date(shanghai('2026-11-23 11:30')),
    });
    setClock(shanghai('2026-11-24 02:30'));
    const run = await trigger();
    expect(run).toMatchObject({ status: 'done', settled: 2, matured: 2, reconciled: 2 });
    expect(run.drifts).toEqual([{ memberId: b, seq: (points(b) as Any).seq, problems: ['ledger Σ delta 113 ≠ available 110'] }]);
    // a: proven in its settle transaction (no flag left, the checkpoint moved); b: proven apart, flag cleared after the drift was recorded
    expect(points(a)).toMatchObject({ available: 110, pending: 0, reconcileDue: false });
    expect(checkpoint(a)).toMatchObject({ entries: 2, delta: 100, pending: 10 });
    expect(points(b)).toMatchObject({ available: 110, reconcileDue: false });
    expect(checkpoint(b)).toBeUndefined();
    expect(cloud.store.get('points_drift', `drift:${b}:${(points(b) as Any).seq}`)).toBeDefined();
  });
});
