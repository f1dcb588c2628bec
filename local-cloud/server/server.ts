import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { FunctionInvocationError, StorageError, type LocalCloud } from '../services';
import { handleControlRoute, sendControlAnswer, type ServerMode } from './control-routes';
import { DEMO_OPENIDS, isValidOpenid, parseCookies, SESSION_COOKIE, SESSION_TTL_MS, SessionSigner, type Role } from './session';

/**
 * Request bounds, checked before any deep parsing: the API's bodies are small (an order with 200
 * items is ~30 kB), so 256 kB and 5,000 keys leave room and keep one request from holding the event
 * loop or being echoed back at length.
 */
const MAX_BODY = 256 * 1024;
export const MAX_KEYS = 5000;

/** Where the server listens: loopback unless HOST widens it (with a warning: /api/login grants any role). */
export function listenHost(env: Record<string, string | undefined> = process.env, warn: (line: string) => void = console.warn): string {
  const host = env.HOST?.trim() || '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    warn(
      `[start] WARNING: listening on ${host}: anyone who can reach this port can sign in as any role (local sign-in) and act as the merchant. Use HOST only on a network you trust.`,
    );
  }
  return host;
}
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

interface ServerOptions {
  cloud: LocalCloud;
  staticDir: string;
  sessionSecret: Buffer;
  /** `development` (what `npm start` runs) turns on the control routes (clock, jobs); default `production`: off. */
  mode?: ServerMode;
  log?: (line: string) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  // With its length the answer leaves in one write (header and body together), not chunked.
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

function readRaw(req: http.IncomingMessage): Promise<string> {
  // Stream events rather than `for await`: the async iterator cost a few promises and listeners per
  // request, a visible share of a trivial call.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: Error | null, text?: string) => {
      if (done) return;
      done = true;
      if (error) reject(error);
      else resolve(text ?? '');
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap nothing is kept; the rest is drained (so the client reads our 413 rather than a
      // reset), up to a bound past which the connection is dropped.
      if (size > MAX_BODY * 64) {
        req.destroy();
        finish(tooLarge());
        return;
      }
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) finish(tooLarge());
      else finish(null, chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => finish(e));
    // A client gone before the end of its body: the request fails (its answer goes nowhere).
    req.on('close', () => {
      if (!done) finish(new Error('request closed before its body ended'));
    });
  });
}

/**
 * What a file upload from the page may weigh here: more than any product limit (a mall picture is
 * 2 MB at most), so the functions' own checks are what refuse a file, as on the cloud, where
 * `wx.cloud.uploadFile` takes far larger files.
 */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

function readBytes(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.destroy();
        reject(new HttpError(413, 'VALIDATION_FAILED', `文件过大（最多 ${max / 1024 / 1024} MB）`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const tooLarge = () => new HttpError(413, 'VALIDATION_FAILED', `请求体过大（最多 ${MAX_BODY / 1024} kB）`);

/**
 * The number of object keys in a JSON text, counted in one linear pass without building anything
 * (a key is a string followed by ':'), so a body of 90,000 keys is refused before JSON.parse.
 */
export function countJsonKeys(text: string, stopAt = Infinity): number {
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i += 1;
      else if (c === 34 /* " */) {
        inString = false;
        let j = i + 1;
        while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13)) j += 1;
        if (text.charCodeAt(j) === 58 /* : */ && ++keys >= stopAt) return keys;
      }
    } else if (c === 34) inString = true;
  }
  return keys;
}

async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readRaw(req)).trim();
  if (text === '') return {};
  if (countJsonKeys(text, MAX_KEYS + 1) > MAX_KEYS) throw new HttpError(413, 'VALIDATION_FAILED', `请求体的字段过多（最多 ${MAX_KEYS} 个）`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', '请求体不是合法的 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'VALIDATION_FAILED', '请求体应为 JSON 对象');
  return value as Record<string, unknown>;
}

const FUNCTION_PATH = /^\/api\/fn\/([A-Za-z0-9_-]+)$/;
const ROOT_URL = new URL('http://localhost/');

/**
 * The local HTTP contract: GET / (H5 app), POST /api/login, POST /api/fn/<function>,
 * GET /api/outbox, plus local conveniences (session, logout, health, run a timer job now).
 */
export function createServer(options: ServerOptions): http.Server {
  const { cloud, staticDir } = options;
  const log = options.log ?? (() => undefined);
  const signer = new SessionSigner(options.sessionSecret);

  return http.createServer(async (req, res) => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    let url = ROOT_URL;
    let pathname = '/';
    try {
      // A function call's request target is a plain path (`/api/fn/member`), its own pathname: no URL
      // to parse. Anything else (a query, escapes, dot segments) takes the parser.
      const raw = req.url ?? '/';
      const plainCall = method === 'POST' ? FUNCTION_PATH.exec(raw) : null;
      if (!plainCall) {
        try {
          url = new URL(raw, 'http://localhost');
        } catch {
          throw new HttpError(400, 'VALIDATION_FAILED', '请求地址不正确');
        }
      }
      pathname = plainCall ? raw : url.pathname;
      const session = signer.fromCookieHeader(req.headers.cookie);
      // Function calls first: nearly every request is one, and no other route shares the prefix.
      const fn = plainCall ?? (pathname.startsWith('/api/fn/') ? FUNCTION_PATH.exec(pathname) : null);
      if (fn && method === 'POST') {
        if (!cloud.hasFunction(fn[1])) throw new HttpError(404, 'FUNCTION_NOT_FOUND', `云函数不存在：${fn[1]}`);
        if (!session) throw new HttpError(401, 'UNAUTHENTICATED', '请先登录');
        const data = await readJson(req);
        const result = await cloud.invoke(fn[1], data, { openid: session.openid, source: 'wx_client', clientIp: req.socket.remoteAddress });
        if (options.log) log(`${method} ${pathname} ${(data.action as string) ?? ''} ${Date.now() - started}ms`);
        return send(res, 200, result);
      }
      // From here on the URL was parsed (a plain call has answered above).
      if (url.pathname === '/api/login' && method === 'POST') {
        const body = await readJson(req);
        const role = body.role as Role;
        if (!['consumer', 'staff', 'merchant'].includes(role)) throw new HttpError(400, 'VALIDATION_FAILED', 'role 应为 consumer、staff 或 merchant');
        if (body.openid !== undefined && !isValidOpenid(body.openid))
          throw new HttpError(400, 'VALIDATION_FAILED', 'openid 只能包含字母、数字、下划线和连字符（最长 64 位）');
        const next = { role, openid: (body.openid as string | undefined) ?? DEMO_OPENIDS[role] };
        return send(
          res,
          200,
          { ok: true, data: next },
          { 'set-cookie': `${SESSION_COOKIE}=${signer.sign(next)}; Path=/; Max-Age=${SESSION_TTL_MS / 1000}; HttpOnly; SameSite=Lax` },
        );
      }
      if (url.pathname === '/api/logout' && method === 'POST') {
        // Revoked, not only cleared: a copy of the cookie is no session after this.
        signer.revoke(parseCookies(req.headers.cookie)[SESSION_COOKIE]);
        return send(res, 200, { ok: true, data: null }, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Max-Age=0` });
      }
      if (url.pathname === '/api/session' && method === 'GET') {
        return send(res, 200, { ok: true, data: session });
      }
      if (url.pathname === '/api/health' && method === 'GET') {
        return send(res, 200, { ok: true, data: { functions: cloud.functionNames } });
      }
      if (url.pathname === '/api/outbox' && method === 'GET') {
        // Messages to members: the merchant's, like the console.
        if (!session) throw new HttpError(401, 'UNAUTHENTICATED', '请先登录');
        if (session.role !== 'merchant') throw new HttpError(403, 'FORBIDDEN', '仅商家可用');
        const limit = Math.min(1000, Math.max(1, Math.floor(Number(url.searchParams.get('limit') ?? 200)) || 200));
        return send(res, 200, { ok: true, data: cloud.outbox.list(limit) });
      }
      const control = await handleControlRoute(cloud, { mode: options.mode ?? 'production', method, url, session, readJson: () => readJson(req) });
      if (control) return sendControlAnswer(res, control);
      if (url.pathname === '/api/storage' && method === 'POST') {
        // What wx.cloud.uploadFile does from the phone: the raw bytes to `cloudPath`, by a signed-in user.
        if (!session) throw new HttpError(401, 'UNAUTHENTICATED', '请先登录');
        const cloudPath = url.searchParams.get('cloudPath');
        const content = await readBytes(req, MAX_UPLOAD_BYTES);
        try {
          return send(res, 200, { ok: true, data: { fileID: cloud.storage.upload(cloudPath, content), statusCode: 200 } });
        } catch (e) {
          if (e instanceof StorageError) throw new HttpError(400, 'VALIDATION_FAILED', e.message);
          throw e;
        }
      }
      const file = /^\/api\/storage\/(.+)$/.exec(url.pathname);
      if (file && (method === 'GET' || method === 'HEAD')) {
        // Temporary file URLs from getTempFileURL: signed, expiring, no session needed (as on the cloud).
        const served = cloud.storage.serve(decodeURIComponent(file[1]), url.searchParams.get('t'), url.searchParams.get('sign'));
        if (served.status !== 200) {
          res.writeHead(served.status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
          return res.end(served.reason);
        }
        res.writeHead(200, {
          'content-type': MIME[path.extname(file[1]).toLowerCase()] ?? 'application/octet-stream',
          'content-length': served.body.length,
          'cache-control': 'private, max-age=300',
        });
        return res.end(method === 'HEAD' ? undefined : served.body);
      }
      if (url.pathname === '/api/subscribe' && method === 'POST') {
        // What wx.requestSubscribeMessage grants on the phone: one send per accepted template.
        if (!session) throw new HttpError(401, 'UNAUTHENTICATED', '请先登录');
        const body = await readJson(req);
        const ids = body.tmplIds ?? body.templateIds;
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 3 || !ids.every((id) => typeof id === 'string'))
          throw new HttpError(400, 'VALIDATION_FAILED', 'tmplIds 应为 1 到 3 个模板 id');
        const answer: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' };
        for (const id of ids as string[]) {
          if (!cloud.openapiState.templates.has(id)) throw new HttpError(400, 'VALIDATION_FAILED', `模板不存在：${id}`);
          cloud.subscriptions.accept(session.openid, id);
          answer[id] = 'accept';
        }
        return send(res, 200, { ok: true, data: answer });
      }
      const pos = /^\/api\/pos\/([A-Za-z0-9_/-]*)$/.exec(url.pathname);
      if (pos && cloud.hasFunction('pos')) {
        // HTTP-triggered function: the raw body and headers travel as the cloud's HTTP event; no session.
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
        const event = {
          httpMethod: method,
          path: '/' + pos[1],
          headers,
          queryStringParameters: Object.fromEntries(url.searchParams),
          body: await readRaw(req),
          isBase64Encoded: false,
        };
        const out = (await cloud.invoke('pos', event, { source: 'wx_http', clientIp: req.socket.remoteAddress })) as {
          statusCode?: number;
          headers?: Record<string, string>;
          body?: string;
        };
        log(`${method} ${url.pathname} ${out.statusCode ?? '?'} ${Date.now() - started}ms`);
        if (typeof out?.statusCode !== 'number') return send(res, 500, { ok: false, code: 'INTERNAL', message: '系统错误，请稍后重试' });
        res.writeHead(out.statusCode, { 'content-type': 'application/json; charset=utf-8', ...(out.headers ?? {}) });
        return res.end(out.body ?? '');
      }
      if (url.pathname.startsWith('/api/')) throw new HttpError(404, 'NOT_FOUND', `没有这个接口：${method} ${url.pathname}`);
      if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'NOT_FOUND', '不支持的请求方法');
      return await serveStatic(staticDir, url.pathname, req, res);
    } catch (e) {
      if (e instanceof HttpError) return send(res, e.status, { ok: false, code: e.code, message: e.message });
      if (e instanceof FunctionInvocationError) {
        // The function threw (-504002) or ran past its timeout (-504003): what wx.cloud.callFunction reports as a failure.
        log(`${method} ${pathname} failed: ${e.errCode} ${e.errMsg}`);
        const timedOut = e.errCode === -504003;
        return send(res, timedOut ? 504 : 500, {
          ok: false,
          code: timedOut ? 'UNAVAILABLE' : 'INTERNAL',
          message: timedOut ? '服务暂时不可用，请稍后重试' : '系统错误，请稍后重试',
          errCode: e.errCode,
          errMsg: e.errMsg,
        });
      }
      log(`error ${method} ${pathname}: ${(e as Error).stack ?? e}`);
      return send(res, 500, { ok: false, code: 'INTERNAL', message: '系统错误，请稍后重试' });
    }
  });
}

/** Text types worth compressing (images and woff fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map', '.ttf', '.txt', '.ico']);
/** `name.<8+ hex>.ext`: the build's content-hashed assets (`js/[name].[contenthash:8].js`). */
const HASHED = /\.[0-9a-f]{8,}\.[a-z0-9]+$/i;
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface StaticFile {
  mtimeMs: number;
  size: number;
  raw: Buffer;
  etag: string;
  /** compressed forms, made once per file version, on first request */
  encoded: Map<'br' | 'gzip', Promise<Buffer>>;
}
const staticFiles = new Map<string, StaticFile>();

function loadStatic(file: string): StaticFile {
  const st = fs.statSync(file);
  const cached = staticFiles.get(file);
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached;
  const raw = fs.readFileSync(file);
  const entry: StaticFile = {
    mtimeMs: st.mtimeMs,
    size: st.size,
    raw,
    etag: `"${st.size.toString(16)}-${Math.trunc(st.mtimeMs).toString(16)}"`,
    encoded: new Map(),
  };
  staticFiles.set(file, entry);
  return entry;
}

function encoded(entry: StaticFile, encoding: 'br' | 'gzip'): Promise<Buffer> {
  let out = entry.encoded.get(encoding);
  if (!out) {
    // In zlib's thread pool, never on the event loop; brotli 9 is within a few % of 11 on JS at a fraction of its time.
    out =
      encoding === 'br'
        ? promisify(zlib.brotliCompress)(entry.raw, {
            params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: entry.raw.length },
          })
        : promisify(zlib.gzip)(entry.raw, { level: 9 });
    entry.encoded.set(encoding, out);
  }
  return out;
}

function pickEncoding(accept: string | undefined): 'br' | 'gzip' | null {
  const offered = (accept ?? '')
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !q || Number(q.trim().replace(/^q=/, '')) > 0)
    .map(([name]) => name.trim().toLowerCase());
  if (offered.includes('br')) return 'br';
  if (offered.includes('gzip')) return 'gzip';
  return null;
}

/**
 * The H5 build: compressed (brotli, else gzip, made once per file and kept), content-hashed assets
 * cached for a year as immutable, index.html revalidated on every load (it names the current assets).
 */
async function serveStatic(root: string, pathname: string, req: http.IncomingMessage, res: http.ServerResponse) {
  const index = path.join(root, 'index.html');
  if (!fs.existsSync(index)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    return res.end('H5 build missing: run `npm run build:h5` (npm start does it for you).');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    throw new HttpError(400, 'VALIDATION_FAILED', '请求地址不正确');
  }
  if (decoded.includes('\0')) throw new HttpError(400, 'VALIDATION_FAILED', '请求地址不正确');
  const resolved = path.normalize(path.join(root, decoded));
  const inside = resolved.startsWith(root + path.sep);
  const file = inside && fs.existsSync(resolved) && fs.statSync(resolved).isFile() ? resolved : index;
  const ext = path.extname(file);
  const type = MIME[ext] ?? 'application/octet-stream';
  const entry = loadStatic(file);
  const headers: Record<string, string> = {
    'content-type': type,
    'cache-control': file === index ? 'no-cache' : HASHED.test(path.basename(file)) ? IMMUTABLE : 'public, max-age=300',
    etag: entry.etag,
  };
  const compressible = COMPRESSIBLE.has(ext) && entry.raw.length > 256;
  if (compressible) headers.vary = 'Accept-Encoding';
  if (req.headers['if-none-match'] === entry.etag) {
    res.writeHead(304, headers);
    return res.end();
  }
  const encoding = compressible ? pickEncoding(req.headers['accept-encoding']) : null;
  const body = encoding ? await encoded(entry, encoding) : entry.raw;
  if (encoding) headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}
