import crypto from 'node:crypto';
import { find, update as applyUpdate, Query } from 'mingo';
import { decode, encode, type DocumentStore, StoreError, type Doc, orderBySql, translateQuery, type SortSpec } from '../store';
import { applyGeo, GeoError, splitGeo, withoutGeo } from './geo';
import { checkPipeline, runPipeline } from './pipeline';
import { applySimpleUpdate } from './update-fast';
import { FaultInjector } from './faults';
import { realNow } from './clock';

/** Answers as the cloud's database API gives them to the SDK: `{ data }`, or `{ code, message }`. */
type DbResponse = { data?: unknown; transactionId?: string; requestId?: string } | { code: string; message: string; requestId?: string };

/** Mirrors the cloud: a server-side get returns 1000 documents at most, 100 unless asked. */
const MAX_GET_LIMIT = 1000;
const DEFAULT_GET_LIMIT = 100;
export const TRANSACTION_TTL_MS = 30_000;
const LOCK_RECHECK_MS = 200;

class DbError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, unknown>;

interface PendingWrite {
  coll: string;
  id: string;
  /** null: delete */
  doc: Doc | null;
  /** true when the document did not exist at read time (an insert) */
  created: boolean;
}

interface Transaction {
  id: string;
  startedAt: number;
  snapshotSeq: number;
  /** key → revision seen when first read (0 = absent) */
  reads: Map<string, number>;
  writes: Map<string, PendingWrite>;
  state: 'open' | 'committed' | 'aborted';
  /** resolves when the transaction ends (commit, abort or expiry): plain writers wait on it */
  ended: Promise<void>;
  end: () => void;
}

/** A document's version before a write, kept while an open transaction's snapshot may still need it. */
interface PriorVersion {
  /** the revision this version had (0 = absent) */
  rev: number;
  doc: Doc | null;
  /** the revision that replaced it */
  supersededBy: number;
}

const key = (coll: string, id: string) => `${coll}\u0000${id}`;

interface LocalDatabaseOptions {
  faults?: FaultInjector;
  /** the transactions' clock (their 30 s expiry): real time unless a test steps it */
  now?: () => number;
  /** the instant `serverDate()` resolves to: the local clock (`Date.now()` at the time of the request) */
  serverNow?: () => number;
}

/**
 * Executes the requests wx-server-sdk's query builder produces, with MongoDB semantics from mingo
 * over the embedded store, and the cloud's rules: limits, doc-only transactions with snapshot reads
 * and first-committer-wins conflicts, 30 s transaction expiry, duplicate-key errors.
 */
export class LocalDatabase {
  private readonly transactions = new Map<string, Transaction>();
  /** document key → the open transaction that wrote it (the cloud's document lock) */
  private readonly locks = new Map<string, Transaction>();
  /** document key → versions replaced while transactions were open (their snapshots read these) */
  private readonly priorVersions = new Map<string, PriorVersion[]>();
  readonly faults: FaultInjector;
  private readonly baseNow: () => number;
  /** how far `advanceTransactionClock` moved the transactions' clock past `baseNow` */
  private transactionClockOffsetMs = 0;
  /** transactions started and not yet committed, aborted or expired-and-ended */
  private openCount = 0;
  /** waiters of `whenNoOpenTransactions` */
  private readonly quietWaiters = new Set<() => void>();
  /** plain writers waiting on a lock, woken early when the transactions' clock moves */
  private readonly lockWaiters = new Set<() => void>();
  private readonly serverNow: () => number;
  /** Plain writes that waited for a transaction's lock, and for how long in all. */
  readonly lockWaits = { writes: 0, waitedMs: 0 };
  /** Counts requests by action: the cloud bills each one. */
  readonly requestCounts = new Map<string, number>();

  constructor(
    readonly store: DocumentStore,
    options: LocalDatabaseOptions = {},
  ) {
    this.faults = options.faults ?? new FaultInjector();
    this.baseNow = options.now ?? realNow;
    this.serverNow = options.serverNow ?? (() => Date.now());
  }

  /** The transactions' clock: their 30 s expiry and the lock waits run on it. */
  private now(): number {
    return this.baseNow() + this.transactionClockOffsetMs;
  }

  /**
   * Moves the transactions' clock on by `ms` (tests: a transaction left open by a cut invocation
   * expires without 30 s of waiting); a plain write waiting on a lock that has now expired runs at once.
   */
  advanceTransactionClock(ms: number): void {
    this.transactionClockOffsetMs += ms;
    for (const wake of [...this.lockWaiters]) wake();
  }

  async handle(action: string, params: Params | null | undefined): Promise<DbResponse> {
    const requestId = crypto.randomUUID();
    this.requestCounts.set(action, (this.requestCounts.get(action) ?? 0) + 1);
    const p = params ?? {};
    try {
      if (this.faults.transient()) {
        throw new DbError('DATABASE_TIMEOUT', `ESOCKETTIMEDOUT: request ${action} timed out (injected fault)`);
      }
      let data: object;
      const durable = this.isDurableWrite(action, p);
      if (action === 'database.commitTransaction') data = await this.commitGrouped(String(p.transactionId ?? ''));
      else {
        data = await this.dispatch(action, p);
        // A write outside a transaction is acknowledged once its group commit is on disk.
        if (durable) await this.store.groupDurable();
      }
      const response = { ...(data as object), requestId } as DbResponse;
      if (durable && this.faults.lostReply()) {
        throw new DbError('DATABASE_TIMEOUT', `ESOCKETTIMEDOUT: reply of ${action} lost (injected fault, the write was applied)`);
      }
      return response;
    } catch (e) {
      if (e instanceof DbError || e instanceof StoreError) return { code: e.code, message: e.message, requestId };
      if (e instanceof GeoError) return { code: 'DATABASE_REQUEST_FAILED', message: e.message, requestId };
      return { code: 'DATABASE_REQUEST_FAILED', message: (e as Error).message ?? String(e), requestId };
    }
  }

  private isDurableWrite(action: string, p: Params): boolean {
    if (action === 'database.commitTransaction') return true;
    return isPlainWrite(action) && !p.transactionId;
  }

  private async dispatch(action: string, p: Params): Promise<object> {
    switch (action) {
      case 'database.startTransaction':
        return this.startTransaction();
      case 'database.abortTransaction':
        return this.abortTransaction(String(p.transactionId ?? ''));
      case 'database.addCollection':
        return this.addCollection(this.collectionName(p, false));
    }
    const coll = this.collectionName(p, true);
    const tx = p.transactionId ? this.openTransaction(String(p.transactionId)) : undefined;
    if (tx && p.queryType !== 'DOC' && action !== 'database.insertDocument') {
      throw new DbError('DATABASE_TRANSACTION_FAIL', 'only collection().doc(id) get/set/update/remove and add are supported in a transaction');
    }
    // serverDate() inside a transaction is the server's time at the write (decode resolves the marker).
    if (!tx && isPlainWrite(action)) await this.waitForLocks(coll, p);
    switch (action) {
      case 'database.getDocument':
        return tx ? this.txGet(tx, coll, docId(p)) : this.get(coll, p);
      case 'database.calculateDocument':
        return { data: { total: this.countMatches(coll, decode(p.query as string) as object | undefined) } };
      case 'database.insertDocument':
        return tx ? this.txInsert(tx, coll, p) : this.insert(coll, p);
      case 'database.modifyDocument':
        return tx ? this.txModify(tx, coll, p) : this.modify(coll, p);
      case 'database.modifyAndReturnDoc':
        return this.modifyAndReturn(coll, p);
      case 'database.removeDocument':
        return tx ? this.txRemove(tx, coll, docId(p)) : this.remove(coll, p);
      case 'database.aggregateDocuments':
        return this.aggregate(coll, p);
      default:
        throw new DbError('INVALID_PARAM', `unsupported database action: ${action}`);
    }
  }

  private collectionName(p: Params, mustExist: boolean): string {
    const name = p.collectionName;
    if (typeof name !== 'string' || name === '') throw new DbError('INVALID_PARAM', 'collectionName is required');
    if (mustExist && !this.store.hasCollection(name)) {
      throw collectionNotFound(name);
    }
    return name;
  }

  // ---------------------------------------------------------------- reads

  /**
   * Documents of `coll` matching `query`, in `order` (default: natural, insertion order, as the cloud
   * answers), after `offset`, at most `limit`. What the indexes can answer is asked of SQLite
   * (`query-sql.ts`): conditions on `_id` and indexed fields, an order on them, and — when the whole
   * query is in SQL — the window. mingo re-tests each row when part of the query stayed outside SQL,
   * and sorts only an order SQLite cannot give; rows are read lazily and the read stops once the
   * window is full. Geo conditions (`geo.ts`) filter, and a near query orders nearest first.
   */
  private find(coll: string, query: object | undefined, window: { order?: SortSpec; offset?: number; limit?: number } = {}): Doc[] {
    const { rest: plain, geo } = splitGeo((query ?? {}) as Record<string, unknown>);
    if (geo.length) {
      const near = applyGeo(this.find(coll, plain), geo);
      const sorted = window.order?.length ? find(near, {}).sort(Object.fromEntries(window.order)) : find(near, {});
      const skipped = sorted.skip(window.offset ?? 0);
      return (window.limit !== undefined ? skipped.limit(window.limit) : skipped).all() as Doc[];
    }
    const q = (query ?? {}) as Record<string, unknown>;
    const pushable = this.store.indexedFieldsAll(coll);
    const t = translateQuery(q, pushable, { coll, fields: this.store.multikeyOf(coll) });
    const order = window.order ?? [];
    const orderBy = order.length ? orderBySql(order, pushable) : 'ord ASC';
    const offset = window.offset ?? 0;
    const limit = window.limit;
    if (t.exact && orderBy !== null) {
      return this.store.selectAll(coll, { conditions: t.conditions, orderBy, limit, offset: offset || undefined }).map((s) => s.doc);
    }
    const test = t.exact ? () => true : compileQuery(q);
    const out: Doc[] = [];
    if (orderBy !== null) {
      let skipped = 0;
      if (limit === 0) return out;
      for (const { doc } of this.store.select(coll, { conditions: t.conditions, orderBy })) {
        if (!test(doc)) continue;
        if (skipped < offset) {
          skipped += 1;
          continue;
        }
        out.push(doc);
        if (limit !== undefined && out.length >= limit) break;
      }
      return out;
    }
    for (const { doc } of this.store.selectAll(coll, { conditions: t.conditions })) if (test(doc)) out.push(doc);
    const sorted = find(out, {}).sort(Object.fromEntries(order)).skip(offset);
    return (limit !== undefined ? sorted.limit(limit) : sorted).all() as Doc[];
  }

  /** How many documents match: a SQL count when the query is all in SQL, else the matches counted. */
  private countMatches(coll: string, query: object | undefined): number {
    const q = (query ?? {}) as Record<string, unknown>;
    const t = translateQuery(q, this.store.indexedFieldsAll(coll), { coll, fields: this.store.multikeyOf(coll) });
    if (t.exact) return this.store.countWhere(coll, t.conditions);
    const test = compileQuery(q);
    let n = 0;
    for (const { doc } of this.store.select(coll, { conditions: t.conditions })) if (test(doc)) n += 1;
    return n;
  }

  private get(coll: string, p: Params) {
    const query = decode(p.query as string) as object | undefined;
    const offset = Math.max(0, Number(p.offset ?? 0) | 0);
    const requested = p.limit === undefined ? DEFAULT_GET_LIMIT : Number(p.limit) | 0;
    const limit = Math.min(Math.max(requested, 0) || DEFAULT_GET_LIMIT, MAX_GET_LIMIT);
    const order = decode(p.order as string) as Record<string, 1 | -1> | undefined;
    const projection = decode(p.projection as string) as Record<string, 0 | 1> | undefined;
    // doc(id).get(), the commonest read: straight to the primary key, skipping the query planner.
    const id = p.queryType === 'DOC' && !order && offset === 0 ? onlyId(query) : undefined;
    const docs =
      id !== undefined
        ? byId(this.store.get(coll, id))
        : this.find(coll, query, { order: order ? (Object.entries(order) as SortSpec) : undefined, offset, limit });
    const list = projection && Object.keys(projection).length ? find(docs, {}, projection).all() : docs;
    return { data: { list: list.map(encode), offset, limit } };
  }

  private aggregate(coll: string, p: Params) {
    const stages = (p.stages ?? []) as { stageKey: string; stageValue: string }[];
    const pipeline = stages.map((s) => ({ [s.stageKey]: decode(s.stageValue) }));
    checkPipeline(pipeline);
    const resolver = (name: string) => {
      if (!this.store.hasCollection(name)) throw collectionNotFound(name);
      return this.store.scan(name).map((s) => s.doc);
    };
    const first = pipeline[0] as Record<string, unknown> | undefined;
    const source = first && '$match' in first ? this.find(coll, first.$match as object) : this.store.scan(coll).map((s) => s.doc);
    const rest = first && '$match' in first ? pipeline.slice(1) : pipeline;
    const list = runPipeline(source, rest, { collectionResolver: resolver }, (docs, query) => {
      const { rest: plain, geo } = splitGeo(query as Record<string, unknown>);
      const mq = new Query(plain);
      return applyGeo(
        docs.filter((d) => mq.test(d)),
        geo,
      );
    });
    return { data: { list: list.map(encode) } };
  }

  // ---------------------------------------------------------------- writes outside transactions

  private insert(coll: string, p: Params) {
    const docs = ((p.data ?? []) as string[]).map((text) => withId(decode(text, this.serverNow) as Record<string, unknown>));
    this.store.inGroup(() => {
      for (const doc of docs) this.storeInsert(coll, doc);
    });
    return { data: { insertedIds: docs.map((d) => d._id) } };
  }

  private modify(coll: string, p: Params) {
    const data = decode(p.data as string, this.serverNow) as Record<string, unknown>;
    if (p.merge === false) {
      // doc(id).set(): replace the whole document, creating it if missing.
      const id = docId(p);
      const doc = { ...stripId(data), _id: id } as Doc;
      return this.store.inGroup(() => {
        const existing = this.store.get(coll, id);
        if (existing) {
          this.storeReplace(coll, doc);
          return { data: { updated: 1, upsert_id: null } };
        }
        this.storeInsert(coll, doc);
        return { data: { updated: 0, upsert_id: id } };
      });
    }
    const query = decode(p.query as string) as object | undefined;
    const multi = p.queryType === 'DOC' ? false : p.multi !== false;
    const updated = this.store.inGroup(() => {
      let n = 0;
      for (const doc of this.find(coll, query, multi ? {} : { limit: 1 })) {
        if (applyModifier(doc, data, query)) {
          this.storeReplace(coll, doc);
          n += 1;
        }
        if (!multi) break;
      }
      return n;
    });
    return { data: { updated, upsert_id: null } };
  }

  private modifyAndReturn(coll: string, p: Params) {
    const data = decode(p.data as string, this.serverNow) as Record<string, unknown>;
    const query = decode(p.query as string) as object | undefined;
    return this.store.inGroup(() => {
      const doc = this.find(coll, query, { limit: 1 })[0];
      if (!doc) return { data: { updated: 0, doc: null } };
      const changed = applyModifier(doc, data, query);
      if (changed) this.storeReplace(coll, doc);
      return { data: { updated: changed ? 1 : 0, doc: encode(doc) } };
    });
  }

  private remove(coll: string, p: Params) {
    const query = decode(p.query as string) as object | undefined;
    const multi = p.queryType === 'DOC' ? false : p.multi !== false;
    const deleted = this.store.inGroup(() => {
      let n = 0;
      for (const doc of this.find(coll, query, multi ? {} : { limit: 1 })) {
        if (this.storeRemove(coll, doc._id)) n += 1;
        if (!multi) break;
      }
      return n;
    });
    return { data: { deleted } };
  }

  // ---------------------------------------------------------------- transactions
  //
  // The cloud's model (MongoDB transactions under the cloud database), kept here:
  // - a transaction reads a snapshot taken when it starts: a document changed later reads as it was;
  // - a document written in a transaction is locked until the transaction ends. Another transaction's
  //   write to it fails at once (DATABASE_TRANSACTION_CONFLICT, 其它事务的写入会直接失败); a plain
  //   write outside any transaction waits until the lock is released (bounded by the lock's expiry,
  //   the transaction's 30 s), then applies;
  // - a transaction's write to a document changed since its snapshot fails at once as a conflict
  //   (MongoDB's WriteConflict): no update is ever lost;
  // - at commit, documents that were only read are not checked again (MongoDB does not validate read
  //   sets): a transaction whose reads went stale but that did not write them commits.

  private startTransaction() {
    let end = () => undefined as void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const tx: Transaction = {
      id: `tx_${crypto.randomUUID()}`,
      startedAt: this.now(),
      snapshotSeq: this.store.currentSeq(),
      reads: new Map(),
      writes: new Map(),
      state: 'open',
      ended,
      end,
    };
    this.transactions.set(tx.id, tx);
    this.openCount += 1;
    this.sweep();
    return { transactionId: tx.id };
  }

  private sweep() {
    const cutoff = this.now() - TRANSACTION_TTL_MS * 2;
    for (const [id, tx] of this.transactions) {
      if (tx.state === 'open' && this.expired(tx)) this.finish(tx, 'aborted');
      if (tx.state !== 'open' || tx.startedAt < cutoff) this.transactions.delete(id);
    }
  }

  private expired(tx: Transaction): boolean {
    return this.now() - tx.startedAt > TRANSACTION_TTL_MS;
  }

  /** Ends a transaction: releases its locks, wakes the writers waiting on them, drops unneeded versions. */
  private finish(tx: Transaction, state: 'committed' | 'aborted') {
    const wasOpen = tx.state === 'open';
    tx.state = state;
    for (const k of tx.writes.keys()) if (this.locks.get(k) === tx) this.locks.delete(k);
    tx.end();
    this.prunePriorVersions();
    if (wasOpen && (this.openCount -= 1) === 0) {
      for (const wake of [...this.quietWaiters]) wake();
      this.quietWaiters.clear();
    }
  }

  /**
   * Settles once no transaction is open (null: none is now). A test's virtual time moves on only
   * then (local-cloud/database/sleeper.ts): a contender backing off wakes after the holder's work is
   * done, as it would after a real wait, not while the holder still runs.
   */
  whenNoOpenTransactions(): Promise<void> | null {
    if (this.openCount === 0) return null;
    return new Promise<void>((resolve) => this.quietWaiters.add(resolve));
  }

  private openTransaction(id: string): Transaction {
    const tx = this.transactions.get(id);
    if (!tx) throw new DbError('DATABASE_TRANSACTION_FAIL', `[ResourceUnavailable.TransactionNotExist] Transaction does not exist on the server: ${id}`);
    if (tx.state !== 'open') throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${id} is ${tx.state}`);
    if (this.expired(tx)) {
      this.finish(tx, 'aborted');
      throw new DbError('DATABASE_TRANSACTION_FAIL', `transaction ${id} expired: a transaction may last ${TRANSACTION_TTL_MS / 1000}s`);
    }
    return tx;
  }

  private conflict(tx: Transaction, what: string): never {
    this.finish(tx, 'aborted');
    throw new DbError('DATABASE_TRANSACTION_CONFLICT', `Transaction is conflict: ${what}`);
  }

  /** The open, unexpired transaction holding the lock on a document, if any. */
  private lockHolder(k: string): Transaction | undefined {
    const holder = this.locks.get(k);
    if (!holder) return undefined;
    if (holder.state !== 'open' || this.expired(holder)) {
      if (holder.state === 'open') this.finish(holder, 'aborted');
      this.locks.delete(k);
      return undefined;
    }
    return holder;
  }

  /**
   * A plain write waits while a document it would change is locked by a transaction: until the
   * transaction ends, or its lock expires (the transaction's 30 s), then it runs on what is there.
   */
  private async waitForLocks(coll: string, p: Params): Promise<void> {
    let since = 0;
    for (;;) {
      if (this.locks.size === 0) break;
      let holder: Transaction | undefined;
      for (const id of this.affectedIds(coll, p)) {
        holder = this.lockHolder(key(coll, id));
        if (holder) break;
      }
      if (!holder) break;
      if (!since) since = Date.now();
      // Woken by the transaction's end or a move of the transactions' clock, else re-checked now and
      // then (a clock injected through `options.now` moves without telling).
      const left = Math.min(LOCK_RECHECK_MS, Math.max(0, holder.startedAt + TRANSACTION_TTL_MS + 1 - this.now()));
      let timer: NodeJS.Timeout | undefined;
      let wake: (() => void) | undefined;
      await Promise.race([
        holder.ended,
        new Promise<void>((resolve) => {
          wake = resolve;
          this.lockWaiters.add(resolve);
          timer = setTimeout(resolve, left);
        }),
      ]);
      clearTimeout(timer);
      if (wake) this.lockWaiters.delete(wake);
    }
    if (since) {
      this.lockWaits.writes += 1;
      this.lockWaits.waitedMs += Date.now() - since;
    }
  }

  /** The ids a plain write would touch (decided again after every wait). */
  private affectedIds(coll: string, p: Params): string[] {
    if (Array.isArray(p.data))
      return (p.data as string[]).map((text) => (decode(text) as { _id?: unknown } | undefined)?._id).filter((id): id is string => typeof id === 'string');
    const q = decode(p.query as string) as { _id?: unknown } | undefined;
    if (p.queryType === 'DOC' && q && typeof q._id === 'string') return [q._id];
    return this.find(coll, q as object | undefined).map((d) => d._id);
  }

  /** Keeps the version a write is about to replace while some open transaction's snapshot predates it. */
  private keepPriorVersion(coll: string, id: string) {
    let newest = -1;
    for (const tx of this.transactions.values()) if (tx.state === 'open') newest = Math.max(newest, tx.snapshotSeq);
    if (newest < 0) return;
    const stored = this.store.get(coll, id);
    const rev = stored?.rev ?? 0;
    if (rev > newest) return; // newer than every open snapshot: none of them can see this version
    const k = key(coll, id);
    const list = this.priorVersions.get(k) ?? [];
    list.push({ rev, doc: stored ? stored.doc : null, supersededBy: Infinity });
    this.priorVersions.set(k, list);
  }

  /** Marks the newest kept version of a document as replaced by revision `by`. */
  private supersede(coll: string, id: string, by: number) {
    const list = this.priorVersions.get(key(coll, id));
    const last = list?.[list.length - 1];
    if (last && last.supersededBy === Infinity) last.supersededBy = by;
  }

  private prunePriorVersions() {
    let oldest = Infinity;
    for (const tx of this.transactions.values()) if (tx.state === 'open') oldest = Math.min(oldest, tx.snapshotSeq);
    if (oldest === Infinity) return this.priorVersions.clear();
    for (const [k, list] of this.priorVersions) {
      const kept = list.filter((v) => v.supersededBy > oldest);
      if (kept.length) this.priorVersions.set(k, kept);
      else this.priorVersions.delete(k);
    }
  }

  // Every write to the store goes through these, so open snapshots keep the versions they may read.
  private storeInsert(coll: string, doc: Doc) {
    this.keepPriorVersion(coll, doc._id);
    this.supersede(coll, doc._id, this.store.insert(coll, doc));
  }

  private storeReplace(coll: string, doc: Doc) {
    this.keepPriorVersion(coll, doc._id);
    this.supersede(coll, doc._id, this.store.replace(coll, doc));
  }

  private storeRemove(coll: string, id: string): boolean {
    this.keepPriorVersion(coll, id);
    const removed = this.store.remove(coll, id);
    if (removed) this.supersede(coll, id, this.store.currentSeq());
    return removed;
  }

  /** The document as this transaction sees it: its own pending write, else its snapshot's version. */
  private txRead(tx: Transaction, coll: string, id: string): Doc | null {
    const k = key(coll, id);
    const pending = tx.writes.get(k);
    if (pending) return pending.doc ? structuredClone(pending.doc) : null;
    const stored = this.store.get(coll, id);
    const rev = stored?.rev ?? 0;
    if (rev <= tx.snapshotSeq) {
      if (!tx.reads.has(k)) tx.reads.set(k, rev);
      return stored ? stored.doc : null;
    }
    // Changed since the snapshot: the version the snapshot saw.
    const seen = (this.priorVersions.get(k) ?? []).find((v) => v.rev <= tx.snapshotSeq && v.supersededBy > tx.snapshotSeq);
    if (!seen) this.conflict(tx, `${coll}/${id} changed after the transaction started`);
    if (!tx.reads.has(k)) tx.reads.set(k, seen.rev);
    return seen.doc ? structuredClone(seen.doc) : null;
  }

  private txWrite(tx: Transaction, coll: string, id: string, doc: Doc | null, created: boolean) {
    if (this.faults.conflict()) this.conflict(tx, `${coll}/${id} (injected fault)`);
    const k = key(coll, id);
    const holder = this.lockHolder(k);
    if (holder && holder !== tx) this.conflict(tx, `${coll}/${id} is locked by another transaction`);
    if (this.store.rev(coll, id) > tx.snapshotSeq) this.conflict(tx, `${coll}/${id} changed after the transaction started`);
    this.locks.set(k, tx);
    const prior = tx.writes.get(k);
    tx.writes.set(k, { coll, id, doc, created: prior ? prior.created : created });
  }

  private txGet(tx: Transaction, coll: string, id: string) {
    const doc = this.txRead(tx, coll, id);
    return { data: { list: doc ? [encode(doc)] : [] } };
  }

  private txInsert(tx: Transaction, coll: string, p: Params) {
    const docs = ((p.data ?? []) as string[]).map((text) => withId(decode(text, this.serverNow) as Record<string, unknown>));
    for (const doc of docs) {
      const existing = this.txRead(tx, coll, doc._id);
      if (existing) throw new DbError('DATABASE_DUPLICATE_WRITE', duplicateIdMessage(coll, doc._id));
      this.txWrite(tx, coll, doc._id, doc, true);
    }
    return { data: { insertedIds: docs.map((d) => d._id) } };
  }

  private txModify(tx: Transaction, coll: string, p: Params) {
    const id = docId(p);
    const data = decode(p.data as string, this.serverNow) as Record<string, unknown>;
    const existing = this.txRead(tx, coll, id);
    if (p.merge === false) {
      this.txWrite(tx, coll, id, { ...stripId(data), _id: id } as Doc, !existing);
      return { data: existing ? { updated: 1, upsert_id: null } : { updated: 0, upsert_id: id } };
    }
    if (!existing) return { data: { updated: 0, upsert_id: null } };
    const changed = applyModifier(existing, data, { _id: id });
    if (changed) this.txWrite(tx, coll, id, existing, false);
    return { data: { updated: changed ? 1 : 0, upsert_id: null } };
  }

  private txRemove(tx: Transaction, coll: string, id: string) {
    const existing = this.txRead(tx, coll, id);
    if (!existing) return { data: { deleted: 0 } };
    this.txWrite(tx, coll, id, null, false);
    return { data: { deleted: 1 } };
  }

  /**
   * Commits through the store's group commit (`DocumentStore.inGroup`): validated and written at
   * once, so a later transaction sees it and a conflicting one fails at once, and acknowledged once
   * the group that holds it is durable.
   */
  private async commitGrouped(id: string): Promise<object> {
    const tx = this.openTransaction(id);
    if (tx.writes.size > 0 && this.faults.conflict()) this.conflict(tx, 'commit (injected fault)');
    let durable: Promise<void>;
    try {
      this.store.inGroup(() => {
        for (const w of tx.writes.values()) {
          // The lock kept every other writer out since this transaction's write; this only guards the model.
          if (this.store.rev(w.coll, w.id) > tx.snapshotSeq) this.conflict(tx, `${w.coll}/${w.id} changed by another writer`);
          if (w.doc === null) this.storeRemove(w.coll, w.id);
          else if (w.created) this.storeInsert(w.coll, w.doc);
          else this.storeReplace(w.coll, w.doc);
        }
      });
      // Both taken now, of this transaction's group (once it has committed, another may be open).
      durable = this.store.groupDurable();
      await this.store.groupCommitted();
    } catch (e) {
      // Not committed (a store that refuses writes, a failed COMMIT): its locks go now, not at expiry.
      if (tx.state === 'open') this.finish(tx, 'aborted');
      throw e;
    }
    // Locks are released at the COMMIT, before the flush: a transaction that then writes these
    // documents commits after this one, so its own acknowledgement waits for a flush that covers
    // this one too (see DocumentStore.inGroup). Holding them through the flush would only turn
    // concurrent writers of a hot document into conflicts.
    this.finish(tx, 'committed');
    // Acknowledged once the group that holds it is on disk.
    await durable;
    return { data: {} };
  }

  private abortTransaction(id: string) {
    const tx = this.transactions.get(id);
    if (tx && tx.state === 'open') this.finish(tx, 'aborted');
    return { data: {} };
  }

  // ---------------------------------------------------------------- collections

  private addCollection(name: string) {
    if (!this.store.createCollection(name)) {
      throw new DbError('DATABASE_COLLECTION_ALREADY_EXIST', '[ResourceUnavailable.ResourceExist] Table exist.');
    }
    return { data: {} };
  }
}

function isPlainWrite(action: string): boolean {
  return (
    action === 'database.insertDocument' ||
    action === 'database.modifyDocument' ||
    action === 'database.removeDocument' ||
    action === 'database.modifyAndReturnDoc'
  );
}

/** The cloud's text for a missing collection (the SDK maps the code to errCode -502005). */
function collectionNotFound(name: string): DbError {
  return new DbError(
    'DATABASE_COLLECTION_NOT_EXIST',
    `[ResourceNotFound] Db or Table not exist: ${name}. Please check your request, but if the problem persists, contact us.`,
  );
}

function duplicateIdMessage(coll: string, id: string): string {
  return `E11000 duplicate key error collection: ${coll} index: _id_ dup key: { _id: ${JSON.stringify(id)} }`;
}

/**
 * A compiled mingo query, cached by its shape: building a Query (parsing operators, resolving paths)
 * cost more than testing a document with it. Values are part of the key, so the cache is bounded.
 */
const compiledQueries = new Map<string, (doc: Doc) => boolean>();
function compileQuery(q: Record<string, unknown>): (doc: Doc) => boolean {
  if (Object.keys(q).length === 0) return () => true;
  let k: string | undefined;
  try {
    // Dates and regular expressions tagged, so they never share a key with a string.
    k = JSON.stringify(q, function tag(this: Record<string, unknown>, key: string, v: unknown) {
      const raw = this[key];
      if (raw instanceof Date) return `\u0000date:${raw.getTime()}`;
      if (raw instanceof RegExp) return `\u0000re:/${raw.source}/${raw.flags}`;
      return v;
    });
  } catch {
    k = undefined;
  }
  const hit = k !== undefined ? compiledQueries.get(k) : undefined;
  if (hit) return hit;
  const mq = new Query(q);
  const test = (doc: Doc) => mq.test(doc);
  if (k !== undefined) {
    if (compiledQueries.size >= 1000) compiledQueries.clear();
    compiledQueries.set(k, test);
  }
  return test;
}

/** The id of a query that is exactly `{ _id: <string> }` (what `doc(id)` sends), else undefined. */
function onlyId(query: object | undefined): string | undefined {
  if (!query) return undefined;
  let id: unknown;
  for (const k in query) {
    if (k !== '_id') return undefined;
    id = (query as { _id: unknown })._id;
  }
  return typeof id === 'string' ? id : undefined;
}

const byId = (found: { doc: Doc } | undefined): Doc[] => (found ? [found.doc] : []);

function docId(p: Params): string {
  const q = decode(p.query as string) as { _id?: unknown } | undefined;
  if (!q || typeof q._id !== 'string' || q._id === '') throw new DbError('INVALID_PARAM', 'document _id is required');
  return q._id;
}

function withId(doc: Record<string, unknown>): Doc {
  if (doc._id === undefined || doc._id === null || doc._id === '') {
    // The cloud's generated ids are 32 hex characters.
    return { ...doc, _id: crypto.randomBytes(16).toString('hex') } as Doc;
  }
  if (typeof doc._id !== 'string') return { ...doc, _id: String(doc._id) } as Doc;
  return doc as Doc;
}

function stripId(doc: Record<string, unknown>): Record<string, unknown> {
  const { _id: _ignored, ...rest } = doc;
  return rest;
}

const UPDATE_OPERATORS = new Set([
  '$set',
  '$inc',
  '$mul',
  '$unset',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$min',
  '$max',
  '$rename',
  '$currentDate',
  '$bit',
]);

/**
 * Applies an update document in place; plain fields (no operator) are set. Returns whether it changed.
 * `query` is the write's query: the positional `'arr.$'` update names the element it matched.
 */
function applyModifier(doc: Doc, data: Record<string, unknown>, query?: object): boolean {
  const modifier: Record<string, Record<string, unknown>> = {};
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith('$')) {
      if (!UPDATE_OPERATORS.has(k)) throw new DbError('INVALID_PARAM', `unsupported update operator ${k}`);
      modifier[k] = { ...(modifier[k] ?? {}), ...(v as Record<string, unknown>) };
    } else {
      modifier.$set = { ...(modifier.$set ?? {}), [k]: v };
    }
  }
  for (const fields of Object.values(modifier)) {
    if (Object.keys(fields).some((f) => f === '_id' || f.startsWith('_id.'))) throw new DbError('INVALID_PARAM', '不能更新_id的值');
  }
  if (modifier.$addToSet) modifier.$addToSet = addToSetEach(modifier.$addToSet);
  const positional = Object.values(modifier).some((fields) => Object.keys(fields).some((f) => f === '$' || f.includes('.$.') || f.endsWith('.$')));
  if (positional && !positionalMatches(doc, modifier, query)) {
    throw new DbError('DATABASE_REQUEST_FAILED', 'The positional operator did not find the match needed from the query.');
  }
  if (!positional) {
    // Plain $set/$inc/$unset without mingo's updater (update-fast.ts); anything else falls through.
    const simple = applySimpleUpdate(doc, modifier);
    if (simple !== null) return simple;
  }
  try {
    return applyUpdate(doc, modifier as never, undefined, positional ? (withoutGeo(query ?? {}) as never) : undefined).length > 0;
  } catch (e) {
    throw new DbError('DATABASE_REQUEST_FAILED', (e as Error).message);
  }
}

/**
 * `_.addToSet({ each: [...] })`, as the documentation's parameter table names it, arrives as
 * `{ each: [...] }` (wx-server-sdk does not rename it): it means MongoDB's `$each`.
 */
function addToSetEach(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [f, v] of Object.entries(fields)) {
    const each = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 ? (v as { each?: unknown }).each : undefined;
    out[f] = Array.isArray(each) ? { $each: each } : v;
  }
  return out;
}

/** Whether the query names an element of every array a positional path updates (MongoDB refuses otherwise). */
function positionalMatches(doc: Doc, modifier: Record<string, Record<string, unknown>>, query: object | undefined): boolean {
  const q = (query ?? {}) as Record<string, unknown>;
  for (const fields of Object.values(modifier)) {
    for (const f of Object.keys(fields)) {
      const at = f.indexOf('.$');
      if (at < 0) continue;
      const arrayPath = f.slice(0, at);
      const named = Object.keys(q).some((qk) => qk === arrayPath || qk.startsWith(arrayPath + '.')) || JSON.stringify(q).includes(`"${arrayPath}`);
      if (!named || !Array.isArray(arrayPath.split('.').reduce<unknown>((o, part) => (o as Record<string, unknown> | undefined)?.[part], doc))) return false;
    }
  }
  return true;
}
