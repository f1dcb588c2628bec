import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserServer } from 'playwright-core';
import { chromiumLaunchOptions } from './browser';
import { startServer, type RunningServer } from './server';

/**
 * One local cloud (fresh data, demo seed) and one Chromium for every e2e file: started once by
 * jest's globalSetup, found by the test files through the environment, stopped by globalTeardown.
 * Tests keep to their own identities (distinct openids) so they can share the store.
 */
export const E2E_SERVER_URL = 'HY_E2E_SERVER_URL';
export const E2E_BROWSER_WS = 'HY_E2E_BROWSER_WS';

let server: RunningServer | undefined;
let browser: BrowserServer | undefined;

export async function setup(): Promise<void> {
  if (!fs.existsSync(path.resolve(__dirname, '../../dist/h5/index.html'))) throw new Error('dist/h5 missing: run `npm run build` first (npm test does)');
  [server, browser] = await Promise.all([startServer(), chromium.launchServer(chromiumLaunchOptions())]);
  process.env[E2E_SERVER_URL] = server.url;
  process.env[E2E_BROWSER_WS] = browser.wsEndpoint();
}

export async function teardown(): Promise<void> {
  await browser?.close();
  await server?.stop();
}
