import type { Migration } from '../_lib/platform/migrations';

/**
 * The first migration changes nothing: it marks the schema every document of this release already
 * has (no field an earlier deployed version left out), so the record in `migrations` shows an
 * environment on the numbered list. It is also the pattern to copy: a real one selects the documents
 * still unmigrated through an index, `limit`s the chunk, writes, and answers the last `_id` as its
 * cursor (see docs/deploy.md, "Migrations").
 */
export const baseline: Migration = {
  id: '0001-baseline',
  description: 'Marks the schema of this release; changes no document.',
  chunk: async () => ({ changed: 0, cursor: null, done: true }),
};
