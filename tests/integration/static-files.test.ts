import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud } from '../support/local-cloud';

/** The H5 build served compressed, with long-lived caching for content-hashed assets only. */
describe('static files of the H5 app', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  let server: http.Server;
  let port: number;
  let dir: string;
  const js = `/* app */\n${Array.from({ length: 400 }, (_, i) => `export const v${i} = ${i} * 2; // padding that compresses`).join('\n')}\n`;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-static-'));
    fs.mkdirSync(path.join(dir, 'js'));
    fs.writeFileSync(
      path.join(dir, 'index.html'),
      `<!doctype html><html><head><script src="/js/app.0123abcd.js"></script></head><body>${'<div></div>'.repeat(50)}</body></html>`,
    );
    fs.writeFileSync(path.join(dir, 'js', 'app.0123abcd.js'), js);
    fs.writeFileSync(path.join(dir, 'logo.png'), Buffer.alloc(2000, 7));
    cloud = openTestCloud();
    server = createServer({ cloud, staticDir: dir, sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A raw GET (no automatic decompression): status, headers and the body bytes as sent. */
  const get = (urlPath: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: urlPath, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on('error', reject);
    });

  it('answers brotli when offered, else gzip, else the plain bytes, all the same content', async () => {
    const br = await get('/js/app.0123abcd.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(zlib.brotliDecompressSync(br.body).toString()).toBe(js);
    expect(br.body.length).toBeLessThan(js.length / 4);
    const gz = await get('/js/app.0123abcd.js', { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).toString()).toBe(js);
    const plain = await get('/js/app.0123abcd.js', { 'accept-encoding': 'br;q=0' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(js);
    expect(Number(plain.headers['content-length'])).toBe(Buffer.byteLength(js));
  });

  it('caches hashed assets for a year as immutable, revalidates index.html, and answers 304 to a current ETag', async () => {
    const asset = await get('/js/app.0123abcd.js');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const index = await get('/', { 'accept-encoding': 'gzip' });
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(zlib.gunzipSync(index.body).toString()).toContain('app.0123abcd.js');
    const again = await get('/', { 'if-none-match': String(index.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const unknownRoute = await get('/pages/member/index');
    expect(unknownRoute.headers['cache-control']).toBe('no-cache'); // the app's routes serve index.html
  });

  it('leaves already-compressed files as they are', async () => {
    const png = await get('/logo.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.body.length).toBe(2000);
    expect(png.headers['cache-control']).toBe('public, max-age=300');
  });
});
