import { excluding, runJob, type JobStep } from '../../cloudfunctions/_lib/platform/job-runner';
import cloudSdk from 'wx-server-sdk';
import { queryDocs } from '../../cloudfunctions/_lib/platform/db';
import { closeTestCloud, openTestCloud, withCapturedLogs, type TestCloud } from '../support/local-cloud';

/** The bare SDK's database (the transport the local cloud replaced): the toy collection is none of ours, so not typed. */
const database = () => cloudSdk.database();

/**
 * The job runner on its own (cloudfunctions/_lib/platform/job-runner.ts), on a toy job over a `toys`
 * collection's indexed `birthdayMD`: a stamp per member per occurrence, a failing member isolated
 * and retried by the next occurrence, a done occurrence left alone.
 */
describe('job runner', () => {
  let cloud: TestCloud;
  beforeEach(() => {
    cloud = openTestCloud();
    cloud.store.createCollection('toys');
    cloud.store.createIndex('toys', { name: 'birthdayMD', fields: { birthdayMD: 1 } });
    for (let i = 0; i < 5; i += 1) cloud.store.insert('toys', { _id: `m${i}`, openid: `o${i}`, cardNo: `c${i}`, birthdayMD: '06-18' });
    cloud.store.insert('toys', { _id: 'other', openid: 'o-other', cardNo: 'c-other', birthdayMD: '01-01' });
  });
  afterEach(() => closeTestCloud(cloud));

  const stampJob = (occurrence: string, broken: Set<string>, calls: string[]) => {
    const db = database();
    const _ = db.command;
    const step: JobStep<{ stamped: number }, { _id: string }> = {
      name: 'stamp',
      // due: a 06-18 birthday and not stamped in this occurrence (indexed by birthdayMD)
      findDue: (n, { exclude }) =>
        queryDocs(
          db
            .collection('toys')
            .where(excluding({ birthdayMD: '06-18', stampedOn: _.neq(occurrence) }, exclude))
            .field({ _id: true })
            .limit(n),
        ),
      process: async (m, s) => {
        calls.push(m._id);
        if (broken.has(m._id)) throw new Error(`cannot stamp ${m._id}`);
        await db
          .collection('toys')
          .doc(m._id)
          .update({ data: { stampedOn: occurrence } });
        s.stamped += 1;
      },
    };
    return runJob({ job: 'stamp', occurrence, chunkSize: 2, initial: () => ({ stamped: 0 }), steps: [step] });
  };

  it('isolates a failing item, leaves a done occurrence alone, and retries the failure on the next occurrence', async () => {
    const calls: string[] = [];
    const broken = new Set(['m2']);
    const { result: first, logs } = await withCapturedLogs(() => stampJob('20260618', broken, calls));
    expect(first.alreadyDone).toBe(false);
    expect(first.run).toMatchObject({
      runId: 'stamp:20260618',
      status: 'done',
      stamped: 4,
      chunks: 3,
      failures: [{ memberId: 'm2', error: 'cannot stamp m2' }],
    });
    expect(calls.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']); // the failure is tried once, never spun on
    expect(logs).toEqual([{ level: 'error', message: '[stamp] stamp failed', detail: ['m2', expect.objectContaining({ message: 'cannot stamp m2' })] }]);
    const doc = cloud.store.get('job_runs', 'stamp:20260618')!.doc as Record<string, unknown>;
    expect(doc).toMatchObject({ _id: 'stamp:20260618', job: 'stamp', status: 'done', stamped: 4, step: 1, cursor: null });
    expect(doc.updatedAt).toBeInstanceOf(Date);
    expect(cloud.store.get('toys', 'other')!.doc).not.toHaveProperty('stampedOn');

    calls.length = 0;
    const again = await stampJob('20260618', new Set(), calls);
    expect(again).toMatchObject({ alreadyDone: true, run: { status: 'done', stamped: 4 } });
    expect(calls).toEqual([]);

    const next = await stampJob('20270618', new Set(), calls);
    expect(next.run).toMatchObject({ status: 'done', stamped: 5 });
    expect(next.run.failures).toBeUndefined();
  });

  it('paces items to its rate and keeps a chunk within five seconds of items', async () => {
    let t = 0;
    const starts: number[] = [];
    const sleeps: number[] = [];
    const db = database();
    const _ = db.command;
    const { run } = await runJob({
      job: 'paced',
      occurrence: 'once',
      itemsPerSecond: 0.5, // one item every 2 s: a chunk holds at most 2 (5 s of items)
      chunkSize: 50,
      clock: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
      initial: () => ({ seen: 0 }),
      steps: [
        {
          name: 'walk',
          findDue: (n: number, { cursor }: { cursor: string | null }) =>
            queryDocs<{ _id: string }>(
              (cursor ? db.collection('toys').where({ _id: _.gt(cursor) }) : db.collection('toys').where({}))
                .orderBy('_id', 'asc')
                .field({ _id: true })
                .limit(n),
            ),
          cursorOf: (m: { _id: string }) => m._id,
          process: async (_m: { _id: string }, s: { seen: number }) => {
            starts.push(t);
            t += 300; // the item's own work takes 0.3 s
            s.seen += 1;
          },
        },
      ],
    });
    // six members, one every 2 s from the start, the work's own time counted in; chunks of 2
    expect(starts).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(sleeps).toEqual([1700, 1700, 1700, 1700, 1700]);
    expect(run).toMatchObject({ status: 'done', seen: 6, chunks: 3 });
  });

  it('stops at its budget and resumes from the checkpoint without redoing an item', async () => {
    let t = 0;
    const clock = () => (t += 1000);
    const calls: string[] = [];
    const db = database();
    const _ = db.command;
    const spec = (budgetMs: number) => ({
      job: 'walk',
      occurrence: 'once',
      chunkSize: 2,
      budgetMs,
      clock,
      initial: () => ({ seen: 0 }),
      steps: [
        {
          name: 'walk',
          // an ordered walk by _id with a cursor (the primary index)
          findDue: (n: number, { cursor }: { cursor: string | null }) =>
            queryDocs<{ _id: string }>(
              (cursor ? db.collection('toys').where({ _id: _.gt(cursor) }) : db.collection('toys').where({}))
                .orderBy('_id', 'asc')
                .field({ _id: true })
                .limit(n),
            ),
          cursorOf: (m: { _id: string }) => m._id,
          process: async (m: { _id: string }, s: { seen: number }) => {
            calls.push(m._id);
            s.seen += 1;
          },
        },
      ],
    });
    const first = await runJob(spec(2500));
    // 1 s per clock reading against 2.5 s: two chunks, then it stops
    expect(first.run).toMatchObject({ status: 'running', seen: 4, cursor: 'm3', chunks: 2 });
    const second = await runJob(spec(60_000));
    expect(second.run).toMatchObject({ status: 'done', seen: 6, cursor: null });
    expect(calls).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'other']);
  });

  it('offers a later step the items an earlier step processed (each step has its own items)', async () => {
    // The nightly shape: step 1 settles the members that are due, which makes them due for step 2's
    // reconciliation. A set of processed ids shared by the steps once made step 2 find nothing.
    const db = database();
    const _ = db.command;
    const order: string[] = [];
    const { run } = await runJob({
      job: 'two-steps',
      occurrence: 'once',
      chunkSize: 2,
      initial: () => ({ marked: 0, checked: 0 }),
      steps: [
        {
          name: 'mark',
          findDue: (n: number, { exclude }: { exclude: string[] }) =>
            queryDocs<{ _id: string }>(
              db
                .collection('toys')
                .where(excluding({ birthdayMD: '06-18', marked: _.neq(true) }, exclude))
                .field({ _id: true })
                .limit(n),
            ),
          process: async (m: { _id: string }, s: { marked: number; checked: number }) => {
            order.push(`mark ${m._id}`);
            await db
              .collection('toys')
              .doc(m._id)
              .update({ data: { marked: true, checkDue: true } });
            s.marked += 1;
          },
        },
        {
          name: 'check',
          findDue: (n: number) => queryDocs<{ _id: string }>(db.collection('toys').where({ checkDue: true }).field({ _id: true }).limit(n)),
          process: async (m: { _id: string }, s: { marked: number; checked: number }) => {
            order.push(`check ${m._id}`);
            await db
              .collection('toys')
              .doc(m._id)
              .update({ data: { checkDue: false } });
            s.checked += 1;
          },
        },
      ],
    });
    expect(run).toMatchObject({ status: 'done', marked: 5, checked: 5 });
    expect(order.filter((o) => o.startsWith('check')).sort()).toEqual(['check m0', 'check m1', 'check m2', 'check m3', 'check m4']);
  });
});
