/**
 * Bundles each cloud function into a deployable folder: dist/cloudfunctions/<name>/
 *   index.js      (esbuild bundle exporting `main`; wx-server-sdk stays external)
 *   package.json  (depends on wx-server-sdk, which the cloud installs)
 *   config.json   (timer triggers, openapi permissions)
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { FUNCTIONS_DIST, FUNCTIONS_SRC, listFunctions } from '../local-cloud/functions';

const SDK_VERSION = '4.0.2';

export async function buildFunctions(names = listFunctions()): Promise<{ name: string; bytes: number; ms: number }[]> {
  fs.mkdirSync(FUNCTIONS_DIST, { recursive: true });
  const results = [];
  for (const name of names) {
    const started = Date.now();
    const outdir = path.join(FUNCTIONS_DIST, name);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: [path.join(FUNCTIONS_SRC, name, 'index.ts')],
      outfile: path.join(outdir, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node16',
      format: 'cjs',
      external: ['wx-server-sdk'],
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'warning',
    });
    fs.writeFileSync(
      path.join(outdir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', private: true, main: 'index.js', dependencies: { 'wx-server-sdk': SDK_VERSION } }, null, 2) + '\n',
    );
    fs.copyFileSync(path.join(FUNCTIONS_SRC, name, 'config.json'), path.join(outdir, 'config.json'));
    results.push({ name, bytes: fs.statSync(path.join(outdir, 'index.js')).size, ms: Date.now() - started });
  }
  // The list of collections and indexes to create in the console travels with the functions.
  fs.copyFileSync(path.join(FUNCTIONS_SRC, 'database.json'), path.join(FUNCTIONS_DIST, 'database.json'));
  return results;
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  buildFunctions()
    .then((results) => {
      for (const r of results) console.log(`[functions] ${r.name.padEnd(10)} ${(r.bytes / 1024).toFixed(1).padStart(7)} KiB  ${r.ms} ms`);
    })
    .catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
