import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { listFunctions } from '../../local-cloud/runtime';
import { buildFunctions } from '../../scripts/build-functions';

/**
 * Each function's deploy folder must run on its own: the cloud uploads the folder, installs its
 * package.json's dependencies (wx-server-sdk only) and requires index.js. Built here into a temporary
 * folder (not dist/, which other tests read) where nothing but wx-server-sdk can be resolved, then
 * required by a plain Node and called through the local cloud from those folders.
 */
const ROOT = path.resolve(__dirname, '../..');
const SDK = path.join(ROOT, 'node_modules', 'wx-server-sdk');
/** What the cloud's runtime sets (see bench/local-cloud.bench.ts): no metadata probe off the cloud. */
const CLOUD_ENV = { TENCENTCLOUD_RUNENV: 'SCF', TENCENTCLOUD_REGION: 'ap-shanghai', SCF_NAMESPACE: 'local' };
const NAMES = listFunctions();

let out: string;

beforeAll(async () => {
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-deploy-'));
  await buildFunctions(NAMES, out);
  // As the cloud's `npm install` would: the one dependency, inside the function's own folder.
  for (const name of NAMES) {
    fs.mkdirSync(path.join(out, name, 'node_modules'));
    fs.symlinkSync(SDK, path.join(out, name, 'node_modules', 'wx-server-sdk'), 'dir');
  }
}, 120_000);

afterAll(() => {
  if (out) fs.rmSync(out, { recursive: true, force: true });
});

/** Every `require("x")` a bundle makes, wherever it sits (a lazy one inside a function included). */
function requiredSpecifiers(bundle: string): string[] {
  return [...new Set([...bundle.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]))];
}

describe('deploy folders', () => {
  it('resolve nothing from the project: the sandbox itself can fail', () => {
    // Were zod (or anything else bundled) resolvable from the temporary folder, the checks below would prove nothing.
    for (const name of NAMES) {
      // Node's own resolution, as from the folder's index.js.
      const fromFolder = createRequire(path.join(out, name, 'index.js'));
      expect(() => fromFolder.resolve('zod')).toThrow();
      expect(() => fromFolder.resolve('dayjs')).toThrow();
      expect(fs.realpathSync(fromFolder.resolve('wx-server-sdk'))).toBe(fs.realpathSync(path.join(SDK, 'index.js')));
    }
  });

  it.each(NAMES)('%s: its bundle requires only Node built-ins, wx-server-sdk and files of its own folder', (name) => {
    const dir = path.join(out, name);
    const builtins = new Set(builtinModules);
    const foreign = requiredSpecifiers(fs.readFileSync(path.join(dir, 'index.js'), 'utf8')).filter((spec) => {
      if (spec === 'wx-server-sdk' || builtins.has(spec.replace(/^node:/, ''))) return false;
      if (spec.startsWith('./')) return !fs.existsSync(path.join(dir, spec));
      return true;
    });
    expect(foreign).toEqual([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main: string; dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(['wx-server-sdk']);
  });

  /**
   * One plain Node requires every folder's index.js in turn, each from its own folder (its cwd, its
   * node_modules), and reports what each wrote to stderr and whether it found `main`: wx-server-sdk is
   * loaded once instead of once per function (a process each took about 4 s here).
   */
  let required: Record<string, { stderr: string; main: boolean; error: string | null }>;
  beforeAll(() => {
    const child = `
      const path = require('node:path');
      const out = {};
      const write = process.stderr.write.bind(process.stderr);
      for (const dir of process.argv.slice(1)) {
        let stderr = '';
        process.stderr.write = (chunk, ...rest) => ((stderr += String(chunk)), true);
        process.chdir(dir);
        let main = false, error = null;
        try {
          main = typeof require(path.join(dir, 'index.js')).main === 'function';
        } catch (e) {
          error = String(e && e.stack || e);
        }
        process.stderr.write = write;
        out[path.basename(dir)] = { stderr, main, error };
      }
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['-e', child, ...NAMES.map((name) => path.join(out, name))], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', ...CLOUD_ENV },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    required = JSON.parse(r.stdout) as typeof required;
  }, 60_000);

  it.each(NAMES)('%s: a plain Node requires its index.js from the folder and finds main', (name) => {
    expect(required[name]).toEqual({ stderr: '', main: true, error: null });
  });

  it('answer through the local cloud when it loads them from those folders', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-deploy-data-'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'tests/support/deploy-child.ts', out, data], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...CLOUD_ENV },
        timeout: 90_000,
      });
      expect(r.status).toBe(0);
      const calls = r.stdout
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { fn: string; action: string; ok: boolean; code?: string });
      // Every function answered, from its deploy folder, without an error of its own.
      expect(calls.filter((c) => !c.ok)).toEqual([]);
      expect([...new Set(calls.map((c) => c.fn))].sort()).toEqual([...NAMES].sort());
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  }, 120_000);
});
