import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
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
export interface StoredDoc {
  doc: Doc;
  rev: number;
}

/** A query the store answers in SQL: conditions (ANDed), an order, a window. */
export interface SqlSelect {
  conditions: SqlCondition[];
  /** `ORDER BY` text from `orderBySql`; the default is insertion (natural) order, as the cloud answers */
  orderBy?: string | null;
  limit?: number;
  offset?: number;
}

/** Writes between two `PRAGMA optimize` runs (planner statistics follow the data). */
const OPTIMIZE_EVERY_WRITES = 20_000;
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
  /** SQLite index name → the declared index (named in duplicate-key messages as the cloud does) */
  private readonly uniqueIndexes = new Map<string, IndexSpec>();
  private group: { done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;

  constructor(
    readonly file: string,
    options: { durable?: boolean } = {},
  ) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before it is acknowledged (survives power loss, not only SIGKILL).
    this.db.pragma(`synchronous = ${options.durable === false ? 'NORMAL' : 'FULL'}`);
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

  /** Runs `fn` atomically (all or nothing) in one SQLite transaction. */
  atomically<T>(fn: () => T): T {
    // A synchronous caller expects its write committed on return: close the open group first.
    this.commitGroup();
    const out = this.db.transaction(fn).immediate();
    if (this.writesSinceOptimize >= OPTIMIZE_EVERY_WRITES) this.optimize();
    return out;
  }

  /**
   * Group commit. Writes that arrive in the same turn of the event loop (concurrent requests
   * finishing together) share ONE SQLite transaction and so one fsync: the first opens it and
   * schedules its COMMIT for the end of the turn; each `fn` runs in its own savepoint, so one that
   * throws (a conflict, a duplicate key) is undone alone and fails at once. Callers acknowledge a
   * write only after `groupDurable()`, which settles after the group's COMMIT (synchronous=FULL):
   * an acknowledged write survives a crash exactly as before. Reads on this connection see a
   * grouped write from the moment it is applied, a turn before its acknowledgement.
   */
  inGroup<T>(fn: () => T): T {
    if (!this.group) {
      this.db.exec('BEGIN IMMEDIATE');
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      done.catch(() => undefined); // every waiter gets the failure through its own await
      this.group = { done, resolve, reject };
      setImmediate(() => this.commitGroup());
    }
    return this.db.transaction(fn)(); // inside the open transaction: a savepoint
  }

  /** Settles when every write grouped so far is durable (at once when none is pending). */
  groupDurable(): Promise<void> {
    return this.group ? this.group.done : Promise.resolve();
  }

  private commitGroup(): void {
    const g = this.group;
    if (!g) return;
    this.group = null;
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      g.reject(e);
      return;
    }
    g.resolve();
    if (this.writesSinceOptimize >= OPTIMIZE_EVERY_WRITES) this.optimize();
  }

  close(): void {
    this.commitGroup();
    if (this.db.open) this.db.close();
  }
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
