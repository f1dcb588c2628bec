/**
 * A forward walk over an indexed instant field within a window `[from, to)`, ordered by the field and
 * `_id`: the cursor `<ISO instant>|<_id>` is the last item done, so a resumed run (after a crash or a
 * spent budget) continues after it and a chunk costs the same at any depth. Items sharing an instant
 * are walked by `_id` first (an equality on the field and `_id > id`), then the walk moves past that
 * instant: every condition is one the index answers exactly, no `$or`.
 */
import { database } from './cloud';
import { queryDocs } from './db';
import type { CollectionName } from '../../shared/schemas/collections';

export interface InstantWindow {
  from: string;
  to: string;
}

const SEP = '|';

/** The cursor after `item`: its instant in `field` and its id. */
export function instantCursor(item: { _id: string }, field: string): string {
  const value = field.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), item);
  return `${new Date(value as Date).toISOString()}${SEP}${item._id}`;
}

export async function walkInstantWindow<T>(collection: CollectionName, field: string, window: InstantWindow, n: number, cursor: string | null): Promise<T[]> {
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
