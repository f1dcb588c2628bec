import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
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

export function readFunctionConfig(name: string, dir = FUNCTIONS_SRC): FunctionConfig {
  return JSON.parse(fs.readFileSync(path.join(dir, name, 'config.json'), 'utf8')) as FunctionConfig;
}

/**
 * How a function's `main` is found: `bundle` loads the built, deployable `dist/cloudfunctions/<name>/index.js`
 * (what `npm start` runs); `source` loads `cloudfunctions/<name>/index.ts` (tests, through their TS transform).
 */
export type FunctionSource = 'bundle' | 'source';

export function loadFunction(name: string, source: FunctionSource, sourceDir = FUNCTIONS_SRC): FunctionMain {
  const file = source === 'bundle' ? path.join(FUNCTIONS_DIST, name, 'index.js') : path.join(sourceDir, name, 'index.ts');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { main?: FunctionMain };
  if (typeof mod.main !== 'function') throw new Error(`cloud function ${name} does not export main`);
  return mod.main;
}
