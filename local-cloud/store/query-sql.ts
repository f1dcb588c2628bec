/**
 * Translates the parts of a MongoDB query that SQLite can answer through the declared indexes into
 * SQL over the `docs` table: equality, ranges and `$in` on `_id` and on indexed fields, and orders on
 * them. Everything else stays with mingo, which re-tests every row unless the whole query was
 * translated exactly.
 *
 * Why only indexed fields: an index declares a scalar field (an id, a code, a day, a date, a
 * number), and on a scalar SQL comparison and MongoDB comparison agree once the value's type is
 * pinned (below). On an unindexed field, which may hold an array, MongoDB's "any element equals"
 * has no `json_extract` counterpart, and pushing it down would buy nothing without an index anyway.
 *
 * Type pinning (MongoDB compares within a type, SQLite orders NULL < numbers < text):
 * - strings: `= ?` is exact (short of a string spelling an object's JSON text); a range gets the
 *   missing text bound (`>= ''`, so the index range skips numbers) and `json_type = 'text'` (objects
 *   and dates read as JSON text);
 * - numbers: the range is closed below text (`< ''`) and `json_type` keeps booleans (stored 1/0) out;
 * - dates are stored as relaxed EJSON `{"$date":"<ISO, fixed width>"}`: `json_extract` answers that
 *   text, which sorts as the instant does, bounded to the `{"$date":"` prefix;
 * - null matches null or missing, as `IS NULL` does; booleans compare with `json_type`.
 */

export type SqlValue = string | number | null;

export interface SqlCondition {
  sql: string;
  params: SqlValue[];
}

interface QueryTranslation {
  /** conditions to AND together (the SQL answers a superset of the query's documents) */
  conditions: SqlCondition[];
  /** every part of the query was translated: the SQL answers exactly the query's documents */
  exact: boolean;
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const DATE_PREFIX = '{"$date":"';
/** `~` sorts after every character of an ISO instant */
const DATE_END = '{"$date":"~';

function fieldExpr(field: string): string {
  if (field === '_id') return 'id';
  if (!FIELD_PATH.test(field)) throw new Error(`invalid field path: ${field}`);
  return `json_extract(body, '$.${field}')`;
}

function typeExpr(field: string): string {
  return `json_type(body, '$.${field}')`;
}

/** Dates that relaxed EJSON writes as a fixed-width ISO string (years 1970–9999). */
function storedDateText(d: Date): string | null {
  const t = d.getTime();
  if (!Number.isFinite(t) || t < 0 || t > 253402300799999) return null;
  return `${DATE_PREFIX}${d.toISOString()}"}`;
}

const RANGE_OPS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date || v instanceof RegExp) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** One comparison of `field` with a scalar, or null when SQL cannot say it exactly. */
function compare(field: string, op: string, value: unknown): SqlCondition | null {
  const e = fieldExpr(field);
  if (field === '_id') {
    // The id column is always text.
    return typeof value === 'string' ? { sql: `id ${op} ?`, params: [value] } : null;
  }
  if (typeof value === 'string') {
    if (op === '=') return { sql: `${e} = ?`, params: [value] };
    // Objects and dates read as JSON text too: the type keeps them out of a string range.
    const below = op === '<' || op === '<=' ? ` AND ${e} >= ''` : '';
    return { sql: `${e} ${op} ?${below} AND ${typeExpr(field)} = 'text'`, params: [value] };
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    return { sql: `${e} ${op} ? AND ${e} < '' AND ${typeExpr(field)} IN ('integer', 'real')`, params: [value] };
  }
  if (value instanceof Date) {
    const text = storedDateText(value);
    if (text === null) return null;
    return { sql: `${e} ${op} ? AND ${e} >= ? AND ${e} < ?`, params: [text, DATE_PREFIX, DATE_END] };
  }
  if (typeof value === 'boolean' && op === '=') {
    return { sql: `${e} = ? AND ${typeExpr(field)} = ?`, params: [value ? 1 : 0, value ? 'true' : 'false'] };
  }
  if (value === null && op === '=') return { sql: `${e} IS NULL`, params: [] };
  return null;
}

function inList(field: string, values: unknown[], negate: boolean): SqlCondition | null {
  // Strings only (ids, codes, statuses): their SQL equality is exact.
  if (values.length === 0 || values.length > 500 || !values.every((v) => typeof v === 'string')) return null;
  if (negate && field !== '_id') return null; // NOT IN would also match a missing field only by accident of NULL
  return { sql: `${fieldExpr(field)} ${negate ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(', ')})`, params: values as string[] };
}

/** Conditions for `field: value` (a scalar or an operator object). */
function translateField(field: string, value: unknown, out: SqlCondition[]): boolean {
  if (!isOperatorObject(value)) {
    const c = compare(field, '=', value);
    if (c) out.push(c);
    return c !== null;
  }
  let exact = true;
  for (const [op, operand] of Object.entries(value)) {
    let c: SqlCondition | null = null;
    if (op === '$eq') c = compare(field, '=', operand);
    else if (op in RANGE_OPS) c = compare(field, RANGE_OPS[op], operand);
    else if (op === '$in' && Array.isArray(operand)) c = inList(field, operand, false);
    else if (op === '$nin' && Array.isArray(operand)) c = inList(field, operand, true);
    else if (op === '$ne' && field === '_id' && typeof operand === 'string') c = { sql: 'id != ?', params: [operand] };
    if (c) out.push(c);
    else exact = false;
  }
  return exact;
}

/**
 * The SQL for a query's conditions on `pushable` fields (`_id` and the collection's indexed
 * fields); `$and` is flattened, anything else (`$or`, `$nor`, regular expressions, unindexed
 * fields, nested objects) is left to mingo and makes the translation inexact.
 */
export function translateQuery(
  query: Record<string, unknown> | undefined,
  pushable: ReadonlySet<string>,
  multikey?: { coll: string; fields: ReadonlySet<string> },
): QueryTranslation {
  const conditions: SqlCondition[] = [];
  let exact = true;
  const walk = (q: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(q)) {
      if (k === '$and' && Array.isArray(v)) {
        for (const part of v) {
          if (part && typeof part === 'object' && !Array.isArray(part)) walk(part as Record<string, unknown>);
          else exact = false;
        }
      } else if ((k === '_id' || pushable.has(k)) && FIELD_PATH.test(k)) {
        if (!translateField(k, v, conditions)) exact = false;
      } else if (multikey?.fields.has(k) && FIELD_PATH.test(k)) {
        // A superset from the multikey table; mingo re-tests each row (array semantics stay its own).
        const c = multikeyCondition(multikey.coll, k, v, idLowerBound(query ?? {}));
        if (c) conditions.push(c);
        exact = false;
      } else {
        exact = false;
      }
    }
  };
  walk(query ?? {});
  return { conditions, exact };
}

/**
 * `id IN (…)` from the `multikey` table for a string condition on a multikey field (equality, `$in`,
 * ranges): every document whose array holds a matching string is in it (the table holds every string
 * value at the path), so the SQL answers a superset; other operand types are left to mingo.
 */
function multikeyCondition(coll: string, field: string, value: unknown, idAfter: { op: string; id: string } | null): SqlCondition | null {
  const ops: Record<string, unknown> = isOperatorObject(value) ? value : { $eq: value };
  const parts: string[] = [];
  const params: SqlValue[] = [];
  // One operator only: on an array, MongoDB lets different elements satisfy different bounds.
  for (const [op, operand] of Object.entries(ops)) {
    if (parts.length) break;
    if ((op === '$eq' || op in RANGE_OPS) && typeof operand === 'string') {
      parts.push(`value ${op === '$eq' ? '=' : RANGE_OPS[op]} ?`);
      params.push(operand);
    } else if (op === '$in' && Array.isArray(operand) && operand.length > 0 && operand.length <= 500 && operand.every((x) => typeof x === 'string')) {
      parts.push(`value IN (${operand.map(() => '?').join(', ')})`);
      params.push(...(operand as string[]));
    }
  }
  if (parts.length === 0) return null;
  // A cursor's `_id > x` inside the subquery too: a chunk walks only the ids after it, not every match.
  if (idAfter) {
    parts.push(`id ${idAfter.op} ?`);
    params.push(idAfter.id);
  }
  const literal = (t: string) => `'${t.replace(/'/g, "''")}'`;
  return { sql: `id IN (SELECT id FROM multikey WHERE coll = ${literal(coll)} AND field = ${literal(field)} AND ${parts.join(' AND ')})`, params };
}

/** The query's `_id: { $gt | $gte: <string> }` (a cursor), if any. */
function idLowerBound(q: Record<string, unknown>): { op: string; id: string } | null {
  const v = q._id;
  if (!isOperatorObject(v)) return null;
  if (typeof v.$gt === 'string') return { op: '>', id: v.$gt };
  if (typeof v.$gte === 'string') return { op: '>=', id: v.$gte };
  return null;
}

export type SortSpec = Array<[field: string, direction: 1 | -1]>;

/** `ORDER BY` for a sort on `_id` and indexed fields (ties by `_id`, as the scan in id order gave), or null. */
export function orderBySql(order: SortSpec, pushable: ReadonlySet<string>): string | null {
  if (!order.every(([f]) => f === '_id' || (pushable.has(f) && FIELD_PATH.test(f)))) return null;
  const parts = order.map(([f, dir]) => `${fieldExpr(f)} ${dir === -1 ? 'DESC' : 'ASC'}`);
  if (!order.some(([f]) => f === '_id')) parts.push('id ASC');
  return parts.join(', ');
}
