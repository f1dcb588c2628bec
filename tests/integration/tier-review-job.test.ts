import { runScheduledJob } from '../../cloudfunctions/_lib/jobs';
import type { JobReport } from '../../shared/contracts/scheduler';
import type { TestCloud } from '../support/local-cloud';
import { orderFixture } from '../support/fixtures';
import { setClock, shanghai } from '../support/clock';
import { pointsKit, type Any } from '../support/points-kit';
import { useJobCloud } from '../support/engagement-kit';
import type { Result } from '../../shared/envelope';

jest.setTimeout(60_000);

const DAY = 24 * 3600 * 1000;

/**
 * The tier review on the job runner (cloudfunctions/_lib/platform/job-runner.ts): it finds its members by the
 * indexed `tierReviewDueOn <= today` that the tier engine keeps, reads no one else, checkpoints in
 * `job_runs/tier-review:<yyyymmdd>` and resumes from there; members written before the field existed
 * are found once by the one-time backfill.
 */
describe('tier review job', () => {
  let cloud: TestCloud;
  useJobCloud((opened) => (cloud = opened));

  const { ok, register, order } = pointsKit(() => cloud);
  const member = (id: string) => cloud.store.get('members', id)!.doc as Any;
  /** A scheduler report as the review's run: its counters (the occurrence's, cumulative), runId, and done. */
  const asRun = (report: JobReport): Any => ({ ...report.counters, runId: report.runId, done: report.status === 'done' });
  const review = async (): Promise<Any> => {
    // the merchant's run by hand: through the scheduler (its lease and run record), as every run is
    const r = (await cloud.invoke('scheduler', { action: 'runJob', job: 'tier-review' }, { openid: 'o-boss' })) as Result<JobReport>;
    if (!r.ok) throw new Error(`tier-review: ${r.code} ${r.message}`);
    return asRun(r.data);
  };
  /** Sets tier fields on a registered member as an earlier month's engine would have left them. */
  const place = (id: string, fields: Record<string, unknown>) => cloud.store.replace('members', { ...member(id), ...fields });
  const backfillDone = () =>
    cloud.store.insert('job_runs', {
      _id: 'tier-review-backfill:v1',
      job: 'tier-review-backfill',
      status: 'done',
      step: 1,
      cursor: null,
      chunks: 0,
      scanned: 0,
      set: 0,
      updatedAt: new Date(),
    });
  /** The member documents the database hands out (queries and doc reads), by id, from now on. */
  const watchMemberReads = () => {
    const read: string[] = [];
    const handle = cloud.database.handle.bind(cloud.database);
    jest.spyOn(cloud.database, 'handle').mockImplementation(async (action, params) => {
      const res = await handle(action, params);
      if (action === 'database.getDocument' && (params as Any)?.collectionName === 'members') {
        // documents travel as EJSON text
        for (const d of ((res as Any).data?.list ?? []) as Any[]) read.push(String((typeof d === 'string' ? JSON.parse(d) : d)._id));
      }
      return res;
    });
    return read;
  };

  it('the tier engine keeps tierReviewDueOn: set on an upgrade, moved on by the review, cleared on deletion', async () => {
    setClock(shanghai('2026-03-10 12:00'));
    const id = await register('o-up');
    expect(member(id).tierReviewDueOn ?? null).toBeNull(); // base tier, no growth: nothing to review
    await ok('points', order('U1', id, 120000), 'o-clerk');
    expect(member(id)).toMatchObject({ tierId: 'silver', tierReviewDueOn: '2026-03-01' }); // not reviewed this month yet

    setClock(shanghai('2026-03-11 03:00'));
    expect(await review()).toMatchObject({ runId: 'tier-review:20260311', period: '2026-03', reviewed: 1, done: true });
    expect(member(id)).toMatchObject({ tierId: 'silver', lastReviewPeriod: '2026-03', tierReviewDueOn: '2026-04-01' });
    // another purchase this month keeps the next due day
    await ok('points', order('U2', id, 1000), 'o-clerk');
    expect(member(id).tierReviewDueOn).toBe('2026-04-01');

    await ok('member', { action: 'deleteAccount', confirm: 'DELETE' }, 'o-up');
    expect(member(id)).toMatchObject({ tierId: 'normal', growth: 0, tierReviewDueOn: null });
  });

  it('reads only the members that are due, and a second run of the day reads none', async () => {
    setClock(shanghai('2026-03-02 03:00'));
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push(await register(`o-m${i}`));
    const [due1, due2, due3, reviewed, base1, base2, base3] = ids;
    const lastMonth = { tierSince: new Date('2025-06-01T00:00:00Z'), lastReviewPeriod: '2026-02', tierReviewDueOn: '2026-03-01' };
    place(due1, { tierId: 'gold', growth: 6000, ...lastMonth });
    place(due2, { tierId: 'silver', growth: 1500, ...lastMonth });
    place(due3, { tierId: 'normal', growth: 300, ...lastMonth });
    place(reviewed, { tierId: 'gold', growth: 6000, lastReviewPeriod: '2026-03', tierReviewDueOn: '2026-04-01' });
    place(base3, { tierReviewDueOn: null });
    cloud.store.insert(
      'orders',
      orderFixture({ _id: 'o1', memberId: due1, storeId: 'store-a', receiptNo: 'R1', amountFen: 600000, paidAt: new Date(Date.now() - 20 * DAY) }),
    );
    backfillDone();
    const revs = Object.fromEntries([reviewed, base1, base2, base3].map((id) => [id, cloud.store.rev('members', id)]));

    const read = watchMemberReads();
    const run = await review();
    expect(run).toMatchObject({ runId: 'tier-review:20260302', period: '2026-03', reviewed: 3, graceStarted: 1, done: true });
    expect([...new Set(read)].sort()).toEqual([due1, due2, due3].sort());
    for (const [id, rev] of Object.entries(revs)) expect(cloud.store.rev('members', id)).toBe(rev);
    expect(member(due1)).toMatchObject({ tierId: 'gold', growth: 6000, lastReviewPeriod: '2026-03', tierReviewDueOn: '2026-04-01' });
    expect(member(due2)).toMatchObject({ tierId: 'silver', growth: 0, lastReviewPeriod: '2026-03', tierReviewDueOn: '2026-04-01' }); // grace started
    expect(member(due3)).toMatchObject({ tierId: 'normal', growth: 0, lastReviewPeriod: '2026-03', tierReviewDueOn: null }); // nothing left to review
    expect(cloud.store.get('job_runs', 'tier-review:20260302')!.doc).toMatchObject({ job: 'tier-review', status: 'done', reviewed: 3, graceStarted: 1 });

    read.length = 0;
    // the day's run is done: a second run reviews no one (the day's count stands) and reads no member
    expect(await review()).toMatchObject({ reviewed: 3, done: true });
    expect(read).toEqual([]);
    // the next day: still nobody due
    setClock(shanghai('2026-03-03 03:00'));
    expect(await review()).toMatchObject({ runId: 'tier-review:20260303', reviewed: 0, done: true });
    expect(read).toEqual([]);
  });

  it('stops at its budget and the next trigger resumes from the checkpoint, reviewing each member once', async () => {
    setClock(shanghai('2026-03-02 03:00'));
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const id = await register(`o-r${i}`);
      place(id, { tierId: 'gold', growth: 6000, tierSince: new Date('2025-06-01T00:00:00Z'), lastReviewPeriod: '2026-02', tierReviewDueOn: '2026-03-01' });
      ids.push(id);
    }
    backfillDone();

    // chunks of 2, a clock that steps 1 s per reading against a 3.5 s budget: the run stops early
    let t = 0;
    const first = asRun(await runScheduledJob('tier-review', new Date(), { chunkSize: 2, budgetMs: 3500, clock: () => (t += 1000) }));
    expect(first.done).toBe(false);
    expect(first.reviewed).toBeGreaterThan(0);
    expect(first.reviewed).toBeLessThan(5);
    expect(cloud.store.get('job_runs', 'tier-review:20260302')!.doc).toMatchObject({
      job: 'tier-review',
      status: 'running',
      reviewed: first.reviewed,
      graceStarted: first.reviewed,
    });
    expect(ids.filter((id) => member(id).lastReviewPeriod === '2026-03')).toHaveLength(first.reviewed);

    const second = await review();
    // the occurrence's count: the first invocation's members and the rest, each once (tier_changes below)
    expect(second).toMatchObject({ done: true, reviewed: 5 });
    expect(cloud.store.get('job_runs', 'tier-review:20260302')!.doc).toMatchObject({ status: 'done', reviewed: 5, graceStarted: 5 });
    for (const id of ids) expect(member(id)).toMatchObject({ tierId: 'gold', lastReviewPeriod: '2026-03', tierReviewDueOn: '2026-04-01' });
    const changes = cloud.store.scan('tier_changes').map((s) => s.doc as Any);
    expect(changes.map((c) => c._id).sort()).toEqual(ids.map((id) => `grace:${id}:2026-03`).sort());
  });

  it('finds members written before the due field once, by the one-time backfill', async () => {
    setClock(shanghai('2026-03-02 03:00'));
    const legacyGold = await register('o-old-gold');
    const legacyGrowth = await register('o-old-growth');
    const plain = await register('o-plain');
    for (const id of [legacyGold, legacyGrowth, plain]) {
      const { tierReviewDueOn: _drop, ...doc } = member(id);
      cloud.store.replace('members', doc);
    }
    place(legacyGold, { tierId: 'gold', growth: 6000 });
    place(legacyGrowth, { growth: 200 });
    const plainRev = cloud.store.rev('members', plain);

    const run = await review();
    expect(run).toMatchObject({ reviewed: 2, done: true });
    expect(cloud.store.get('job_runs', 'tier-review-backfill:v1')!.doc).toMatchObject({ status: 'done', scanned: 3, set: 2 });
    expect(member(legacyGold)).toMatchObject({ lastReviewPeriod: '2026-03', tierReviewDueOn: '2026-04-01' });
    expect(member(legacyGrowth)).toMatchObject({ lastReviewPeriod: '2026-03', tierReviewDueOn: null });
    expect(cloud.store.rev('members', plain)).toBe(plainRev);

    // the backfill never runs again: the next day's review reads no member
    setClock(shanghai('2026-03-03 03:00'));
    const read = watchMemberReads();
    expect(await review()).toMatchObject({ reviewed: 0, done: true });
    expect(read).toEqual([]);
  });
});
