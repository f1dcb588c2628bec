/**
 * Geo queries over `db.Geo` values, which wx-server-sdk stores and sends as GeoJSON
 * (`{ type: 'Point', coordinates: [lng, lat] }`, LineString, Polygon, Multi*). The query builder turns
 * `_.geoNear` into `$nearSphere: { $geometry, $maxDistance, $minDistance }`, `_.geoWithin` into
 * `$geoWithin: { $geometry }` or `{ $centerSphere: [[lng, lat], radians] }`, `_.geoIntersects` into
 * `$geoIntersects: { $geometry }`; the aggregation stage arrives as `$geoNear`. mingo has none of
 * these, so the executor takes them out of the query and applies them here.
 *
 * Distances are great-circle distances on a sphere of MongoDB's radius (6378.1 km), in metres.
 * Polygon edges are straight lines in longitude/latitude (MongoDB's 2dsphere uses geodesic edges:
 * the two differ only for polygons hundreds of kilometres wide).
 */
const EARTH_RADIUS_M = 6_378_100;

type Position = [number, number];
interface GeoJSON {
  type: string;
  coordinates: unknown;
}

export class GeoError extends Error {}

const GEO_OPERATORS = ['$nearSphere', '$near', '$geoWithin', '$geoIntersects'] as const;
type GeoOperator = (typeof GEO_OPERATORS)[number];

interface GeoCondition {
  field: string;
  op: GeoOperator;
  spec: Record<string, unknown>;
}

/** Splits a query into its geo conditions (top level and inside a top-level $and) and the rest, for mingo. */
export function splitGeo(query: Record<string, unknown>): { rest: Record<string, unknown>; geo: GeoCondition[] } {
  const geo: GeoCondition[] = [];
  const take = (q: Record<string, unknown>): Record<string, unknown> => {
    const rest: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(q)) {
      if (field === '$and' && Array.isArray(value)) {
        const parts = value.map((part) => take(part as Record<string, unknown>)).filter((part) => Object.keys(part).length > 0);
        if (parts.length) rest.$and = parts;
        continue;
      }
      if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof RegExp)) {
        const ops = Object.keys(value);
        const geoOps = ops.filter((o) => (GEO_OPERATORS as readonly string[]).includes(o)) as GeoOperator[];
        if (geoOps.length) {
          for (const op of geoOps) geo.push({ field, op, spec: (value as Record<string, unknown>)[op] as Record<string, unknown> });
          const others = Object.fromEntries(Object.entries(value).filter(([o]) => !geoOps.includes(o as GeoOperator)));
          if (Object.keys(others).length) rest[field] = others;
          continue;
        }
      }
      rest[field] = value;
    }
    return rest;
  };
  const rest = take(query);
  return { rest, geo };
}

export function withoutGeo(query: object): object {
  return splitGeo(query as Record<string, unknown>).rest;
}

/** Filters documents by geo conditions; a near condition also orders them nearest first (as MongoDB does). */
export function applyGeo<T extends Record<string, unknown>>(docs: T[], conditions: GeoCondition[]): T[] {
  let out = docs;
  let nearest: ((d: T) => number) | undefined;
  for (const c of conditions) {
    if (c.op === '$nearSphere' || c.op === '$near') {
      const near = nearSpec(c.spec);
      const distance = (d: T) => minDistance(getPath(d, c.field), near.point);
      out = out.filter((d) => {
        const m = distance(d);
        return Number.isFinite(m) && m <= near.max && m >= near.min;
      });
      nearest = distance;
    } else if (c.op === '$geoWithin') {
      const within = withinTest(c.spec);
      out = out.filter((d) => {
        const g = toGeometry(getPath(d, c.field));
        return g !== null && within(g);
      });
    } else {
      const geometry = c.spec?.$geometry;
      const target = toGeometry(geometry);
      if (!target) throw new GeoError('$geoIntersects needs a $geometry');
      out = out.filter((d) => {
        const g = toGeometry(getPath(d, c.field));
        return g !== null && intersects(g, target);
      });
    }
  }
  if (nearest) {
    const by = nearest;
    out = out
      .map((d) => ({ d, m: by(d) }))
      .sort((a, b) => a.m - b.m)
      .map((x) => x.d);
  }
  return out;
}

/** The `$geoNear` aggregation stage (it must come first): documents with their distance, nearest first. */
export function geoNearStage<T extends Record<string, unknown>>(
  docs: T[],
  stage: Record<string, unknown>,
  filter: (docs: T[], query: object) => T[],
): Record<string, unknown>[] {
  const near = toPosition(stage.near);
  if (!near) throw new GeoError('$geoNear requires a near point');
  const distanceField = stage.distanceField;
  if (typeof distanceField !== 'string' || distanceField === '') throw new GeoError("$geoNear requires a 'distanceField' option as a String");
  const geoJson = isGeoJSON(stage.near);
  // Legacy coordinate pairs measure in radians, GeoJSON points in metres (MongoDB's rule).
  const unit = geoJson ? 1 : 1 / EARTH_RADIUS_M;
  const multiplier = typeof stage.distanceMultiplier === 'number' ? stage.distanceMultiplier : 1;
  const max = typeof stage.maxDistance === 'number' ? stage.maxDistance : Infinity;
  const min = typeof stage.minDistance === 'number' ? stage.minDistance : 0;
  const candidates = stage.query ? filter(docs, stage.query as object) : docs;
  const keyField = typeof stage.key === 'string' ? stage.key : soleGeoField(candidates);
  const out: { doc: Record<string, unknown>; m: number }[] = [];
  for (const doc of candidates) {
    const value = getPath(doc, keyField);
    const m = minDistance(value, near) * unit;
    if (!Number.isFinite(m) || m > max || m < min) continue;
    const copy = structuredClone(doc) as Record<string, unknown>;
    setPath(copy, distanceField, m * multiplier);
    if (typeof stage.includeLocs === 'string') setPath(copy, stage.includeLocs, structuredClone(value));
    out.push({ doc: copy, m });
  }
  return out.sort((a, b) => a.m - b.m).map((x) => x.doc);
}

function soleGeoField(docs: Record<string, unknown>[]): string {
  const fields = new Set<string>();
  for (const d of docs) for (const [k, v] of Object.entries(d)) if (isGeoJSON(v)) fields.add(k);
  if (fields.size !== 1) throw new GeoError("$geoNear requires a 'key' option as a String when the collection has not exactly one geo field");
  return [...fields][0];
}

// ---------------------------------------------------------------- geometry

type Geometry = { kind: 'points'; points: Position[] } | { kind: 'lines'; lines: Position[][] } | { kind: 'polygons'; polygons: Position[][][] };

function isGeoJSON(v: unknown): v is GeoJSON {
  return v !== null && typeof v === 'object' && typeof (v as GeoJSON).type === 'string' && Array.isArray((v as GeoJSON).coordinates);
}

function toPosition(v: unknown): Position | null {
  if (Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[0], v[1]];
  if (isGeoJSON(v) && v.type === 'Point') return toPosition(v.coordinates);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.longitude === 'number' && typeof o.latitude === 'number') return [o.longitude, o.latitude];
  }
  return null;
}

function toGeometry(v: unknown): Geometry | null {
  const p = toPosition(v);
  if (p) return { kind: 'points', points: [p] };
  if (!isGeoJSON(v)) return null;
  const c = v.coordinates as unknown[];
  const positions = (list: unknown[]) => list.map((x) => toPosition(x)).filter((x): x is Position => x !== null);
  switch (v.type) {
    case 'MultiPoint':
      return { kind: 'points', points: positions(c) };
    case 'LineString':
      return { kind: 'lines', lines: [positions(c)] };
    case 'MultiLineString':
      return { kind: 'lines', lines: c.map((l) => positions(l as unknown[])) };
    case 'Polygon':
      return { kind: 'polygons', polygons: [c.map((ring) => positions(ring as unknown[]))] };
    case 'MultiPolygon':
      return { kind: 'polygons', polygons: c.map((poly) => (poly as unknown[]).map((ring) => positions(ring as unknown[]))) };
    default:
      return null;
  }
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: Position, b: Position): number {
  const dLat = rad(b[1] - a[1]);
  const dLng = rad(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

function minDistance(value: unknown, to: Position): number {
  const g = toGeometry(value);
  if (!g) return NaN;
  const pts = g.kind === 'points' ? g.points : g.kind === 'lines' ? g.lines.flat() : g.polygons.flat(2);
  if (g.kind === 'polygons' && g.polygons.some((poly) => inPolygon(to, poly))) return 0;
  return Math.min(...pts.map((p) => distanceMetres(p, to)));
}

function nearSpec(spec: unknown): { point: Position; max: number; min: number } {
  const s = (spec ?? {}) as Record<string, unknown>;
  const geometry = s.$geometry ?? spec;
  const point = toPosition(geometry);
  if (!point) throw new GeoError('$nearSphere needs a point ($geometry)');
  const legacy = s.$geometry === undefined; // legacy pairs measure in radians
  const scale = legacy ? EARTH_RADIUS_M : 1;
  const max = typeof s.$maxDistance === 'number' ? s.$maxDistance * scale : Infinity;
  const min = typeof s.$minDistance === 'number' ? s.$minDistance * scale : 0;
  return { point, max, min };
}

function withinTest(spec: Record<string, unknown>): (g: Geometry) => boolean {
  if (spec?.$geometry) {
    const area = toGeometry(spec.$geometry);
    if (!area || area.kind !== 'polygons') throw new GeoError('$geoWithin $geometry must be a Polygon or MultiPolygon');
    return (g) => everyPosition(g).every((p) => area.polygons.some((poly) => inPolygon(p, poly)));
  }
  if (Array.isArray(spec?.$centerSphere)) {
    const [center, radians] = spec.$centerSphere as [unknown, number];
    const c = toPosition(center);
    if (!c || typeof radians !== 'number') throw new GeoError('$centerSphere takes [[lng, lat], radians]');
    return (g) => everyPosition(g).every((p) => distanceMetres(p, c) <= radians * EARTH_RADIUS_M);
  }
  if (Array.isArray(spec?.$box)) {
    const [lo, hi] = (spec.$box as unknown[]).map(toPosition);
    if (!lo || !hi) throw new GeoError('$box takes two corners');
    return (g) => everyPosition(g).every((p) => p[0] >= lo[0] && p[0] <= hi[0] && p[1] >= lo[1] && p[1] <= hi[1]);
  }
  throw new GeoError('$geoWithin needs $geometry or $centerSphere');
}

function everyPosition(g: Geometry): Position[] {
  return g.kind === 'points' ? g.points : g.kind === 'lines' ? g.lines.flat() : g.polygons.map((poly) => poly[0]).flat();
}

/** Ray casting; the first ring is the shell, the others are holes. Points on the boundary count as inside. */
function inPolygon(p: Position, rings: Position[][]): boolean {
  if (!rings.length || !inRing(p, rings[0])) return false;
  return !rings.slice(1).some((hole) => inRing(p, hole) && !onRing(p, hole));
}

function inRing(p: Position, ring: Position[]): boolean {
  if (onRing(p, ring)) return true;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

const EPS = 1e-12;

function onSegment(p: Position, a: Position, b: Position): boolean {
  const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
  if (Math.abs(cross) > EPS) return false;
  return p[0] >= Math.min(a[0], b[0]) - EPS && p[0] <= Math.max(a[0], b[0]) + EPS && p[1] >= Math.min(a[1], b[1]) - EPS && p[1] <= Math.max(a[1], b[1]) + EPS;
}

function onRing(p: Position, ring: Position[]): boolean {
  for (let i = 1; i < ring.length; i += 1) if (onSegment(p, ring[i - 1], ring[i])) return true;
  return false;
}

function segmentsCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const o = (p: Position, q: Position, r: Position) => Math.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]));
  const o1 = o(a, b, c),
    o2 = o(a, b, d),
    o3 = o(c, d, a),
    o4 = o(c, d, b);
  if (o1 !== o2 && o3 !== o4) return true;
  return onSegment(c, a, b) || onSegment(d, a, b) || onSegment(a, c, d) || onSegment(b, c, d);
}

function segments(g: Geometry): [Position, Position][] {
  const lines = g.kind === 'lines' ? g.lines : g.kind === 'polygons' ? g.polygons.flat() : [];
  const out: [Position, Position][] = [];
  for (const line of lines) for (let i = 1; i < line.length; i += 1) out.push([line[i - 1], line[i]]);
  return out;
}

function intersects(a: Geometry, b: Geometry): boolean {
  const coversPoint = (g: Geometry, p: Position) =>
    g.kind === 'points'
      ? g.points.some((q) => Math.abs(q[0] - p[0]) < EPS && Math.abs(q[1] - p[1]) < EPS)
      : g.kind === 'lines'
        ? segments(g).some(([s, e]) => onSegment(p, s, e))
        : g.polygons.some((poly) => inPolygon(p, poly));
  if (a.kind === 'points') return a.points.some((p) => coversPoint(b, p));
  if (b.kind === 'points') return b.points.some((p) => coversPoint(a, p));
  const sa = segments(a),
    sb = segments(b);
  if (sa.some(([p, q]) => sb.some(([r, s]) => segmentsCross(p, q, r, s)))) return true;
  // No edges cross: one may lie wholly inside the other.
  return everyPosition(a).some((p) => coversPoint(b, p)) || everyPosition(b).some((p) => coversPoint(a, p));
}

function getPath(doc: Record<string, unknown>, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (cur[part] === null || typeof cur[part] !== 'object') cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}
