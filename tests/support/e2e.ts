import { chromium, type Browser } from 'playwright-core';
import { E2E_BROWSER_WS, E2E_SERVER_URL } from './e2e-global';
import { startServer, type RunningServer } from './server';

interface SharedServer {
  url: string;
}

/**
 * The e2e files' shared local cloud (demo seed) and Chromium, started once for the run by the e2e
 * project's globalSetup (tests/support/e2e-global.ts). Call at the top of a describe block; the
 * getters are valid inside tests. Each file gets its own browser connection; close your contexts.
 */
export function useH5App(options: { ownServer?: boolean } = {}): { server: () => SharedServer; browser: () => Browser } {
  let browser: Browser | undefined;
  let own: RunningServer | undefined;
  let url = process.env[E2E_SERVER_URL];
  beforeAll(async () => {
    const ws = process.env[E2E_BROWSER_WS];
    if (!url || !ws) throw new Error('the e2e server is not running: run e2e tests through jest (the e2e project has a globalSetup)');
    // A file that spends the demo member's points or stock needs the demo as seeded, not as other files left it.
    if (options.ownServer) {
      own = await startServer();
      url = own.url;
    }
    browser = await chromium.connect(ws);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await own?.stop();
  });
  return {
    server: () => {
      if (!url) throw new Error('server not started');
      return { url };
    },
    browser: () => {
      if (!browser) throw new Error('browser not connected');
      return browser;
    },
  };
}
