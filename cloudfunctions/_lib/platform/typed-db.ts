import type cloudSdk from 'wx-server-sdk';
import type { CollectionName, DocOf } from '../../../shared/schemas/collections';

/**
 * The SDK's database object, typed by collection (types only: the object at run time is the SDK's own).
 * `collection('members')` gives a collection of `MemberDoc` (shared/schemas/collections.ts): `add` and
 * `doc(id).set` take the document without `_id`, `doc(id).update` and `where(…).update` take some of its
 * fields — by name or by a dotted path that exists (`'points.reconcileDue'`) — each as a value of the
 * field's type or an update command that fits it (`_.set(v)` of that type, `_.inc` on numbers, `_.remove()`
 * on optional fields, `db.serverDate()` on dates). A misspelt collection or field does not compile.
 */
type SdkDatabase = ReturnType<typeof cloudSdk.database>;
type SdkCommand = SdkDatabase['command'];
type SdkCollection = ReturnType<SdkDatabase['collection']>;
type SdkDocument = ReturnType<SdkCollection['doc']>;

declare const op: unique symbol;
/** `_.set(value)`: replaces the field with `value` as is (an object is not merged). */
interface SetOp<V> {
  readonly [op]: { set: V };
}
/** `_.remove()`: only where the field may be absent. */
interface RemoveOp {
  readonly [op]: 'remove';
}
/** `_.inc` / `_.mul` / `_.min` / `_.max`: only on numbers. */
interface NumberOp {
  readonly [op]: 'number';
}
/** `_.push` / `_.pull` / `_.addToSet` of elements of type `E`: only on arrays of them. */
interface ArrayOp<E> {
  readonly [op]: { array: E };
}
/** `db.serverDate()`: only on dates. */
export interface ServerDateOp {
  readonly [op]: 'serverDate';
}

export type TypedCommand = Omit<SdkCommand, 'set' | 'remove' | 'inc' | 'mul' | 'min' | 'max' | 'push' | 'pull' | 'addToSet'> & {
  set<V>(value: V): SetOp<V>;
  remove(): RemoveOp;
  inc(value: number): NumberOp;
  mul(value: number): NumberOp;
  min(value: number): NumberOp;
  max(value: number): NumberOp;
  push<E>(...values: E[]): ArrayOp<E>;
  pull<E>(value: E): ArrayOp<E>;
  addToSet<E>(value: E): ArrayOp<E>;
};

/** What an update may write into a field of type `V`. */
type FieldUpdate<V> =
  | V
  | SetOp<V>
  | (undefined extends V ? RemoveOp : never)
  | (NonNullable<V> extends number ? NumberOp : never)
  | (Date extends NonNullable<V> ? ServerDateOp : never)
  | (NonNullable<V> extends readonly (infer E)[] ? ArrayOp<E> : never);

/** A nested object whose fields are named (not a map keyed by data, a date or an array): dotted paths go into it. */
type Nested<V> = V extends Date | readonly unknown[] ? false : V extends object ? (string extends keyof V ? false : true) : false;
type Shallower = [never, 0, 1, 2];
/** Field names and the dotted paths into nested objects, three levels deep at most (enough for every document). */
type Paths<T, D extends number = 3> = [D] extends [never]
  ? never
  : { [K in keyof T & string]: K | (Nested<NonNullable<T[K]>> extends true ? `${K}.${Paths<NonNullable<T[K]>, Shallower[D]>}` : never) }[keyof T & string];
type PathValue<T, P extends string> = P extends `${infer K}.${infer R}`
  ? K extends keyof T
    ? PathValue<NonNullable<T[K]>, R>
    : never
  : P extends keyof T
    ? T[P]
    : never;

/** The `data` of an update: some fields of the document, by name or dotted path (never `_id`). */
type UpdateOf<T> = T extends unknown ? { [P in Paths<Omit<T, '_id'>>]?: FieldUpdate<PathValue<T, P>> } : never;
/** A document's dates may be written as the server's time. */
type WithServerDates<T> = { [K in keyof T]: Date extends NonNullable<T[K]> ? T[K] | ServerDateOp : T[K] };
/** The `data` of `doc(id).set`: the whole document but its `_id`. */
export type SetOf<T> = T extends unknown ? WithServerDates<Omit<T, '_id'>> : never;
/** The `data` of `add`: the document, its `_id` chosen by the caller or by the database. */
type AddOf<T> = T extends unknown ? WithServerDates<Omit<T, '_id'>> & { _id?: string } : never;

interface TypedDocument<T> {
  readonly _id: string | number;
  get(): ReturnType<SdkDocument['get']>;
  set(options: { data: SetOf<T> }): ReturnType<SdkDocument['set']>;
  update(options: { data: UpdateOf<T> }): ReturnType<SdkDocument['update']>;
  remove(): ReturnType<SdkDocument['remove']>;
}

interface TypedQuery<T> {
  where(condition: object): TypedQuery<T>;
  orderBy(fieldPath: string, order: 'asc' | 'desc'): TypedQuery<T>;
  limit(max: number): TypedQuery<T>;
  skip(offset: number): TypedQuery<T>;
  field(projection: object): TypedQuery<T>;
  get(): ReturnType<SdkCollection['get']>;
  count(): ReturnType<SdkCollection['count']>;
  update(options: { data: UpdateOf<T> }): ReturnType<SdkCollection['update']>;
  remove(): ReturnType<SdkCollection['remove']>;
}

export interface TypedCollection<T> extends TypedQuery<T> {
  readonly collectionName: string;
  doc(id: string): TypedDocument<T>;
  add(options: { data: AddOf<T> }): ReturnType<SdkCollection['add']>;
  aggregate(): ReturnType<SdkCollection['aggregate']>;
}

export type TypedDatabase = Omit<SdkDatabase, 'collection' | 'command' | 'serverDate'> & {
  collection<N extends CollectionName>(name: N): TypedCollection<DocOf<N>>;
  readonly command: TypedCommand;
  serverDate(): ServerDateOp;
};

/** Inside a transaction: doc-by-id reads and writes and `add` only (the cloud allows no queries there). */
interface TxDocument<T> {
  get(): Promise<{ data: T | null }>;
  set(options: { data: SetOf<T> }): Promise<unknown>;
  update(options: { data: UpdateOf<T> }): Promise<{ updated: number }>;
  remove(): Promise<{ deleted: number }>;
}
export interface TxCollection<T> {
  doc(id: string): TxDocument<T>;
  add(options: { data: AddOf<T> }): Promise<{ id: string }>;
}
export interface Tx {
  collection<N extends CollectionName>(name: N): TxCollection<DocOf<N>>;
}
