import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DocumentStore } from '../../local-cloud/store';
import { assertDocumentsParse } from './local-cloud';

const ROOT = path.resolve(__dirname, '../..');

/** What the stopped server left on disk, every document parsed with its collection's schema (local-cloud.ts). */
function checkStoredDocuments(file: string): void {
  if (!fs.existsSync(file)) return;
  const store = new DocumentStore(file, { durable: false });
  try {
    assertDocumentsParse(store);
  } finally {
    store.close();
  }
}

/**
 * A data folder the e2e run seeded once (tests/support/e2e-global.ts): each server copies it rather
 * than seeding the demo again (the seed is most of a server's start).
 */
export const E2E_SEED_DIR = 'HY_E2E_SEED_DIR';

/** Seeds the demo into a fresh data folder, as `npm run seed` does (the same code `npm start` seeds with). */
export async function seedDataDir(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-e2e-seed-'));
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['local-cloud/tools/cli.ts', 'seed'], {
    cwd: ROOT,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`seeding the e2e data failed (${code}):\n${output}`);
  return dataDir;
}

export interface RunningServer {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Starts `npm start`'s program (without rebuilding, in development mode like `npm start`) on a free
 * port and a fresh data folder: a copy of the run's seeded folder when there is one (`E2E_SEED_DIR`),
 * else empty (the program seeds it).
 */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-e2e-'));
  const seeded = process.env[E2E_SEED_DIR];
  if (seeded && !env.LOCAL_DATA_DIR) fs.cpSync(seeded, dataDir, { recursive: true });
  const child: ChildProcess = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['local-cloud/tools/main.ts', '--no-build'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOCAL_DATA_DIR: dataDir, LOCAL_CLOUD_QUIET: '1', LOCAL_CLOUD_MODE: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      child.removeAllListeners('exit');
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
      try {
        checkStoredDocuments(path.join(dataDir, 'cloud.sqlite'));
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
