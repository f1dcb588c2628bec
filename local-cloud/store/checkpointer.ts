import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Checkpoints of a durable store's write-ahead log, run by a second connection in a worker thread.
 *
 * Why: SQLite's automatic checkpoint runs inside the COMMIT that crosses 1,000 WAL pages, on the
 * connection's thread — for the store, the event loop. A checkpoint copies those pages into the
 * database file and syncs the WAL before and the database file after: with an order writing some 15
 * pages, that was three quarters of the event loop's time in COMMIT once the WAL flush had left it
 * (`DocumentStore.inGroup`). Here a PASSIVE checkpoint (it never waits for, nor blocks, the writer
 * or the readers) runs on another thread whenever enough writes have been committed since the last
 * one, and the writer's own automatic checkpoint stays only as a backstop for a WAL that has grown
 * far past that (the worker gone, a reader pinning old frames).
 *
 * Durability does not change: a checkpoint, on any connection, copies only committed frames and
 * syncs the WAL before it writes them into the database file and that file after, the same protocol
 * as the automatic one; a crash during it leaves the WAL, which recovery replays. The WAL file it
 * lets the writer restart is the same file (the store's flush fd stays valid).
 */
export class Checkpointer {
  private readonly worker: Worker;
  /** set to 1 by the worker once its connection is closed */
  private readonly closedFlag = new Int32Array(new SharedArrayBuffer(4));
  private busy = false;
  private closed = false;
  /** checkpoints run, and the WAL frames in the last one's answer (tests, diagnostics) */
  readonly stats = { runs: 0, incomplete: 0, lastLogFrames: 0, lastCheckpointed: 0 };

  constructor(file: string) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, module: createRequire(__filename).resolve('better-sqlite3'), closed: this.closedFlag.buffer },
    });
    // A background helper: it never keeps the process alive, and an error there is not the caller's.
    this.worker.unref();
    this.worker.on('message', (m: { ok: boolean; log?: number; checkpointed?: number }) => {
      this.busy = false;
      this.stats.runs += 1;
      if (!m.ok) this.stats.incomplete += 1;
      this.stats.lastLogFrames = m.log ?? 0;
      this.stats.lastCheckpointed = m.checkpointed ?? 0;
    });
    this.worker.on('error', () => {
      this.closed = true; // the writer's automatic checkpoint (the backstop) takes over
    });
  }

  /** Asks for a checkpoint unless one is under way (the next request after it asks again). */
  request(): boolean {
    if (this.busy || this.closed) return false;
    this.busy = true;
    this.worker.postMessage('checkpoint');
    return true;
  }

  /**
   * Closes the worker's connection before the store closes its own (so the store's is the last one,
   * which checkpoints and removes the WAL file), waiting at most a few seconds for it (a checkpoint
   * under way ends first).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker.postMessage('close');
    Atomics.wait(this.closedFlag, 0, 0, 5000);
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const closed = new Int32Array(workerData.closed);
let db = null;
try {
  db = new Database(workerData.file);
} catch (e) {
  db = null;
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    try { if (db) db.close(); } catch (e) {}
    db = null;
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  try {
    if (!db) throw new Error('no connection');
    const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
    parentPort.postMessage({ ok: r.busy === 0, log: r.log, checkpointed: r.checkpointed });
  } catch (e) {
    parentPort.postMessage({ ok: false });
  }
});
`;
