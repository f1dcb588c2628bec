import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { Checkpointer } from './checkpointer';
import { fromStorage, toStorage } from './ejson';
import type { SqlCondition, SqlValue } from './query-sql';

/** Index declaration, the same shape as the list to create in the cloud console. */
export interface IndexSpec {
  name: string;
  fields: Record<string, 1 | -1>;
  unique?: boolean;
  /**
   * The path crosses an array (MongoDB's multikey index, e.g. `points.lots.expiresOn`). `json_extract`
   * reads NULL through an array, so no SQLite expression index can serve it: the local store keeps
   * such an index in its own table (`multikey`: one row per string value at the path per document,
   * written with the document) and answers string conditions on the field from it (mingo re-tests).
   */
  multikey?: boolean;
}
export interface CollectionSpec {
  indexes?: IndexSpec[];
}
export interface DatabaseSchema {
  collections: Record<string, CollectionSpec>;
}

export type Doc = Record<string, unknown> & { _id: string };
interface StoredDoc {
  doc: Doc;
  rev: number;
}

/** A query the store answers in SQL: conditions (ANDed), an order, a window. */
interface SqlSelect {
  conditions: SqlCondition[];
  /** `ORDER BY` text from `orderBySql`; the default is insertion (natural) order, as the cloud answers */
  orderBy?: string | null;
  limit?: number;
  offset?: number;
}

/** Writes between two `PRAGMA optimize` runs (planner statistics follow the data). */
const OPTIMIZE_EVERY_WRITES = 20_000;
/**
 * Writes (documents written) between two checkpoint requests to the worker (`checkpointer.ts`): an
 * order writes about 15 WAL pages in 3 documents, so about SQLite's own 1,000-page interval.
 */
const CHECKPOINT_EVERY_WRITES = 200;
/** The writer's own automatic checkpoint, a backstop when the worker's do not keep up (pages; 40 MiB). */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;
/** Statements cached per SQL text; a store sees a few dozen query shapes. */
const MAX_CACHED_STATEMENTS = 500;

export class StoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** A promise with its settlers; its rejection is observed by each waiter's own await, never unhandled. */
interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}
function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** How the store flushes the write-ahead log: `fs.fdatasync`'s shape (tests inject a held or failing one). */
type FsyncFn = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

/**
 * The embedded durable document store: one SQLite file (WAL), documents as relaxed EJSON text,
 * a per-document revision taken from one global sequence (the transaction layer compares it to
 * detect conflicts), and declared indexes as SQLite expression indexes over `json_extract`.
 * All methods are synchronous: in one Node process, each call is atomic with respect to others.
 */
export class DocumentStore {
  readonly db: Database.Database;
  private readonly stmts: ReturnType<DocumentStore['prepare']>;
  private readonly indexedFirstFields = new Map<string, Set<string>>();
  private readonly indexed = new Map<string, Set<string>>();
  /** collection → its multikey fields (kept in the `multikey` table) */
  private readonly multikeyFields = new Map<string, string[]>();
  private readonly collections = new Set<string>();
  private readonly statements = new Map<string, Database.Statement>();
  private writesSinceOptimize = 0;
  private writesSinceCheckpoint = 0;
  /** checkpoints off the event loop (a durable file store); null: SQLite's automatic ones */
  readonly checkpointer: Checkpointer | null = null;
  /** SQLite index name → the declared index (named in duplicate-key messages as the cloud does) */
  private readonly uniqueIndexes = new Map<string, IndexSpec>();
  /** the open group: settled at its COMMIT, and when that COMMIT is durable */
  private group: { committed: Deferred; durable: Deferred } | null = null;
  /**
   * Durability of the write-ahead log, when the store owns it (a durable file store in WAL mode):
   * the fd of the `-wal` file and how to flush it. null: COMMIT itself is the acknowledgement point
   * (`durable: false`, ':memory:', or a file SQLite would not put in WAL mode, then synchronous=FULL).
   */
  private readonly wal: { fd: number; fsync: FsyncFn } | null = null;
  /** false while `setDurable(false)` (a bulk load): groups are acknowledged at their COMMIT */
  private fsyncOn = true;
  /** COMMITs so far (of groups and of `atomically`): the epoch an fsync covers is the count at its start */
  private commits = 0;
  /** committed groups whose acknowledgement waits for an fsync that started after their COMMIT, oldest first */
  private readonly unsynced: { epoch: number; durable: Deferred }[] = [];
  private syncing = false;
  /** set by a failed fsync: the store then refuses every write (see `failWal`) */
  private failure: StoreError | null = null;
  private closed = false;

  constructor(
    readonly file: string,
    options: { durable?: boolean; fsync?: FsyncFn } = {},
  ) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    // (synchronous is still SQLite's default, FULL, here: a new file's switch to WAL is written durably.)
    const walMode = this.db.pragma('journal_mode = WAL', { simple: true }) === 'wal';
    const ownsWal = options.durable !== false && walMode && file !== ':memory:';
    // Durable: NORMAL + an explicit fsync of the WAL before each acknowledgement (`startFsync`), so the
    // COMMIT only write()s its frames and the flush runs on libuv's thread pool, off the event loop.
    // Not in WAL mode (never expected): FULL, the COMMIT flushes. `durable: false`: NORMAL, no flush.
    this.db.pragma(`synchronous = ${ownsWal || options.durable === false ? 'NORMAL' : 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    // 64 MiB of page cache (SQLite's default is 16): the members and their indexes of a 100,000-member
    // store stay in memory through a night's job.
    this.db.pragma('cache_size = -65536');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS collections (name TEXT PRIMARY KEY, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS docs (coll TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, rev INTEGER NOT NULL, PRIMARY KEY (coll, id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS multikey (coll TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (coll, field, value, id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS multikey_doc ON multikey (coll, id);
      INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0);
    `);
    // Natural order: the cloud answers a get() without orderBy in insertion order, so each document
    // keeps the sequence number of its insert (an update keeps it; files written before get their rev).
    const columns = this.db.prepare('PRAGMA table_info(docs)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'ord')) {
      this.db.exec('ALTER TABLE docs ADD COLUMN ord INTEGER; UPDATE docs SET ord = rev;');
    }
    this.db.exec('CREATE INDEX IF NOT EXISTS docs_natural ON docs (coll, ord)');
    this.stmts = this.prepare();
    for (const name of this.listCollections()) this.collections.add(name);
    this.db.pragma('optimize = 0x10002');
    this.dropSamples();
    if (ownsWal) {
      this.wal = { fd: openWal(this.db, file), fsync: options.fsync ?? fs.fdatasync };
      this.checkpointer = new Checkpointer(file);
      this.db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    }
  }

  private prepare() {
    const db = this.db;
    return {
      nextSeq: db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value"),
      seq: db.prepare("SELECT value FROM meta WHERE key = 'seq'"),
      get: db.prepare('SELECT body, rev FROM docs WHERE coll = ? AND id = ?'),
      rev: db.prepare('SELECT rev FROM docs WHERE coll = ? AND id = ?'),
      insert: db.prepare('INSERT INTO docs (coll, id, body, rev, ord) VALUES (?, ?, ?, ?, ?)'),
      replace: db.prepare('UPDATE docs SET body = ?, rev = ? WHERE coll = ? AND id = ?'),
      remove: db.prepare('DELETE FROM docs WHERE coll = ? AND id = ?'),
      hasColl: db.prepare('SELECT 1 FROM collections WHERE name = ?'),
      addColl: db.prepare('INSERT OR IGNORE INTO collections (name, created_at) VALUES (?, ?)'),
      listColl: db.prepare('SELECT name FROM collections ORDER BY name'),
      mkAdd: db.prepare('INSERT OR IGNORE INTO multikey (coll, field, value, id) VALUES (?, ?, ?, ?)'),
      mkDrop: db.prepare('DELETE FROM multikey WHERE coll = ? AND id = ?'),
      metaGet: db.prepare('SELECT value FROM meta WHERE key = ?'),
      metaSet: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
    };
  }

  /** Creates the declared collections and their indexes (idempotent). */
  applySchema(schema: DatabaseSchema): void {
    const tx = this.db.transaction(() => {
      for (const [name, spec] of Object.entries(schema.collections)) {
        this.createCollection(name);
        for (const index of spec.indexes ?? []) this.createIndex(name, index);
      }
    });
    tx();
    this.optimize();
  }

  createCollection(name: string): boolean {
    this.collections.add(name);
    return this.stmts.addColl.run(name, Date.now()).changes > 0;
  }

  /** Answered from memory: collections are created through this store only, never dropped. */
  hasCollection(name: string): boolean {
    return this.collections.has(name);
  }

  /** From memory, like `hasCollection`: with none ever dropped, an unchanged count is an unchanged list. */
  collectionCount(): number {
    return this.collections.size;
  }

  listCollections(): string[] {
    return (this.stmts.listColl.all() as { name: string }[]).map((r) => r.name);
  }

  createIndex(coll: string, index: IndexSpec): void {
    const fields = Object.keys(index.fields);
    for (const f of [coll, index.name, ...fields]) {
      if (!FIELD_PATH.test(f)) throw new StoreError('INVALID_PARAM', `invalid index name or field: ${f}`);
    }
    const sqlName = `ix_${coll}_${index.name}`;
    if (index.multikey) {
      // Kept in the `multikey` table (see IndexSpec.multikey); drops the expression index a store file
      // may hold from before the flag, and fills the table once for documents written before it.
      this.db.exec(`DROP INDEX IF EXISTS "${sqlName}"`);
      const field = fields[0];
      const list = this.multikeyFields.get(coll) ?? [];
      if (!list.includes(field)) list.push(field);
      this.multikeyFields.set(coll, list);
      const built = `multikey:${coll}.${field}`;
      if (!this.stmts.metaGet.get(built)) {
        for (const { doc } of this.scan(coll)) for (const v of valuesAt(doc, field)) this.stmts.mkAdd.run(coll, field, v, doc._id);
        this.stmts.metaSet.run(built, 1);
      }
      return;
    }
    const exprs = fields.map((f) => `json_extract(body, '$.${f}')`).join(', ');
    this.db.exec(`CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${sqlName}" ON docs (coll, ${exprs}) WHERE coll = '${coll}'`);
    if (index.unique) this.uniqueIndexes.set(sqlName, index);
    const first = this.indexedFirstFields.get(coll) ?? new Set<string>();
    first.add(fields[0]);
    this.indexedFirstFields.set(coll, first);
    const all = this.indexed.get(coll) ?? new Set<string>();
    for (const f of fields) all.add(f);
    this.indexed.set(coll, all);
  }

  /** The collection's multikey fields: string conditions on them are answered from the `multikey` table. */
  multikeyOf(coll: string): ReadonlySet<string> {
    return new Set(this.multikeyFields.get(coll) ?? []);
  }

  /** Every field of the collection's indexes: conditions and orders on them are answered in SQL. */
  indexedFieldsAll(coll: string): ReadonlySet<string> {
    return this.indexed.get(coll) ?? new Set();
  }

  /**
   * Planner statistics: `sqlite_stat1` from a full ANALYZE (about 2 ms per 1,000 rows; no
   * analysis_limit, whose sampled counts once sent a due-flag query down the primary key), refreshed
   * where missing or stale at open and every OPTIMIZE_EVERY_WRITES writes (`PRAGMA optimize` repeats
   * the ANALYZE only when a table's size has changed several times over). The per-value samples of
   * `sqlite_stat4` are dropped: with them SQLite re-plans a statement on every new bound value of an
   * indexed column (50 µs against a 4 µs lookup), and the averages of stat1 already pick the index.
   */
  optimize(): void {
    this.writesSinceOptimize = 0;
    this.db.pragma('optimize');
    this.dropSamples();
  }

  /** A full ANALYZE now (tests, and after a bulk load). */
  analyze(): void {
    this.writesSinceOptimize = 0;
    this.db.exec('ANALYZE');
    this.dropSamples();
  }

  private dropSamples(): void {
    const has = this.db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'").get();
    if (has && this.db.prepare('SELECT 1 FROM sqlite_stat4 LIMIT 1').get()) this.db.exec('DELETE FROM sqlite_stat4; ANALYZE sqlite_schema;');
  }

  /**
   * A statement cached by its text. The collection is written into the SQL as a literal, never bound:
   * the declared indexes are partial (`WHERE coll = '<name>'`), and only a literal lets the planner
   * prove one applies; a bound collection once answered every later collection with the first
   * one's plan (a count of 0).
   */
  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }

  private selectSql(coll: string, what: string, q: SqlSelect): { sql: string; params: SqlValue[] } {
    const where = [`coll = ${sqlText(coll)}`, ...q.conditions.map((c) => `(${c.sql})`)].join(' AND ');
    const params = q.conditions.flatMap((c) => c.params);
    let sql = `SELECT ${what} FROM docs WHERE ${where}`;
    if (what !== 'count(*) AS n')
      // Natural (insertion) order by default. With conditions, `+ord` keeps the planner from walking
      // the natural-order index past the condition's own index: the matches are found first, then sorted.
      sql += ` ORDER BY ${q.orderBy ?? (q.conditions.length ? '+ord ASC' : 'ord ASC')}`;
    // The window as literals: a bound LIMIT makes SQLite re-plan the statement on every execution.
    if (q.limit !== undefined || q.offset) sql += ` LIMIT ${Math.trunc(q.limit ?? -1)} OFFSET ${Math.trunc(q.offset ?? 0)}`;
    return { sql, params };
  }

  /** The documents a SQL query answers, read lazily (stop early by leaving the loop). */
  *select(coll: string, q: SqlSelect): Generator<StoredDoc> {
    const { sql, params } = this.selectSql(coll, 'body, rev', q);
    for (const row of this.statement(sql).iterate(...params) as IterableIterator<{ body: string; rev: number }>) {
      yield { doc: fromStorage(row.body) as Doc, rev: row.rev };
    }
  }

  /** The documents a SQL query answers, all at once (cheaper than `select` for a bounded window). */
  selectAll(coll: string, q: SqlSelect): StoredDoc[] {
    const { sql, params } = this.selectSql(coll, 'body, rev', q);
    return (this.statement(sql).all(...params) as { body: string; rev: number }[]).map((row) => ({ doc: fromStorage(row.body) as Doc, rev: row.rev }));
  }

  /** How many documents a SQL query answers. */
  countWhere(coll: string, conditions: SqlCondition[]): number {
    const { sql, params } = this.selectSql(coll, 'count(*) AS n', { conditions });
    return (this.statement(sql).get(...params) as { n: number }).n;
  }

  /** SQLite's plan for a query (tests prove the declared indexes answer the functions' queries). */
  explain(coll: string, q: SqlSelect, count = false): string[] {
    const { sql, params } = this.selectSql(coll, count ? 'count(*) AS n' : 'body, rev', count ? { conditions: q.conditions } : q);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  /** Fields that lead an index of the collection: equality on them is answered by the index. */
  indexedFields(coll: string): ReadonlySet<string> {
    return this.indexedFirstFields.get(coll) ?? new Set();
  }

  currentSeq(): number {
    return (this.stmts.seq.get() as { value: number }).value;
  }

  get(coll: string, id: string): StoredDoc | undefined {
    const row = this.stmts.get.get(coll, id) as { body: string; rev: number } | undefined;
    return row ? { doc: fromStorage(row.body) as Doc, rev: row.rev } : undefined;
  }

  rev(coll: string, id: string): number {
    const row = this.stmts.rev.get(coll, id) as { rev: number } | undefined;
    return row ? row.rev : 0;
  }

  scan(coll: string): StoredDoc[] {
    return this.selectAll(coll, { conditions: [] });
  }

  /** Documents whose indexed `field` equals `value` (strings, numbers and booleans only). */
  scanByField(coll: string, field: string, value: string | number | boolean): StoredDoc[] {
    if (!FIELD_PATH.test(field)) throw new StoreError('INVALID_PARAM', `invalid field: ${field}`);
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    return this.selectAll(coll, { conditions: [{ sql: `json_extract(body, '$.${field}') = ?`, params: [v] }] });
  }

  count(coll: string): number {
    return this.countWhere(coll, []);
  }

  private bump(): number {
    this.writesSinceOptimize += 1;
    this.writesSinceCheckpoint += 1;
    return (this.stmts.nextSeq.get() as { value: number }).value;
  }

  insert(coll: string, doc: Doc): number {
    const rev = this.bump();
    try {
      this.stmts.insert.run(coll, doc._id, toStorage(doc), rev, rev);
    } catch (e) {
      throw translateSqliteError(e, coll, doc, this.uniqueIndexes);
    }
    this.indexMultikey(coll, doc, false);
    return rev;
  }

  replace(coll: string, doc: Doc): number {
    const rev = this.bump();
    try {
      this.stmts.replace.run(toStorage(doc), rev, coll, doc._id);
    } catch (e) {
      throw translateSqliteError(e, coll, doc, this.uniqueIndexes);
    }
    this.indexMultikey(coll, doc, true);
    return rev;
  }

  remove(coll: string, id: string): boolean {
    const changed = this.stmts.remove.run(coll, id).changes > 0;
    if (changed) {
      this.bump();
      if (this.multikeyFields.has(coll)) this.stmts.mkDrop.run(coll, id);
    }
    return changed;
  }

  /** The document's rows in the `multikey` table (in the caller's SQLite transaction, as the write itself). */
  private indexMultikey(coll: string, doc: Doc, replacing: boolean): void {
    const fields = this.multikeyFields.get(coll);
    if (!fields) return;
    if (replacing) this.stmts.mkDrop.run(coll, doc._id);
    for (const field of fields) for (const v of valuesAt(doc, field)) this.stmts.mkAdd.run(coll, field, v, doc._id);
  }

  /**
   * Runs `fn` atomically (all or nothing) in one SQLite transaction, durable on return: a synchronous
   * caller (a bulk load, a test) has no acknowledgement to wait for, so the WAL is flushed here, on
   * the event loop, as synchronous=FULL would. That flush also covers every group committed before.
   */
  atomically<T>(fn: () => T): T {
    this.assertWritable();
    // A synchronous caller expects its write committed on return: close the open group first.
    this.commitGroup();
    const out = this.db.transaction(fn).immediate();
    this.commits += 1;
    if (this.wal && this.fsyncOn) this.syncNow();
    this.afterCommit();
    return out;
  }

  /**
   * Group commit. Writes that arrive in the same turn of the event loop (concurrent requests
   * finishing together) share ONE SQLite transaction: the first opens it and schedules its COMMIT
   * for the end of the turn; each `fn` runs in its own savepoint, so one that throws (a conflict, a
   * duplicate key) is undone alone and fails at once. `groupCommitted()` settles at the group's
   * COMMIT, `groupDurable()` — the acknowledgement — once that COMMIT is on disk.
   *
   * Pipelined durability (a durable file store). The connection runs synchronous=NORMAL, so a COMMIT
   * only write()s its WAL frames into the OS's page cache and returns; the store then flushes the
   * `-wal` file with an asynchronous `fdatasync` on libuv's thread pool, and acknowledges a group
   * only when a flush that STARTED AFTER its COMMIT has finished. One flush at a time: groups that
   * commit during a flush wait for the next one, which covers all of them. The event loop serves
   * requests meanwhile. Why an acknowledged write is as durable as under synchronous=FULL:
   * - a flush of the WAL file makes every frame written to it before the flush began durable (fsync
   *   is per file, whatever fd wrote), and a COMMIT's frames were all written when COMMIT returned;
   * - after a crash, recovery replays the WAL's frames up to the last valid commit frame: frames are
   *   checksummed (each checksum chains the previous ones) and salted per WAL generation, so a torn
   *   or stale tail is ignored and the database is a committed prefix — never a partial transaction
   *   (SQLite's WAL is consistent under NORMAL; NORMAL gives up only durability, which the flush adds);
   * - a write committed but not yet flushed is visible to later reads and transactions. Anything
   *   they write commits after it, in later WAL frames, so it is acknowledged only after a flush that
   *   also covers the write it read: no acknowledged write can depend on one a crash may lose. (A
   *   plain read may answer a value that a crash then loses — as it could before, a turn earlier.)
   * - checkpoints: under NORMAL, SQLite syncs the WAL before a checkpoint copies it into the database
   *   file, and the database file after (sqlite.org/pragma.html#pragma_synchronous): nothing is
   *   copied that is not durable in the WAL. When a finished checkpoint lets the WAL restart from its
   *   beginning, it is the same file (the header, new salts, synced by SQLite when the file is
   *   reused), so the fd stays valid; the WAL file is deleted only when the last connection closes,
   *   which is ours, in `close()`, after the last flush.
   */
  inGroup<T>(fn: () => T): T {
    this.assertWritable();
    if (!this.group) {
      this.db.exec('BEGIN IMMEDIATE');
      this.group = { committed: deferred(), durable: deferred() };
      setImmediate(() => this.commitGroup());
    }
    return this.db.transaction(fn)(); // inside the open transaction: a savepoint
  }

  /** Settles at the COMMIT of every write grouped so far (at once when none is open); rejects if it failed. */
  groupCommitted(): Promise<void> {
    return this.group ? this.group.committed.promise : Promise.resolve();
  }

  /** Settles when every write grouped so far is durable (at once when none is pending). */
  groupDurable(): Promise<void> {
    if (this.group) return this.group.durable.promise;
    const last = this.unsynced[this.unsynced.length - 1];
    return last ? last.durable.promise : Promise.resolve();
  }

  /**
   * Bulk loads (the demo seed) turn acknowledgements at COMMIT on (`false`) and back off (`true`):
   * while off, no flush is waited for; turning it back on flushes once, so everything written
   * before is durable when this returns.
   */
  setDurable(on: boolean): void {
    if (on && !this.fsyncOn && this.wal) this.syncNow();
    this.fsyncOn = on;
  }

  private commitGroup(): void {
    const g = this.group;
    if (!g) return;
    this.group = null;
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      g.committed.reject(e);
      g.durable.reject(e);
      return;
    }
    this.commits += 1;
    g.committed.resolve();
    // A flush failed while this group was open: its writes are committed, never to be flushed here.
    if (this.failure) g.durable.reject(this.failure);
    else if (this.wal && this.fsyncOn) {
      this.unsynced.push({ epoch: this.commits, durable: g.durable });
      this.startFsync();
    } else g.durable.resolve();
    this.afterCommit();
  }

  /** Upkeep after a COMMIT: planner statistics now and then, a checkpoint by the worker when due. */
  private afterCommit(): void {
    if (this.writesSinceOptimize >= OPTIMIZE_EVERY_WRITES) this.optimize();
    if (this.checkpointer && this.writesSinceCheckpoint >= CHECKPOINT_EVERY_WRITES && this.checkpointer.request()) this.writesSinceCheckpoint = 0;
  }

  /** Starts a flush of the WAL for the groups waiting, unless one is under way (its end starts the next). */
  private startFsync(): void {
    const wal = this.wal;
    if (!wal || this.syncing || this.failure || this.unsynced.length === 0) return;
    this.syncing = true;
    const upTo = this.commits; // every COMMIT counted so far has returned: its frames are written
    wal.fsync(wal.fd, (err) => {
      this.syncing = false;
      if (err) this.failWal(err);
      else this.settleUpTo(upTo);
      if (this.closed) fs.closeSync(wal.fd);
      else this.startFsync();
    });
  }

  /** Flushes the WAL now, on this thread: every COMMIT so far is durable on return. */
  private syncNow(): void {
    const wal = this.wal;
    if (!wal || this.failure) return;
    const upTo = this.commits;
    try {
      fs.fdatasyncSync(wal.fd);
    } catch (e) {
      this.failWal(e as NodeJS.ErrnoException);
      throw this.failure;
    }
    this.settleUpTo(upTo);
  }

  private settleUpTo(epoch: number): void {
    while (this.unsynced.length && this.unsynced[0].epoch <= epoch) this.unsynced.shift()!.durable.resolve();
  }

  /**
   * A failed flush rejects every waiting group (its writes are committed but maybe not on disk: to a
   * caller, an unknown outcome, as a lost reply) and the store refuses all further writes until it
   * is reopened. No retry: after a failed fsync, Linux may already have dropped the dirty pages and
   * reports the error once, so a second fsync can succeed without the data on disk; only reopening
   * (recovery from what the disk holds) gives a known state. Reads still answer.
   */
  private failWal(err: NodeJS.ErrnoException): void {
    this.failure ??= new StoreError(
      'DATABASE_REQUEST_FAILED',
      `flushing the write-ahead log failed (${err.code ?? err.message}): recent writes may not be on disk; the store refuses writes until it is reopened`,
    );
    for (const waiter of this.unsynced.splice(0)) waiter.durable.reject(this.failure);
  }

  private assertWritable(): void {
    if (this.failure) throw this.failure;
  }

  /** Commits the open group and flushes what is waiting (synchronously), then closes the connection. */
  close(): void {
    this.commitGroup();
    if (this.closed) return;
    this.closed = true;
    this.checkpointer?.close();
    if (this.wal) {
      if (this.unsynced.length && !this.failure) {
        try {
          this.syncNow();
        } catch {
          /* the waiters were rejected */
        }
      }
      // A flush under way closes the fd when it ends (never close an fd the thread pool is using).
      if (!this.syncing) fs.closeSync(this.wal.fd);
    }
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens the connection's `-wal` file for flushing (read-only: the store never writes it; fsync
 * works on any fd of the file). SQLite creates it at the first transaction in WAL mode, which the
 * constructor's schema statements are; its directory entry is flushed once here, as SQLite does
 * for a new journal under FULL. Only the `-wal` file: closing any other fd of the database file
 * would drop SQLite's POSIX locks on it.
 */
function openWal(db: Database.Database, file: string): number {
  const walFile = `${file}-wal`;
  if (!fs.existsSync(walFile)) db.exec("BEGIN IMMEDIATE; UPDATE meta SET value = value WHERE key = 'seq'; COMMIT");
  const fd = fs.openSync(walFile, 'r');
  const dir = fs.openSync(path.dirname(walFile), 'r');
  try {
    fs.fsyncSync(dir);
  } finally {
    fs.closeSync(dir);
  }
  return fd;
}

/** The string values at a dotted path, through arrays at any level (what a multikey index holds). */
function valuesAt(doc: unknown, field: string): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown, parts: string[]) => {
    if (Array.isArray(v)) {
      for (const e of v) walk(e, parts);
      return;
    }
    if (parts.length === 0) {
      if (typeof v === 'string') out.add(v);
      return;
    }
    if (v !== null && typeof v === 'object') walk((v as Record<string, unknown>)[parts[0]], parts.slice(1));
  };
  walk(doc, field.split('.'));
  return out;
}

/** A SQL string literal. */
function sqlText(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A duplicate key in MongoDB's words (`E11000 … index: openid_1 dup key: { openid: "o1" }`), never SQLite's. */
function translateSqliteError(e: unknown, coll: string, doc: Doc, unique: ReadonlyMap<string, IndexSpec>): unknown {
  const code = (e as { code?: string }).code ?? '';
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    const sqlIndex = /index '([^']+)'/.exec((e as Error).message)?.[1];
    const index = sqlIndex ? unique.get(sqlIndex) : undefined;
    const fields = index ? Object.keys(index.fields) : ['_id'];
    const name = index ? index.name : '_id_';
    const at = (path: string) => path.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown> | undefined)?.[part], doc);
    const key = fields.map((f) => `${f}: ${JSON.stringify(at(f) ?? null)}`).join(', ');
    return new StoreError('DATABASE_DUPLICATE_WRITE', `E11000 duplicate key error collection: ${coll} index: ${name} dup key: { ${key} }`);
  }
  return e;
}
