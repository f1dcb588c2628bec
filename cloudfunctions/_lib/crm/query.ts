/**
 * A segment filter as one query on `members`: the field conditions of `shared/rules/segments.ts`,
 * each on an indexed or precomputed field (cloudfunctions/database.json), plus "not erased". The
 * count and the walk use the same condition, so `countSegment` equals the length of the
 * `segmentMembers` walk while nothing changes in between.
 *
 * On the cloud: a count is one `calculateDocument` request; a page of the walk one `getDocument`
 * request (`_id > after`, ordered by `_id`, 50 members).
 */
import { filterConditions, type FieldCondition, type SegmentFilter } from '../../../shared/rules/segments';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { count, queryDocs } from '../platform/db';

export const PAGE_SIZE = 50;

function commandOf(c: FieldCondition): unknown {
  const _ = database().command;
  if (c.op === 'all') return _.all(c.values);
  if (c.op === 'in') return _.in(c.values);
  const parts = [c.gte !== undefined ? _.gte(c.gte) : null, c.lt !== undefined ? _.lt(c.lt) : null, c.lte !== undefined ? _.lte(c.lte) : null].filter(
    (p): p is NonNullable<typeof p> => p !== null,
  );
  return parts.length === 1 ? parts[0] : _.and(parts);
}

/** The `where` of a filter on `today`: the live members whose every condition holds. */
export function filterWhere(filter: SegmentFilter, today: string): Record<string, unknown> {
  const where: Record<string, unknown> = { deletedAt: database().command.exists(false) };
  for (const c of filterConditions(filter, today)) where[c.field] = commandOf(c);
  return where;
}

export async function countMembers(filter: SegmentFilter, today: string): Promise<number> {
  return count(database().collection('members').where(filterWhere(filter, today)));
}

/** A page of the filter's members after `after` (a member id), by id; `nextAfter` null on the last page. */
export async function pageMembers(
  where: Record<string, unknown>,
  after: string | undefined,
  size = PAGE_SIZE,
): Promise<{ members: MemberDoc[]; nextAfter: string | null }> {
  const _ = database().command;
  const members = await queryDocs<MemberDoc>(
    database()
      .collection('members')
      .where(after ? { ...where, _id: _.gt(after) } : where)
      .orderBy('_id', 'asc')
      .limit(size),
  );
  return { members, nextAfter: members.length === size ? members[members.length - 1]._id : null };
}
