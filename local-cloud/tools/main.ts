/**
 * `npm start`: builds what is missing, opens the local cloud on ${LOCAL_DATA_DIR:-.data}, seeds demo
 * data on first run, runs the timer triggers and serves the H5 app and the API on ${PORT:-8080}.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildFunctions } from '../../scripts/build-functions';
import { PROJECT_ROOT, startTimers } from '../runtime';
import { LocalCloud } from '../services';
import { createServer, listenHost } from '../server';
import { seedDemoData, seedState } from './seed';

const H5_DIR = path.join(PROJECT_ROOT, 'dist', 'h5');

function sessionSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'session.key');
  if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
}

async function start() {
  const port = Number(process.env.PORT ?? 8080);
  const dataDir = path.resolve(process.env.LOCAL_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'));
  const skipBuild = process.argv.includes('--no-build');
  fs.mkdirSync(dataDir, { recursive: true });

  if (!skipBuild) {
    const built = await buildFunctions();
    console.log(`[start] functions built: ${built.map((b) => b.name).join(', ')}`);
    if (!fs.existsSync(path.join(H5_DIR, 'index.html'))) {
      console.log('[start] building the H5 app (first run)…');
      const r = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', '@tarojs', 'cli', 'bin', 'taro'), 'build', '--type', 'h5'], {
        cwd: PROJECT_ROOT,
        stdio: 'inherit',
        env: { ...process.env, NODE_ENV: 'production' },
      });
      if (r.status !== 0) throw new Error('H5 build failed');
    }
  }

  const cloud = new LocalCloud({
    file: path.join(dataDir, 'cloud.sqlite'),
    publicUrl: process.env.LOCAL_PUBLIC_URL ?? `http://localhost:${port}`,
    functionSource: skipBuild && !fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'cloudfunctions')) ? 'source' : 'bundle',
  });
  // LOCAL_CLOUD_NOW: start the clock at this instant (it runs on from there; POST /api/clock moves it).
  if (process.env.LOCAL_CLOUD_NOW) {
    cloud.clock.set(process.env.LOCAL_CLOUD_NOW);
    console.log(`[start] clock set to ${cloud.clock.state().now} (LOCAL_CLOUD_NOW)`);
  }
  const state = await seedState();
  if (state === 'partial') {
    // A seed that died half-way (its marker is written last): serving it would show drifting members.
    cloud.close();
    throw new Error(`the demo data in ${dataDir} is incomplete (a seed did not finish); start over with \`npm run seed -- --reset\` or remove the folder`);
  }
  if (state === 'empty') {
    const counts = await seedDemoData(cloud);
    console.log(`[start] demo data seeded: ${counts.members} members, ${counts.orders} orders, ${counts.ledger} ledger entries`);
  }
  const stopTimers = startTimers(
    (t) => cloud.trigger(t.functionName, t.triggerName),
    console.log,
    undefined,
    (listener) => cloud.clock.onChange(listener),
  );
  // The clock and job routes are a developer's tool: on only in development mode (`npm start` sets it).
  const mode = process.env.LOCAL_CLOUD_MODE === 'development' ? 'development' : 'production';
  const server = createServer({
    cloud,
    mode,
    staticDir: H5_DIR,
    sessionSecret: sessionSecret(dataDir),
    log: (l) => (process.env.LOCAL_CLOUD_QUIET ? undefined : console.log(`[http] ${l}`)),
  });
  // Loopback by default: the local sign-in grants any role (HOST widens it, with a warning).
  const host = listenHost();
  server.listen(port, host, () => {
    console.log(`[start] local cloud listening on http://${host.includes(':') ? `[${host}]` : host}:${port} (data: ${dataDir}, mode: ${mode})`);
  });
  const shutdown = () => {
    stopTimers();
    server.close();
    cloud.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

start().catch((e) => {
  console.error('[start] failed:', e);
  process.exit(1);
});
