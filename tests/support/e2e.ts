import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { startServer, type RunningServer } from './server';

/**
 * One local cloud (fresh data, demo seed) and one Chromium per e2e file, against the built H5 app.
 * Call at the top of a describe block; the getters are valid inside tests.
 */
export function useH5App(): { server: () => RunningServer; browser: () => Browser } {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!fs.existsSync(path.resolve(__dirname, '../../dist/h5/index.html'))) throw new Error('dist/h5 missing: run `npm run build` first (npm test does)');
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  const must = <T>(v: T | undefined, what: string): T => {
    if (!v) throw new Error(`${what} not started`);
    return v;
  };
  return { server: () => must(server, 'server'), browser: () => must(browser, 'browser') };
}
