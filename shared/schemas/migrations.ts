import { z } from 'zod';

const count = z.number().int().nonnegative();

/**
 * `migrations/<id>` (e.g. `migrations/0001-baseline`): one record per migration of stored documents,
 * written after every chunk, so a deploy that stopped half-way resumes at `cursor`.
 */
export const migrationDocSchema = z
  .object({
    _id: z.string(),
    status: z.enum(['running', 'done']),
    /** where the next chunk starts (the migration's own cursor); null before the first chunk */
    cursor: z.string().nullable(),
    chunks: count,
    /** documents the migration changed, over all its invocations */
    changed: count,
    startedAt: z.date(),
    updatedAt: z.date(),
    finishedAt: z.date().nullable(),
  })
  .strict();
export type MigrationDoc = z.infer<typeof migrationDocSchema>;

/** What one `migrate` call did (scheduler): the deploy calls again while `done` is false. */
export interface MigrationsReport {
  /** every migration of the list is recorded done */
  done: boolean;
  /** the ones that finished in this invocation */
  finished: string[];
  /** documents changed in this invocation */
  changed: number;
  /** not done yet (this invocation's time ran out): the deploy calls again */
  pending: string[];
}
