import type http from 'node:http';
import type { LocalCloud } from '../services';

/**
 * The local cloud's control routes: a developer's tool. They exist only when the local cloud runs in
 * development mode (`npm start`; elsewhere they answer 404 as if absent), and then answer the merchant
 * only: a consumer who could move the shared clock or run jobs could expire others' points or farm
 * check-ins.
 *   GET  /api/clock                      the clock: { now, offsetMs, frozen, real }
 *   POST /api/clock { now } | { advanceMs } | { reset: true }   (optional `frozen: true` with `now`)
 *   GET  /api/jobs                       every scheduled job with its schedule and last run
 *   POST /api/jobs/<job>/run             runs one job now by name (e.g. `birthday`), under its lease
 *   GET  /api/faults                     the fault injection's rates: { conflict, transient, lostReply }
 *   POST /api/faults { conflict?, transient?, lostReply? } | { reset: true }   sets rates (0–1) at run
 *        time: an e2e test turns an outage on (transient: 1) and off around one step of a page
 * Kept apart from server.ts so the HTTP contract's own routes and these evolve separately.
 */
/** `development` turns the control routes on; any other mode leaves them out. */
export type ServerMode = 'development' | 'production';

interface ControlRequest {
  mode: ServerMode;
  method: string;
  url: URL;
  /** the signed session, null without one */
  session: { role: string; openid: string } | null;
  readJson(): Promise<Record<string, unknown>>;
}

interface ControlAnswer {
  status: number;
  body: unknown;
}

const refuse = (status: number, code: string, message: string): ControlAnswer => ({ status, body: { ok: false, code, message } });

/** Answers a control route, or null when the path is not one (the server carries on). */
export async function handleControlRoute(cloud: LocalCloud, req: ControlRequest): Promise<ControlAnswer | null> {
  const { method, url } = req;
  const jobRun = /^\/api\/jobs\/([A-Za-z0-9_-]+)\/run$/.exec(url.pathname);
  if (url.pathname !== '/api/clock' && url.pathname !== '/api/jobs' && url.pathname !== '/api/faults' && !jobRun) return null;
  if (req.mode !== 'development') return refuse(404, 'NOT_FOUND', `没有这个接口：${method} ${url.pathname}`);
  if (!req.session) return refuse(401, 'UNAUTHENTICATED', '请先登录');
  if (req.session.role !== 'merchant') return refuse(403, 'FORBIDDEN', '仅商家可用（开发模式的时钟与任务）');
  if (url.pathname === '/api/jobs') {
    if (method !== 'GET') return refuse(405, 'NOT_FOUND', '不支持的请求方法');
    return { status: 200, body: await cloud.listJobs() };
  }
  if (url.pathname === '/api/faults') return faultsRoute(cloud, req);
  if (jobRun) {
    if (method !== 'POST') return refuse(405, 'NOT_FOUND', '不支持的请求方法');
    const answer = (await cloud.runJob(jobRun[1])) as { ok: boolean; code?: string };
    return { status: answer.ok ? 200 : answer.code === 'NOT_FOUND' ? 404 : 500, body: answer };
  }
  if (method === 'GET') return { status: 200, body: { ok: true, data: cloud.clock.state() } };
  if (method !== 'POST') return refuse(405, 'NOT_FOUND', '不支持的请求方法');
  const body = await req.readJson();
  try {
    if (body.reset === true) return { status: 200, body: { ok: true, data: cloud.clock.reset() } };
    if (typeof body.now === 'string' && !Number.isNaN(Date.parse(body.now))) {
      return { status: 200, body: { ok: true, data: cloud.clock.set(body.now, { frozen: body.frozen === true }) } };
    }
    if (typeof body.advanceMs === 'number' && Number.isFinite(body.advanceMs))
      return { status: 200, body: { ok: true, data: cloud.clock.advance(body.advanceMs) } };
  } catch (e) {
    return refuse(400, 'VALIDATION_FAILED', (e as Error).message);
  }
  return refuse(400, 'VALIDATION_FAILED', '请求体应为 { now: ISO 时间 }、{ advanceMs: 毫秒数 } 或 { reset: true }');
}

const FAULT_KINDS = ['conflict', 'transient', 'lostReply'] as const;

/** The fault injection's rates, read or set while the cloud runs (the injector reads them on every roll). */
async function faultsRoute(cloud: LocalCloud, req: ControlRequest): Promise<ControlAnswer> {
  const faults = cloud.database.faults;
  const rates = () => ({ conflict: faults.config.conflict, transient: faults.config.transient, lostReply: faults.config.lostReply });
  if (req.method === 'GET') return { status: 200, body: { ok: true, data: rates() } };
  if (req.method !== 'POST') return refuse(405, 'NOT_FOUND', '不支持的请求方法');
  const body = await req.readJson();
  if (body.reset === true) {
    faults.config = { ...faults.config, conflict: 0, transient: 0, lostReply: 0 };
    return { status: 200, body: { ok: true, data: rates() } };
  }
  const next = { ...faults.config };
  for (const kind of FAULT_KINDS) {
    const value = body[kind];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) return refuse(400, 'VALIDATION_FAILED', `${kind} 应为 0 到 1 之间的比例`);
    next[kind] = value;
  }
  faults.config = next;
  return { status: 200, body: { ok: true, data: rates() } };
}

/** Writes a control answer. */
export function sendControlAnswer(res: http.ServerResponse, answer: ControlAnswer): void {
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(answer.body));
}
