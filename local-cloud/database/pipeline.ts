import { aggregate } from 'mingo';
import { geoNearStage, splitGeo } from './geo';

type Doc = Record<string, unknown>;
type Stage = Record<string, unknown>;
type Options = NonNullable<Parameters<typeof aggregate>[2]>;

/**
 * Observed on the cloud (community reports since 2020, e.g. developers.weixin.qq.com
 * "云函数端Aggregate聚合操作limit默认20条限制"): an aggregation with no `limit()` stage answers at most
 * 20 results, even in a cloud function where `get()` answers 100.
 */
const DEFAULT_AGGREGATE_LIMIT = 20;

/**
 * Runs an aggregation pipeline with MongoDB's semantics where mingo's differ: `$geoNear` (first
 * stage only, as in MongoDB), `$bucket` (each bucket is [lower, upper), output sorted by boundary,
 * `default` last), `$project` (fields keep the input document's order, `_id` first, computed fields
 * after), and the cloud's default limit of 20 when the pipeline has no `$limit`.
 */
export function runPipeline(source: Doc[], pipeline: Stage[], options: Options, filter: (docs: Doc[], query: object) => Doc[]): Doc[] {
  let docs = source;
  let stages = pipeline;
  const first = stages[0];
  if (first && '$geoNear' in first) {
    docs = geoNearStage(docs, first.$geoNear as Record<string, unknown>, filter);
    stages = stages.slice(1);
  }
  let segment: Stage[] = [];
  const flush = () => {
    if (segment.length) docs = aggregate(docs, segment, options) as Doc[];
    segment = [];
  };
  for (const stage of stages) {
    if ('$bucket' in stage) {
      flush();
      docs = bucket(docs, stage.$bucket as Record<string, unknown>, options);
    } else if ('$match' in stage && splitGeo(stage.$match as Record<string, unknown>).geo.length) {
      // mingo has no geo operators: a later $match with $geoWithin / $geoIntersects is filtered here.
      flush();
      docs = filter(docs, stage.$match as object);
    } else if ('$project' in stage) {
      flush();
      const input = docs;
      docs = (aggregate(input, [stage], options) as Doc[]).map((out, i) => inDocumentOrder(out, input[i]));
    } else {
      segment.push(stage);
    }
  }
  flush();
  const limited = pipeline.some((s) => '$limit' in s);
  return limited ? docs : docs.slice(0, DEFAULT_AGGREGATE_LIMIT);
}

const OUTSIDE = '\u0000outside every bucket';

/** Refuses what MongoDB refuses before running: `$geoNear` anywhere but first. */
export function checkPipeline(pipeline: Stage[]): void {
  if (pipeline.some((s, i) => i > 0 && '$geoNear' in s)) throw new Error('$geoNear is only valid as the first stage in a pipeline');
}

/** `$bucket` as MongoDB defines it: a `$group` on the [lower, upper) bucket a value falls in, sorted by boundary. */
function bucket(docs: Doc[], spec: Record<string, unknown>, options: Options): Doc[] {
  const boundaries = spec.boundaries;
  if (!Array.isArray(boundaries) || boundaries.length < 2) throw new Error("$bucket requires at least two 'boundaries'");
  for (let i = 1; i < boundaries.length; i += 1) {
    if (!(boundaries[i - 1] < boundaries[i])) throw new Error("$bucket 'boundaries' must be sorted in ascending order");
  }
  const branches = boundaries.slice(0, -1).map((lower, i) => ({
    case: { $and: [{ $gte: [spec.groupBy, lower] }, { $lt: [spec.groupBy, boundaries[i + 1]] }] },
    then: { $literal: lower },
  }));
  const hasDefault = 'default' in spec;
  const output = (spec.output as Record<string, unknown> | undefined) ?? { count: { $sum: 1 } };
  const grouped = aggregate(
    docs,
    [{ $group: { _id: { $switch: { branches, default: { $literal: hasDefault ? spec.default : OUTSIDE } } }, ...output } }],
    options,
  ) as Doc[];
  if (!hasDefault && grouped.some((g) => g._id === OUTSIDE)) {
    throw new Error('$bucket could not find a matching branch for an input, and no default was specified');
  }
  const rank = (v: unknown) => {
    const i = boundaries.findIndex((b) => b === v || (b instanceof Date && v instanceof Date && b.getTime() === v.getTime()));
    return i < 0 ? boundaries.length : i;
  };
  return grouped.sort((a, b) => rank(a._id) - rank(b._id)).map((g) => ({ _id: g._id, ...Object.fromEntries(Object.entries(g).filter(([k]) => k !== '_id')) }));
}

/** Reorders a projected document as MongoDB does: `_id` first, kept fields in the input's order, new fields last. */
function inDocumentOrder(out: Doc, input: Doc | undefined): Doc {
  if (!input || out === null || typeof out !== 'object') return out;
  const ordered: Doc = {};
  if ('_id' in out) ordered._id = out._id;
  for (const k of Object.keys(input)) {
    if (k === '_id' || !(k in out)) continue;
    const v = out[k];
    const src = input[k];
    ordered[k] = isPlainObject(v) && isPlainObject(src) ? inDocumentOrder(v, src) : v;
  }
  for (const k of Object.keys(out)) if (!(k in ordered)) ordered[k] = out[k];
  return ordered;
}

function isPlainObject(v: unknown): v is Doc {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);
}
