/**
 * The update documents the SDK sends for nearly every write (`$set` of fields and dot paths, `$inc`,
 * `$unset`), applied directly. mingo's updater builds a new operator context (copies of every
 * operator table) on each call, which cost more than the update itself; anything beyond this plain
 * shape (arrays, positional paths, other operators, conflicting paths, type errors) answers null and
 * goes to mingo, whose semantics (and error messages) stay the reference.
 */
const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIMPLE_OPS = new Set(['$set', '$inc', '$unset']);

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp) && Object.getPrototypeOf(v) === Object.prototype
  );
}

/** Deep equality as an update's "modified" test needs it (Dates by instant, objects by keys). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 1) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !sameValue(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** Applies `modifier` to `doc` in place when it is a plain one; answers whether it changed, or null for mingo. */
export function applySimpleUpdate(doc: Obj, modifier: Record<string, Record<string, unknown>>): boolean | null {
  const ops = Object.keys(modifier);
  if (!ops.every((op) => SIMPLE_OPS.has(op))) return null;
  const paths: string[] = [];
  for (const op of ops) paths.push(...Object.keys(modifier[op]));
  // every segment a plain name, and no path inside another (mingo reports those conflicts)
  if (!paths.every((p) => p.split('.').every((s) => SEGMENT.test(s)))) return null;
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i += 1) if (sorted[i] === sorted[i - 1] || sorted[i].startsWith(`${sorted[i - 1]}.`)) return null;
  // every existing parent a plain object; $inc only on numbers
  const parentOf = (path: string, create: boolean): Obj | null | undefined => {
    const segs = path.split('.');
    let cur: Obj = doc;
    for (const s of segs.slice(0, -1)) {
      const next = cur[s];
      if (next === undefined) {
        if (!create) return undefined;
        cur[s] = {};
        cur = cur[s] as Obj;
      } else if (isPlainObject(next)) cur = next;
      else return null;
    }
    return cur;
  };
  const leaf = (path: string) => path.slice(path.lastIndexOf('.') + 1);
  for (const op of ops) {
    for (const [path, value] of Object.entries(modifier[op])) {
      const parent = parentOf(path, false);
      if (parent === null) return null;
      if (op === '$inc') {
        if (typeof value !== 'number') return null;
        const current = parent?.[leaf(path)];
        if (current !== undefined && typeof current !== 'number') return null;
      }
    }
  }
  let changed = false;
  for (const op of ops) {
    for (const [path, value] of Object.entries(modifier[op])) {
      const key = leaf(path);
      if (op === '$unset') {
        const parent = parentOf(path, false);
        if (parent && Object.prototype.hasOwnProperty.call(parent, key)) {
          delete parent[key];
          changed = true;
        }
        continue;
      }
      const parent = parentOf(path, true) as Obj;
      if (op === '$set') {
        if (!Object.prototype.hasOwnProperty.call(parent, key) || !sameValue(parent[key], value)) {
          parent[key] = value;
          changed = true;
        }
      } else {
        const current = parent[key] as number | undefined;
        if (current === undefined || value !== 0) {
          parent[key] = (current ?? 0) + (value as number);
          changed = true;
        }
      }
    }
  }
  return changed;
}
