import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DocumentStore, type DatabaseSchema } from './store';
import { LocalDatabase } from './database';
import { FaultInjector, parseFaults, type FaultConfig } from './faults';
import { Outbox } from './outbox';
import { localOpenapi } from './openapi';
import { installSdkTransport, invocationContext, type WXInvocationContext } from './sdk-transport';
import { SECRET_NAMES } from '../cloudfunctions/_lib/secrets';
import { FUNCTIONS_SRC, listFunctions, loadFunction, type FunctionMain, type FunctionSource } from './functions';

export const LOCAL_APPID = 'wxlocal0000000000';
export const LOCAL_ENV = 'local';

export interface LocalCloudOptions {
  /** SQLite file, or ':memory:' */
  file: string;
  functionSource?: FunctionSource;
  faults?: FaultConfig;
  durable?: boolean;
  schema?: DatabaseSchema;
}

/** The billed database requests of one invocation (a nested callFunction's count in its caller's too). */
export interface InvocationUsage {
  fn: string;
  action: string;
  requests: number;
  byAction: Record<string, number>;
  parent?: InvocationUsage;
}

/** Per `<function>.<action>`: invocations and the database requests they made. */
export interface ActionRequests {
  calls: number;
  requests: number;
}

export interface Caller {
  openid?: string;
  source?: 'wx_client' | 'wx_http' | 'wx_trigger' | 'wx_cloud';
  clientIp?: string;
}

/**
 * Development keys for the functions' secrets (on the cloud: function environment variables).
 * Kept beside the store file so encrypted data stays readable across restarts.
 */
/** The embedded store is not billed: jobs may go faster than the cloud default (5 items/s). */
function ensureLocalJobPacing(): void {
  process.env.HY_JOB_ITEMS_PER_SECOND ??= '50';
}

function ensureLocalSecrets(file: string): void {
  const keyFile = file === ':memory:' ? null : path.join(path.dirname(file), 'secrets.json');
  const saved: Record<string, string> = keyFile && fs.existsSync(keyFile) ? (JSON.parse(fs.readFileSync(keyFile, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of SECRET_NAMES) {
    if (process.env[name]) continue;
    if (!saved[name]) {
      saved[name] = crypto.randomBytes(32).toString('hex');
      changed = true;
    }
    process.env[name] = saved[name];
  }
  if (keyFile && changed) fs.writeFileSync(keyFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
}

export function readDatabaseSchema(): DatabaseSchema {
  return JSON.parse(fs.readFileSync(path.join(FUNCTIONS_SRC, 'database.json'), 'utf8')) as DatabaseSchema;
}

/**
 * The local cloud: the embedded store, the database executor behind the real wx-server-sdk, the
 * function host with a per-invocation WX context, the openapi stand-ins and the outbox.
 */
export class LocalCloud {
  readonly store: DocumentStore;
  readonly database: LocalDatabase;
  readonly outbox: Outbox;
  readonly functionNames: string[];
  private readonly mains = new Map<string, FunctionMain>();
  /** The database requests of each running invocation, by its context object. */
  private readonly usage = new WeakMap<WXInvocationContext, InvocationUsage>();
  /** Database requests per `<function>.<action>` since start (or `resetRequestCounts`): the cloud bills each. */
  readonly requestsByAction = new Map<string, ActionRequests>();
  private readonly functionSource: FunctionSource;

  constructor(options: LocalCloudOptions) {
    ensureLocalSecrets(options.file);
    ensureLocalJobPacing();
    this.store = new DocumentStore(options.file, { durable: options.durable });
    this.store.applySchema(options.schema ?? readDatabaseSchema());
    this.database = new LocalDatabase(this.store, { faults: new FaultInjector(options.faults ?? parseFaults(process.env.LOCAL_CLOUD_FAULTS)) });
    this.outbox = new Outbox(this.store.db);
    this.functionSource = options.functionSource ?? 'source';
    this.functionNames = listFunctions();
    const openapi = localOpenapi(this.outbox);
    installSdkTransport({
      handleDatabase: (action, params) => {
        this.countRequest(action);
        return this.database.handle(action, params);
      },
      callFunction: (name, data, caller) => this.invoke(name, data, { openid: caller?.OPENID, source: 'wx_cloud' }),
      openapi,
    });
  }

  private countRequest(action: string): void {
    const ctx = invocationContext.getStore();
    for (let u = ctx ? this.usage.get(ctx) : undefined; u; u = u.parent) {
      u.requests += 1;
      u.byAction[action] = (u.byAction[action] ?? 0) + 1;
    }
  }

  resetRequestCounts(): void {
    this.requestsByAction.clear();
  }

  hasFunction(name: string): boolean {
    return this.functionNames.includes(name);
  }

  private main(name: string): FunctionMain {
    let main = this.mains.get(name);
    if (!main) {
      main = loadFunction(name, this.functionSource);
      this.mains.set(name, main);
    }
    return main;
  }

  /**
   * Runs a function as the cloud would: its own WX context (never shared through process.env),
   * the caller's OPENID from the session, never from the data.
   */
  async invoke(name: string, data: Record<string, unknown>, caller: Caller = {}): Promise<unknown> {
    return (await this.invokeMeasured(name, data, caller)).result;
  }

  /** `invoke`, answering also the database requests the invocation made (nested calls included). */
  async invokeMeasured(name: string, data: Record<string, unknown>, caller: Caller = {}): Promise<{ result: unknown; usage: InvocationUsage }> {
    const outer = invocationContext.getStore();
    const usage: InvocationUsage = { fn: name, action: typeof data.action === 'string' ? data.action : data.Type === 'Timer' ? 'timer' : '', requests: 0, byAction: {}, parent: outer ? this.usage.get(outer) : undefined };
    if (!this.hasFunction(name)) {
      return { result: { ok: false, code: 'FUNCTION_NOT_FOUND', message: `云函数不存在：${name}` }, usage };
    }
    const result = await this.run(name, data, caller, usage);
    const k = `${name}.${usage.action}`;
    const totals = this.requestsByAction.get(k) ?? { calls: 0, requests: 0 };
    totals.calls += 1;
    totals.requests += usage.requests;
    this.requestsByAction.set(k, totals);
    return { result, usage };
  }

  private async run(name: string, data: Record<string, unknown>, caller: Caller, usage: InvocationUsage): Promise<unknown> {
    const context: WXInvocationContext = {
      OPENID: caller.openid ?? '',
      APPID: LOCAL_APPID,
      ENV: LOCAL_ENV,
      SOURCE: caller.source ?? 'wx_client',
      FUNCTION_NAME: name,
      CLIENTIP: caller.clientIp,
    };
    const event: Record<string, unknown> = { ...data };
    if (context.OPENID) event.userInfo = { appId: LOCAL_APPID, openId: context.OPENID };
    else delete event.userInfo;
    const fnContext = { request_id: crypto.randomUUID(), function_name: name, environ: '' };
    this.usage.set(context, usage);
    return invocationContext.run(context, () => this.main(name)(event, fnContext));
  }

  /** Runs a timer trigger's invocation: no OPENID, `Type: 'Timer'`. */
  async trigger(name: string, triggerName: string): Promise<unknown> {
    return this.invoke(name, { Type: 'Timer', TriggerName: triggerName, Time: new Date().toISOString() }, { source: 'wx_trigger' });
  }

  close(): void {
    this.store.close();
  }
}
