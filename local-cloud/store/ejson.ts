import { EJSON, BSONRegExp } from 'bson';

/**
 * The SDK sends queries, updates and documents as Extended JSON strings. Decode them (relaxed, so
 * numbers stay numbers) and resolve the SDK's own markers: `$tcb_server_date` becomes the server's
 * clock, BSON regular expressions become RegExp for the query engine.
 */
export function decode(text: string | undefined | null, now: () => number = Date.now): unknown {
  if (text === undefined || text === null || text === '') return undefined;
  // Text without a `$` (and without `\u` escapes, which could spell one) holds no EJSON type and no
  // marker: relaxed EJSON answers exactly what JSON.parse does, and there is nothing to resolve. Most
  // queries (`{"_id":"…"}`, `{"memberId":"…"}`) are such text, and the EJSON decoder costs ~5× more.
  if (text.indexOf('$') === -1 && text.indexOf('\\u') === -1) return JSON.parse(text) as unknown;
  return resolveMarkers(EJSON.parse(text, { relaxed: true }), now);
}

function resolveMarkers(value: unknown, now: () => number = Date.now): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof BSONRegExp) return new RegExp(value.pattern, toJsFlags(value.options));
  if (Array.isArray(value)) return value.map((v) => resolveMarkers(v, now));
  const obj = value as Record<string, unknown>;
  if ('$tcb_server_date' in obj && Object.keys(obj).length === 1) {
    const marker = obj.$tcb_server_date as { offset?: number } | undefined;
    return new Date(now() + Number(marker?.offset ?? 0));
  }
  // The SDK's db.RegExp() arrives as { $regex, $options } inside a query: leave it for the engine.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) out[k] = resolveMarkers(v, now);
  return out;
}

function toJsFlags(options: string): string {
  // BSON allows i, m, s, x, u, l; JavaScript knows i, m, s, u.
  return options
    .split('')
    .filter((f) => 'imsu'.includes(f))
    .join('');
}

/** Encodes a stored document for the SDK, which parses each list item with `EJSON.parse`. */
export function encode(doc: unknown): string {
  return EJSON.stringify(doc as Record<string, unknown>, { relaxed: false });
}

/** Storage form: relaxed EJSON keeps plain numbers and strings queryable by SQLite's json_extract. */
/** bson writes a whole-second instant without its milliseconds (`…:00Z`). */
const WHOLE_SECOND_DATE = /\{"\$date":"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})Z"\}/g;

/**
 * A document as stored. Instants are written fixed-width (`2026-05-03T16:00:00.000Z`), so their text
 * sorts as the instants do: the SQL query path compares dates as stored text (query-sql.ts), and a
 * whole-second `endsAt` once compared greater than the same instant asked with its milliseconds.
 */
export function toStorage(doc: unknown): string {
  return EJSON.stringify(doc as Record<string, unknown>, { relaxed: true }).replace(WHOLE_SECOND_DATE, '{"$date":"$1.000Z"}');
}

const OTHER_EJSON_TYPE = /"\$(?!date")[A-Za-z]/;

/**
 * Reads a stored document. Stored documents carry almost only `$date` among EJSON's types, and
 * JSON.parse with a reviver for it is about 5× faster than the full EJSON decoder, which every
 * scanned document pays; text with any other EJSON type (long integers, special doubles…) takes
 * the full decoder.
 */
export function fromStorage(text: string): Record<string, unknown> {
  if (OTHER_EJSON_TYPE.test(text)) return EJSON.parse(text, { relaxed: true }) as Record<string, unknown>;
  const doc = JSON.parse(text) as Record<string, unknown>;
  return text.includes('"$date"') ? (reviveDates(doc) as Record<string, unknown>) : doc;
}

/** Turns `{ $date }` objects into Dates in place (a walk is cheaper than a JSON.parse reviver). */
function reviveDates(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = reviveDates(value[i]);
    return value;
  }
  const obj = value as Record<string, unknown>;
  const d = obj.$date;
  if (d !== undefined) {
    let only = true;
    for (const k in obj) if (k !== '$date') only = false;
    if (only && (typeof d === 'string' || typeof d === 'number')) return new Date(d);
  }
  for (const k in obj) obj[k] = reviveDates(obj[k]);
  return obj;
}
