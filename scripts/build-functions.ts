/**
 * Bundles each cloud function into a deployable folder: dist/cloudfunctions/<name>/
 *   index.js      (esbuild bundle exporting `main`; wx-server-sdk stays external)
 *   index.js.map  (its source map, read only by a Node started with --enable-source-maps)
 *   package.json  (depends on wx-server-sdk, which the cloud installs)
 *   config.json   (timer triggers, openapi permissions)
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { FUNCTIONS_DIST, FUNCTIONS_SRC, listFunctions } from '../local-cloud/runtime';

const SDK_VERSION = '4.0.2';

/** Builds `names` into `outRoot` (dist/cloudfunctions; a test builds into a temporary folder). */
export async function buildFunctions(names = listFunctions(), outRoot = FUNCTIONS_DIST): Promise<{ name: string; bytes: number; ms: number }[]> {
  fs.mkdirSync(outRoot, { recursive: true });
  const results = [];
  for (const name of names) {
    const started = Date.now();
    const outdir = path.join(outRoot, name);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.mkdirSync(outdir, { recursive: true });
    await build({
      entryPoints: [path.join(FUNCTIONS_SRC, name, 'index.ts')],
      outfile: path.join(outdir, 'index.js'),
      bundle: true,
      platform: 'node',
      // The oldest Node runtime a merchant may still pick for a cloud function (Nodejs16.13). Newer
      // targets changed no byte that matters here (measured: about 1 KiB of 190), so nothing to gain.
      target: 'node16',
      format: 'cjs',
      external: ['wx-server-sdk'],
      // A cold start compiles the whole bundle (V8 pre-parses every byte, zod's included): whitespace
      // and syntax minification take a third off. Identifiers are kept, so the function names in a
      // stack trace in the cloud's logs stay readable; the linked map (without the sources) maps a
      // position back to our TypeScript where Node runs with --enable-source-maps (NODE_OPTIONS in
      // the function's environment variables), and costs nothing otherwise.
      minifyWhitespace: true,
      minifySyntax: true,
      sourcemap: 'linked',
      sourcesContent: false,
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
  fs.copyFileSync(path.join(FUNCTIONS_SRC, 'database.json'), path.join(outRoot, 'database.json'));
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
