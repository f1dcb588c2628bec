import { invocationContext, type WXInvocationContext } from './sdk-transport';

/**
 * A function's environment variables, per invocation. On the cloud a function sees the variables set
 * for it (云函数 → 版本与配置 → 环境变量; locally its config.json `envVariables` and the local files),
 * never those of whatever machine deployed it. Functions read `process.env`, so inside an invocation
 * `process.env` answers the function's own variables; outside one (tests, seed, the server) it is the
 * host's environment, unchanged.
 */
/**
 * Each invocation's variables, by its WX context (the one `invocationContext` carries): one async
 * context for both instead of a second AsyncLocalStorage, which every promise of the process paid for.
 */
const envs = new WeakMap<WXInvocationContext, Record<string, string>>();
const current = {
  getStore(): Record<string, string> | undefined {
    const ctx = invocationContext.getStore();
    return ctx ? envs.get(ctx) : undefined;
  },
};

/** Host variables a Node runtime has on the cloud too (system paths, locale). */
const RUNTIME_PASSTHROUGH = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR'];

let installed = false;
let hostEnv: NodeJS.ProcessEnv = process.env;

export function installFunctionEnv(): void {
  if (installed) return;
  installed = true;
  const host = process.env;
  hostEnv = host;
  process.env = new Proxy(host, {
    get: (target, key) => {
      const env = current.getStore();
      if (!env || typeof key !== 'string') return Reflect.get(target, key);
      return Object.prototype.hasOwnProperty.call(env, key) ? env[key] : undefined;
    },
    set: (target, key, value) => {
      const env = current.getStore();
      if (!env || typeof key !== 'string') return Reflect.set(target, key, value);
      env[key] = String(value);
      return true;
    },
    deleteProperty: (target, key) => {
      const env = current.getStore();
      if (!env || typeof key !== 'string') return Reflect.deleteProperty(target, key);
      delete env[key];
      return true;
    },
    has: (target, key) => {
      const env = current.getStore();
      return env && typeof key === 'string' ? key in env : Reflect.has(target, key);
    },
    ownKeys: (target) => {
      const env = current.getStore();
      return env ? Object.keys(env) : Reflect.ownKeys(target);
    },
    getOwnPropertyDescriptor: (target, key) => {
      const env = current.getStore();
      if (!env || typeof key !== 'string') return Reflect.getOwnPropertyDescriptor(target, key);
      return Object.prototype.hasOwnProperty.call(env, key) ? { value: env[key], writable: true, enumerable: true, configurable: true } : undefined;
    },
  });
}

/**
 * Makes `vars` the whole of `process.env` (plus the runtime's system variables) for the invocation
 * whose WX context is `context`: while code runs inside `invocationContext.run(context, …)`.
 * The invocation gets its own copy (what it sets stays its own).
 */
export function bindFunctionEnv(context: WXInvocationContext, vars: Record<string, string>): void {
  const env: Record<string, string> = {};
  for (const name of RUNTIME_PASSTHROUGH) {
    const v = hostEnv[name];
    if (v !== undefined) env[name] = v;
  }
  Object.assign(env, vars);
  envs.set(context, env);
}
