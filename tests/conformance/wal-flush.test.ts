import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalDatabase } from '../../local-cloud/database';
import { DocumentStore, StoreError } from '../../local-cloud/store';

/**
 * Pipelined group commit: a durable store commits with synchronous=NORMAL and acknowledges a write
 * only after an fsync of the `-wal` file that started after the write's COMMIT has finished. The
 * fsync is injected here and held, so each test decides when (and whether) the disk "answers".
 */

type Callback = (err: NodeJS.ErrnoException | null) => void;

/** An fsync the test completes by hand; it records the fds it was asked to flush. */
function heldFsync() {
  const pending: Callback[] = [];
  const fds: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fsync = (fd: number, cb: Callback) => {
    fds.push(fd);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    pending.push((err) => {
      inFlight -= 1;
      cb(err);
    });
  };
  return {
    fsync,
    fds,
    calls: () => fds.length,
    maxInFlight: () => maxInFlight,
    /** completes the oldest fsync under way (as the kernel would), with an error if given */
    finish: (err: NodeJS.ErrnoException | null = null) => {
      const cb = pending.shift();
      if (!cb) throw new Error('no fsync under way');
      cb(err);
    },
    underWay: () => pending.length,
  };
}

/**
 * Lets the event loop run the group's COMMIT (a setImmediate scheduled before: immediates run in
 * order, where a timer could fire first on a busy machine) and the promise reactions after it.
 */
const turn = async () => {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Tracks whether a promise has settled, and how. */
function track<T>(p: Promise<T>) {
  const state: { settled: boolean; error?: unknown; value?: T } = { settled: false };
  p.then(
    (value) => Object.assign(state, { settled: true, value }),
    (error: unknown) => Object.assign(state, { settled: true, error }),
  );
  return state;
}

describe('conformance: a durable write is acknowledged only after the WAL is flushed', () => {
  let dir: string;
  let file: string;
  const stores: DocumentStore[] = [];
  const open = (options: ConstructorParameters<typeof DocumentStore>[1]) => {
    const store = new DocumentStore(file, options);
    stores.push(store);
    store.createCollection('c');
    return store;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-walflush-'));
    file = path.join(dir, 'cloud.sqlite');
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits at once (synchronous=NORMAL), and acknowledges when the fsync of the -wal file completes', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    expect(store.db.pragma('synchronous', { simple: true })).toBe(1);
    store.inGroup(() => store.insert('c', { _id: 'a', n: 1 }));
    const committed = track(store.groupCommitted());
    const durable = track(store.groupDurable());
    await turn();
    expect(committed.settled).toBe(true);
    expect(durable.settled).toBe(false);
    expect(disk.calls()).toBe(1);
    // The fd flushed is the -wal file's.
    expect(fs.fstatSync(disk.fds[0]).ino).toBe(fs.statSync(`${file}-wal`).ino);
    // Committed: another reader of the file sees it before the flush.
    const reader = new DocumentStore(file, { durable: false });
    stores.push(reader);
    expect(reader.get('c', 'a')?.doc).toEqual({ _id: 'a', n: 1 });
    disk.finish();
    await turn();
    expect(durable.settled).toBe(true);
    expect(durable.error).toBeUndefined();
  });

  it('groups that commit during a flush wait for the next one: one flush at a time, each started after their COMMIT', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    store.inGroup(() => store.insert('c', { _id: 'g1' }));
    const first = track(store.groupDurable());
    await turn(); // g1 committed, flush 1 under way
    store.inGroup(() => store.insert('c', { _id: 'g2' }));
    const second = track(store.groupDurable());
    await turn(); // g2 committed during flush 1
    store.inGroup(() => store.insert('c', { _id: 'g3' }));
    const third = track(store.groupDurable());
    await turn();
    expect(disk.calls()).toBe(1);
    disk.finish(); // flush 1 began before g2's and g3's COMMIT: it covers g1 only
    await turn();
    expect([first.settled, second.settled, third.settled]).toEqual([true, false, false]);
    expect(disk.calls()).toBe(2);
    disk.finish(); // flush 2 began after both
    await turn();
    expect([second.settled, third.settled]).toEqual([true, true]);
    expect(disk.maxInFlight()).toBe(1);
    expect(disk.calls()).toBe(2);
  });

  it('a failed flush rejects every waiting write and the store refuses writes until reopened; reads still answer', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    store.inGroup(() => store.insert('c', { _id: 'x1' }));
    const first = track(store.groupDurable());
    await turn();
    store.inGroup(() => store.insert('c', { _id: 'x2' }));
    const second = track(store.groupDurable());
    await turn();
    disk.finish(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await turn();
    for (const w of [first, second]) {
      expect(w.error).toBeInstanceOf(StoreError);
      expect((w.error as StoreError).code).toBe('DATABASE_REQUEST_FAILED');
      expect((w.error as Error).message).toContain('EIO');
    }
    expect(disk.underWay()).toBe(0); // no second attempt: a retried fsync may succeed without the data
    expect(() => store.inGroup(() => store.insert('c', { _id: 'x3' }))).toThrow(/refuses writes/);
    expect(() => store.atomically(() => store.insert('c', { _id: 'x4' }))).toThrow(/refuses writes/);
    expect(store.get('c', 'x1')).toBeDefined();
    expect(store.get('c', 'x3')).toBeUndefined();
    store.close();
    // Reopened, the store writes again.
    const reopened = open({ fsync: (fd, cb) => fs.fdatasync(fd, cb) });
    reopened.inGroup(() => reopened.insert('c', { _id: 'x5' }));
    await reopened.groupDurable();
    expect(reopened.get('c', 'x5')).toBeDefined();
  });

  it('through the database executor: a plain add and a transaction commit answer only after the flush; the lock goes at COMMIT', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    const local = new LocalDatabase(store);
    const add = track(local.handle('database.insertDocument', { collectionName: 'c', data: [JSON.stringify({ _id: 'p1', n: 1 })] }));
    await turn();
    expect(store.get('c', 'p1')).toBeDefined();
    expect(add.settled).toBe(false);
    disk.finish();
    await turn();
    expect(add.value).toMatchObject({ data: { insertedIds: ['p1'] } });

    const update = (id: string, n: number, transactionId: string) =>
      local.handle('database.modifyDocument', {
        collectionName: 'c',
        queryType: 'DOC',
        query: JSON.stringify({ _id: id }),
        data: JSON.stringify({ $set: { n } }),
        multi: false,
        merge: true,
        upsert: false,
        transactionId,
      });
    const begin = async () => ((await local.handle('database.startTransaction', {})) as { transactionId: string }).transactionId;
    const t1 = await begin();
    expect(await update('p1', 2, t1)).toMatchObject({ data: { updated: 1 } });
    const commit1 = track(local.handle('database.commitTransaction', { transactionId: t1 }));
    await turn();
    expect(store.get('c', 'p1')?.doc).toMatchObject({ n: 2 });
    expect(commit1.settled).toBe(false);
    // Committed, not yet durable: its lock is gone, so a later transaction may write the document;
    // that one commits after it and is acknowledged only by a flush that covers both.
    const t2 = await begin();
    expect(await update('p1', 3, t2)).toMatchObject({ data: { updated: 1 } });
    const commit2 = track(local.handle('database.commitTransaction', { transactionId: t2 }));
    await turn();
    disk.finish(); // the flush under way began before t2's COMMIT
    await turn();
    expect(commit1.value).toMatchObject({ data: {} });
    expect(commit2.settled).toBe(false);
    disk.finish();
    await turn();
    expect(commit2.value).toMatchObject({ data: {} });
    expect(store.get('c', 'p1')?.doc).toMatchObject({ n: 3 });
  });

  it('a failed flush answers the waiting commit with an error code, not a success', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    const local = new LocalDatabase(store);
    const add = track(local.handle('database.insertDocument', { collectionName: 'c', data: [JSON.stringify({ _id: 'f1' })] }));
    await turn();
    disk.finish(Object.assign(new Error('EIO'), { code: 'EIO' }));
    await turn();
    expect(add.value).toMatchObject({ code: 'DATABASE_REQUEST_FAILED' });
    expect(await local.handle('database.insertDocument', { collectionName: 'c', data: [JSON.stringify({ _id: 'f2' })] })).toMatchObject({
      code: 'DATABASE_REQUEST_FAILED',
    });
  });

  it('atomically() is durable on return (it flushes on the spot), which also acknowledges the groups waiting', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    store.inGroup(() => store.insert('c', { _id: 'w1' }));
    const waiting = track(store.groupDurable());
    await turn();
    expect(waiting.settled).toBe(false);
    store.atomically(() => store.insert('c', { _id: 'w2' }));
    await turn();
    expect(waiting.settled).toBe(true);
    expect(waiting.error).toBeUndefined();
    disk.finish(); // the asynchronous flush ends later, with nothing left to acknowledge
    await turn();
    expect(disk.underWay()).toBe(0);
  });

  it('close() flushes what is waiting before it closes, and the reopened file holds it', async () => {
    const disk = heldFsync();
    const store = open({ fsync: disk.fsync });
    store.inGroup(() => store.insert('c', { _id: 'z1' }));
    const waiting = track(store.groupDurable());
    store.close(); // commits the open group and flushes it on the spot
    await turn();
    expect(waiting.settled).toBe(true);
    expect(waiting.error).toBeUndefined();
    disk.finish(); // a flush under way at close ends afterwards without harm
    await turn();
    const reopened = open({ durable: false });
    expect(reopened.get('c', 'z1')).toBeDefined();
  });

  it('a non-durable store (tests) acknowledges at COMMIT and never flushes; setDurable(false) does the same for a bulk load', async () => {
    const disk = heldFsync();
    const loose = open({ durable: false, fsync: disk.fsync });
    loose.inGroup(() => loose.insert('c', { _id: 'n1' }));
    await loose.groupDurable();
    expect(disk.calls()).toBe(0);
    loose.close();

    const store = open({ fsync: disk.fsync });
    store.setDurable(false);
    store.inGroup(() => store.insert('c', { _id: 'n2' }));
    await store.groupDurable();
    expect(disk.calls()).toBe(0);
    store.setDurable(true); // flushes once, synchronously: everything before is durable
    store.inGroup(() => store.insert('c', { _id: 'n3' }));
    const after = track(store.groupDurable());
    await turn();
    expect(after.settled).toBe(false);
    disk.finish();
    await turn();
    expect(after.settled).toBe(true);
  });
});

describe('conformance: checkpoints of a durable store run in a worker thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-checkpoint-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("the worker checkpoints as writes accumulate; the writer's own automatic checkpoint is only a backstop; close leaves a whole file", async () => {
    const file = path.join(dir, 'cloud.sqlite');
    const store = new DocumentStore(file);
    let groups = 0;
    try {
      store.createCollection('c');
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBeGreaterThan(1000);
      // Groups of 10 documents until the worker has checkpointed twice (it asks every 200 writes; how
      // soon the worker thread starts depends on the machine, so the count of groups is not fixed).
      const deadline = Date.now() + 25_000;
      while (store.checkpointer!.stats.runs < 2 && Date.now() < deadline) {
        store.inGroup(() => {
          for (let k = 0; k < 10; k += 1) store.insert('c', { _id: `d${groups}-${k}`, pad: 'x'.repeat(3000) });
        });
        await store.groupDurable();
        groups += 1;
        if (groups % 20 === 0) await new Promise((r) => setTimeout(r, 20));
      }
      expect(store.checkpointer!.stats.runs).toBeGreaterThanOrEqual(2);
      expect(groups).toBeGreaterThanOrEqual(40); // at least 400 writes: never more often than every 200
      expect(store.checkpointer!.stats.lastCheckpointed).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    // The worker's connection closed first: the store's was the last, which checkpointed and removed the WAL.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const reopened = new DocumentStore(file, { durable: false });
    try {
      expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(reopened.count('c')).toBe(groups * 10);
    } finally {
      reopened.close();
    }
  });

  it('a non-durable store has no worker and keeps SQLite’s automatic checkpoint', () => {
    const store = new DocumentStore(path.join(dir, 'loose.sqlite'), { durable: false });
    try {
      expect(store.checkpointer).toBeNull();
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      store.close();
    }
  });
});
