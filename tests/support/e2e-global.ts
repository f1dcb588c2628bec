import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserServer } from 'playwright-core';
import { chromiumLaunchOptions } from './browser';
import { E2E_SEED_DIR, seedDataDir, startServer, type RunningServer } from './server';
import { buildFunctions } from '../../scripts/build-functions';

const ROOT = path.resolve(__dirname, '../..');

/** The newest modification time of the files under `dirs`. */
function newestMtimeMs(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const dir of dirs) walk(dir);
  return newest;
}

/**
 * The e2e tests run what the source says: the functions are bundled now (about a second), and an H5
 * build older than the client's or the domain's sources is refused (a 30 s build is not redone
 * silently on every run: `npm run build:h5`, or `npm run test:e2e`, which builds first).
 */
async function buildWhatTheSourceSays(): Promise<void> {
  await buildFunctions();
  const index = path.join(ROOT, 'dist/h5/index.html');
  if (!fs.existsSync(index)) throw new Error('dist/h5 missing: run `npm run build:h5` first (npm test and npm run test:e2e do)');
  const sources = newestMtimeMs(['client/src', 'shared', 'config'].map((d) => path.join(ROOT, d)));
  if (fs.statSync(index).mtimeMs < sources)
    throw new Error('dist/h5 is older than client/, shared/ or config/: run `npm run build:h5` (or `npm run test:e2e`)');
}

/**
 * One local cloud (fresh data, demo seed) and one Chromium for every e2e file: started once by
 * jest's globalSetup, found by the test files through the environment, stopped by globalTeardown.
 * Tests keep to their own identities (distinct openids) so they can share the store. The demo is
 * seeded once, into a folder every server (this one, and a file's own) starts from a copy of.
 */
export const E2E_SERVER_URL = 'HY_E2E_SERVER_URL';
export const E2E_BROWSER_WS = 'HY_E2E_BROWSER_WS';

let server: RunningServer | undefined;
let browser: BrowserServer | undefined;
let seedDir: string | undefined;

export async function setup(): Promise<void> {
  await buildWhatTheSourceSays();
  const seeding = seedDataDir();
  const launching = chromium.launchServer(chromiumLaunchOptions());
  seedDir = await seeding;
  process.env[E2E_SEED_DIR] = seedDir;
  [server, browser] = await Promise.all([startServer(), launching]);
  process.env[E2E_SERVER_URL] = server.url;
  process.env[E2E_BROWSER_WS] = browser.wsEndpoint();
}

export async function teardown(): Promise<void> {
  await browser?.close();
  await server?.stop();
  if (seedDir) fs.rmSync(seedDir, { recursive: true, force: true });
}
