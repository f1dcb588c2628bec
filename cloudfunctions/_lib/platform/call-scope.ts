import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one invocation of a function shares between its helpers (the router opens a scope around
 * each call): a value made once per call, e.g. the settings read in one request and used by every
 * loader of the call. Outside a scope (a helper called directly) nothing is shared: each use makes it.
 */
const SCOPE = Symbol.for('huiyuan.callScope');
type WithScope = { [SCOPE]?: AsyncLocalStorage<Map<string, unknown>> };
// One store per process, found through a global symbol (as the log sink): every function bundle
// carries its own copy of this module, and every AsyncLocalStorage of a process costs each promise
// made anywhere in it a little; the local cloud loads eight bundles. On the cloud, one bundle per
// process: the same thing. Each call still opens its own scope (a nested call its own map).
const scope = ((globalThis as WithScope)[SCOPE] ??= new AsyncLocalStorage<Map<string, unknown>>());

export function runInCallScope<T>(fn: () => Promise<T>): Promise<T> {
  return scope.run(new Map(), fn);
}

/** The call's value under `key`, made by `make` on first use (its promise shared by concurrent uses). */
export function perCall<T>(key: string, make: () => Promise<T>): Promise<T> {
  const values = scope.getStore();
  if (!values) return make();
  let value = values.get(key) as Promise<T> | undefined;
  if (!value) {
    value = make();
    values.set(key, value);
    // A failed make is not kept: a later use in the same call tries again.
    value.catch(() => values.delete(key));
  }
  return value;
}

/** Drops the call's value under `key` (after a write the value came from: a later use reads again). */
export function forgetPerCall(key: string): void {
  scope.getStore()?.delete(key);
}
