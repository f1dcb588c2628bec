import type { MigrationDoc, MigrationsReport } from '../../../shared/schemas/migrations';
import { database } from './cloud';
import { getById, withRetry } from './db';
import type { SetOf } from './typed-db';

/**
 * Migrations of stored documents: a numbered list (cloudfunctions/scheduler/migrations.ts, one file each: migration-NNNN-name.ts), run in
 * order by the deploy after the functions are updated (`scheduler` action `migrate`), each recorded
 * in `migrations/<id>`. A migration works in chunks: each chunk must be idempotent (select what is
 * still unmigrated, or write values that equal themselves when written twice), because a crash
 * between a chunk's writes and its record re-runs that chunk; the record's cursor says where to
 * resume, and `done` is final, so a second deploy runs nothing.
 */
export interface Migration {
  /** `NNNN-name`, ordered by its number; never renamed once deployed */
  id: string;
  description: string;
  /** One chunk from `cursor` (null at the start): what it changed and where the next one starts. */
  chunk(cursor: string | null, now: Date): Promise<{ changed: number; cursor: string | null; done: boolean }>;
}

export async function runMigrations(list: readonly Migration[], now: () => Date, budgetMs: number): Promise<MigrationsReport> {
  const ids = list.map((m) => m.id);
  if (new Set(ids).size !== ids.length || ids.some((id, i) => i > 0 && id <= ids[i - 1]))
    throw new Error(`migrations out of order or repeated: ${ids.join(', ')}`);
  const started = Date.now();
  const report: MigrationsReport = { done: false, finished: [], changed: 0, pending: [] };
  for (const [i, m] of list.entries()) {
    const stored = await getById<MigrationDoc>('migrations', m.id);
    if (stored?.status === 'done') continue;
    const at = now();
    const record: Omit<MigrationDoc, '_id'> = stored
      ? {
          status: stored.status,
          cursor: stored.cursor,
          chunks: stored.chunks,
          changed: stored.changed,
          startedAt: stored.startedAt,
          updatedAt: at,
          finishedAt: null,
        }
      : { status: 'running', cursor: null, chunks: 0, changed: 0, startedAt: at, updatedAt: at, finishedAt: null };
    for (;;) {
      if (Date.now() - started >= budgetMs) {
        report.pending = ids.slice(i);
        return report;
      }
      const out = await m.chunk(record.cursor, now());
      record.chunks += 1;
      record.changed += out.changed;
      record.cursor = out.cursor;
      record.updatedAt = now();
      if (out.done) {
        record.status = 'done';
        record.finishedAt = record.updatedAt;
      }
      report.changed += out.changed;
      await withRetry(
        () =>
          database()
            .collection('migrations')
            .doc(m.id)
            .set({ data: record as SetOf<MigrationDoc> }) as Promise<unknown>,
      );
      if (out.done) break;
    }
    report.finished.push(m.id);
  }
  report.done = true;
  return report;
}
