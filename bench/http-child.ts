/**
 * A server process for the HTTP figures, so the load generator (the bench process) and the server
 * each have a core: `bare` is a plain Node server doing what a trivial call must (read a JSON body,
 * answer JSON); `cloud` is the local cloud's own server with the bench data. Prints `READY <json>`.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { LocalCloud } from '../local-cloud/services';
import { createServer } from '../local-cloud/server';
import { registerMembers, seedHistory, seedStores } from './seed';

async function main() {
  const mode = process.argv[2];
  if (mode === 'bare') {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        res.end(JSON.stringify({ ok: true, data: { role: null, echo: typeof body.action } }));
      });
    });
    server.listen(0, '127.0.0.1', () => console.log(`READY ${JSON.stringify({ port: (server.address() as { port: number }).port })}`));
    return;
  }
  const members = Number(process.argv[3] ?? 2000);
  const orders = Number(process.argv[4] ?? 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-perfbench-http-'));
  const source = fs.existsSync(path.join(__dirname, '..', 'dist', 'cloudfunctions', 'points', 'index.js')) ? 'bundle' : 'source';
  const cloud = new LocalCloud({ file: path.join(dir, 'cloud.sqlite'), functionSource: source, faults: { conflict: 0, transient: 0, lostReply: 0 } });
  seedStores(cloud);
  const memberIds = await registerMembers(cloud, members);
  if (orders > 0) await seedHistory(cloud, memberIds, orders);
  const server = createServer({ cloud, staticDir: path.join(dir, 'no-h5'), sessionSecret: Buffer.from('bench-session-secret') });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(`READY ${JSON.stringify({ port: (server.address() as { port: number }).port, memberIds, source })}`));
  process.on('SIGTERM', () => {
    cloud.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
