/**
 * The walks of the checkpointed jobs (job-runner.ts): a step's `findDue` and `cursorOf` for a forward walk
 * over an ordered index, so a resumed run (after a crash or a spent budget) continues after the last
 * item done and a chunk costs the same at any depth. Two orders:
 * - `walkById`: under an indexed condition, by `_id`; the cursor is the last `_id`;
 * - `walkByInstant`: an indexed instant field within a window `[from, to)`, by the field and `_id`;
 *   the cursor `<ISO instant>|<_id>`. Items sharing an instant are walked by `_id` first (an equality
 *   on the field and `_id > id`), then the walk moves past that instant: every condition is one the
 *   index answers exactly, no `$or`.
 * Either may `enrich` a chunk with its batched reads (the members, the keys already logged: one `_.in`
 * query each, not one per item).
 */
import { database } from './cloud';
import { queryDocs } from './db';
import type { CollectionName } from '../../../shared/schemas/collections';

export interface InstantWindow {
  from: string;
  to: string;
}

/** A step's walk: the chunk of due items after the cursor, and the cursor after an item. */
interface Walk<S, U extends { _id: string }> {
  findDue(n: number, ctx: { cursor: string | null; state: S }): Promise<U[]>;
  cursorOf(item: U): string;
}

type Enrich<T, U> = (items: T[]) => Promise<U[]>;

const SEP = '|';

/** `collection` by `_id` after the cursor, under the indexed condition `where` (null: nothing to do). */
export function walkById<T extends { _id: string }, U extends { _id: string } = T>(
  collection: CollectionName,
  where: Record<string, unknown> | null,
  enrich?: Enrich<T, U>,
): Walk<unknown, U> {
  return {
    findDue: async (n, { cursor }) => {
      if (!where) return [];
      const _ = database().command;
      const items = await queryDocs<T>(
        database()
          .collection(collection)
          .where({ ...where, ...(cursor ? { _id: _.gt(cursor) } : {}) })
          .orderBy('_id', 'asc')
          .limit(n),
      );
      return enrich ? enrich(items) : (items as unknown as U[]);
    },
    cursorOf: (x) => x._id,
  };
}

/**
 * `collection` by the instant `field` (dotted paths allowed) within the window the run's state holds
 * (`windowOf`; null: nothing to do), kept in the checkpoint so a resumed run walks the same window.
 */
export function walkByInstant<T extends { _id: string }, S, U extends { _id: string } = T>(
  collection: CollectionName,
  field: string,
  windowOf: (state: S) => InstantWindow | null,
  enrich?: Enrich<T, U>,
): Walk<S, U> {
  return {
    findDue: async (n, { cursor, state }) => {
      const window = windowOf(state);
      if (!window) return [];
      const items = await instantWindowChunk<T>(collection, field, window, n, cursor);
      return enrich ? enrich(items) : (items as unknown as U[]);
    },
    cursorOf: (item) => {
      const value = field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), item);
      return `${new Date(value as Date).toISOString()}${SEP}${item._id}`;
    },
  };
}

async function instantWindowChunk<T>(collection: CollectionName, field: string, window: InstantWindow, n: number, cursor: string | null): Promise<T[]> {
  const db = database();
  const _ = db.command;
  const from = new Date(window.from);
  const to = new Date(window.to);
  if (!(from < to)) return [];
  const ordered = (where: Record<string, unknown>) => queryDocs<T>(db.collection(collection).where(where).orderBy(field, 'asc').orderBy('_id', 'asc').limit(n));
  if (!cursor) return ordered({ [field]: _.gte(from).and(_.lt(to)) });
  const cut = cursor.indexOf(SEP);
  const at = new Date(cursor.slice(0, cut));
  const id = cursor.slice(cut + 1);
  const ties = await queryDocs<T>(
    db
      .collection(collection)
      .where({ [field]: at, _id: _.gt(id) })
      .orderBy('_id', 'asc')
      .limit(n),
  );
  if (ties.length > 0) return ties;
  return ordered({ [field]: _.gt(at).and(_.lt(to)) });
}
