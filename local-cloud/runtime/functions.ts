import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');
export const FUNCTIONS_SRC = path.join(PROJECT_ROOT, 'cloudfunctions');
export const FUNCTIONS_DIST = path.join(PROJECT_ROOT, 'dist', 'cloudfunctions');

export interface TimerTrigger {
  name: string;
  type: 'timer';
  config: string;
}
export interface FunctionConfig {
  /** seconds; the cloud's default is 3 */
  timeout?: number;
  /** the function's environment variables (WeChat DevTools' config.json) */
  envVariables?: Record<string, string>;
  triggers?: TimerTrigger[];
  permissions?: { openapi?: string[] };
}

export type FunctionMain = (event: Record<string, unknown>, context: Record<string, unknown>) => Promise<unknown>;

/** Deployable functions: folders of `cloudfunctions/` with a config.json (`_lib` is shared code). */
export function listFunctions(dir = FUNCTIONS_SRC): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('_') && fs.existsSync(path.join(dir, d.name, 'config.json')))
    .map((d) => d.name)
    .sort();
}

/** A function's `config.json`; refused, as the platform refuses it, with more than one trigger. */
export function readFunctionConfig(name: string, dir = FUNCTIONS_SRC): FunctionConfig {
  const config = JSON.parse(fs.readFileSync(path.join(dir, name, 'config.json'), 'utf8')) as FunctionConfig;
  checkFunctionConfig(name, config);
  return config;
}

/** WeChat: `triggers` 目前仅支持一个触发器. Jobs share the one scheduler instead (cloudfunctions/scheduler). */
export function checkFunctionConfig(name: string, config: FunctionConfig): void {
  if ((config.triggers?.length ?? 0) > 1) {
    throw new Error(
      `cloud function ${name}: config.json declares ${config.triggers?.length} triggers; the platform allows one (add a job to the scheduler instead)`,
    );
  }
}

/**
 * How a function's `main` is found: `bundle` loads the built, deployable `dist/cloudfunctions/<name>/index.js`
 * (what `npm start` runs); `source` loads `cloudfunctions/<name>/index.ts` (tests, through their TS transform).
 */
export type FunctionSource = 'bundle' | 'source';

export function loadFunction(name: string, source: FunctionSource, sourceDir = FUNCTIONS_SRC, bundlesDir = FUNCTIONS_DIST): FunctionMain {
  const file = source === 'bundle' ? path.join(bundlesDir, name, 'index.js') : path.join(sourceDir, name, 'index.ts');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { main?: FunctionMain };
  if (typeof mod.main !== 'function') throw new Error(`cloud function ${name} does not export main`);
  return mod.main;
}
