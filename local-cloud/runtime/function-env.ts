import { invocationContext, type WXInvocationContext } from './sdk-transport';

/**
 * A function's environment variables, per invocation. On the cloud a function sees the variables set
 * for it (云函数 → 版本与配置 → 环境变量; locally its config.json `envVariables` and the local files),
 * never those of whatever machine deployed it. Functions read `process.env`, so inside an invocation
 * `process.env` answers the function's own variables; outside one (tests, seed, the server) it is the
 * host's environment, unchanged.
 *
 * Each invocation's variables are found through its WX context (the object `invocationContext`
 * carries): one async context for both, not a second AsyncLocalStorage that every promise of the
 * process pays for. An invocation shares its function's variables until it writes one: then it
 * gets its own copy, so what it sets stays its own (copy on write: no copy per call).
 */
interface InvocationEnv {
  vars: Record<string, string>;
  /** `vars` is this invocation's own copy */
  own: boolean;
}

const envs = new WeakMap<WXInvocationContext, InvocationEnv>();

function currentEnv(): InvocationEnv | undefined {
  const ctx = invocationContext.getStore();
  return ctx ? envs.get(ctx) : undefined;
}

function ownVars(env: InvocationEnv): Record<string, string> {
  if (!env.own) {
    env.vars = { ...env.vars };
    env.own = true;
  }
  return env.vars;
}

/** Host variables a Node runtime has on the cloud too (system paths, locale). */
const RUNTIME_PASSTHROUGH = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'];

let installed = false;
let hostEnv: NodeJS.ProcessEnv = process.env;
/** A function's variables → the same with the runtime's system variables under them, made once per variables object. */
let withRuntime = new WeakMap<Record<string, string>, Readonly<Record<string, string>>>();

export function installFunctionEnv(): void {
  if (installed) return;
  installed = true;
  const host = process.env;
  hostEnv = host;
  // The host changing a system variable: every function sees the new value from its next invocation.
  const hostChanged = (key: string | symbol) => {
    if (typeof key === 'string' && RUNTIME_PASSTHROUGH.includes(key)) withRuntime = new WeakMap();
  };
  process.env = new Proxy(host, {
    get: (target, key) => {
      const env = currentEnv();
      if (!env || typeof key !== 'string') return Reflect.get(target, key);
      return Object.prototype.hasOwnProperty.call(env.vars, key) ? env.vars[key] : undefined;
    },
    set: (target, key, value) => {
      const env = currentEnv();
      if (!env || typeof key !== 'string') {
        hostChanged(key);
        return Reflect.set(target, key, value);
      }
      ownVars(env)[key] = String(value);
      return true;
    },
    deleteProperty: (target, key) => {
      const env = currentEnv();
      if (!env || typeof key !== 'string') {
        hostChanged(key);
        return Reflect.deleteProperty(target, key);
      }
      delete ownVars(env)[key];
      return true;
    },
    has: (target, key) => {
      const env = currentEnv();
      return env && typeof key === 'string' ? key in env.vars : Reflect.has(target, key);
    },
    ownKeys: (target) => {
      const env = currentEnv();
      return env ? Object.keys(env.vars) : Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor: (target, key) => {
      const env = currentEnv();
      if (!env || typeof key !== 'string') return Reflect.getOwnPropertyDescriptor(target, key);
      return Object.prototype.hasOwnProperty.call(env.vars, key) ? { value: env.vars[key], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}

/**
 * Makes `vars` the whole of `process.env` (plus the runtime's system variables) for the invocation
 * whose WX context is `context`: while code runs inside `invocationContext.run(context, …)`.
 * `vars` is never written: pass the same object for every invocation of a function.
 */
export function bindFunctionEnv(context: WXInvocationContext, vars: Readonly<Record<string, string>>): void {
  let merged = withRuntime.get(vars);
  if (!merged) {
    const env: Record<string, string> = {};
    for (const name of RUNTIME_PASSTHROUGH) {
      const v = hostEnv[name];
      if (v !== undefined) env[name] = v;
    }
    merged = Object.freeze(Object.assign(env, vars));
    withRuntime.set(vars, merged);
  }
  envs.set(context, { vars: merged as Record<string, string>, own: false });
}
