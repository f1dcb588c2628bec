import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DocumentStore, type DatabaseSchema } from '../store';
import {
  LocalDatabase,
  FaultInjector,
  parseFaults,
  type FaultConfig,
  installClock,
  localClock,
  type LocalClock,
  installSleeper,
  realDeadlines,
  realSleeper,
  type Deadlines,
  type Sleeper,
} from '../database';
import {
  installSdkTransport,
  invocationContext,
  type NodeSdkAnswer,
  type WXInvocationContext,
  FUNCTIONS_SRC,
  PROJECT_ROOT,
  listFunctions,
  loadFunction,
  readFunctionConfig,
  type FunctionConfig,
  type FunctionMain,
  type FunctionSource,
  bindFunctionEnv,
  installFunctionEnv,
} from '../runtime';
import { SECRET_NAMES } from '../../cloudfunctions/_lib/platform/secrets';
import { installLogSink, type LogRecord } from '../../cloudfunctions/_lib/platform/log';
import { Outbox } from './outbox';
import { DEFAULT_TEMPLATES_FILE, loadTemplates, localOpenapi, type OpenapiState } from './openapi';
import { LocalStorage, MAX_FILES_PER_CALL, StorageError } from './storage';
import { SubscriptionCredits } from './subscriptions';

const LOCAL_APPID = 'wxlocal0000000000';
const LOCAL_ENV = 'local';

export interface LocalCloudOptions {
  /** SQLite file, or ':memory:' */
  file: string;
  functionSource?: FunctionSource;
  faults?: FaultConfig;
  durable?: boolean;
  schema?: DatabaseSchema;
  /** variables every function gets on top of its own (tests) */
  functionEnv?: Record<string, string>;
  /** base of temporary file URLs; default http://localhost:${PORT:-8080} */
  publicUrl?: string;
  /** where the functions' sources are (default cloudfunctions/; tests use fixture functions) */
  functionsDir?: string;
  /** where the built deploy folders are, for `functionSource: 'bundle'` (default dist/cloudfunctions/) */
  bundlesDir?: string;
  /**
   * Where the functions' log records go (default: the console, as on the cloud). Tests that inject
   * faults capture them, to assert on the ones they expect instead of printing them.
   */
  log?: (record: FunctionLogRecord) => void;
  /**
   * How the functions wait between attempts (installed for them while this cloud is open; default
   * real timers). Tests give a `VirtualSleeper`: backoffs move its clock instead of waiting.
   */
  sleeper?: Sleeper;
  /** How invocation timeouts are armed (default real timers; tests fire them by moving their own clock) */
  deadlines?: Deadlines;
}

/** One log record of a function, with the function that wrote it (none: code run outside an invocation). */
export interface FunctionLogRecord extends LogRecord {
  fn?: string;
}

/** The cloud's default function timeout when config.json sets none (云函数配置: 3 s). */
export const DEFAULT_FUNCTION_TIMEOUT_S = 3;

/**
 * A function invocation that failed as the cloud reports it: the code threw (-504002 functions execute
 * fail) or ran past its config.json timeout (-504003 "Invoking task timed out after N seconds").
 */
export class FunctionInvocationError extends Error {
  constructor(
    readonly errCode: -504002 | -504003,
    readonly errMsg: string,
  ) {
    super(errMsg);
  }
}

/** The billed database requests of one invocation (a nested callFunction's count in its caller's too). */
interface InvocationUsage {
  fn: string;
  action: string;
  requests: number;
  byAction: Record<string, number>;
  parent?: InvocationUsage;
}

/** Per `<function>.<action>`: invocations and the database requests they made. */
interface ActionRequests {
  calls: number;
  requests: number;
}

export interface Caller {
  openid?: string;
  source?: 'wx_client' | 'wx_http' | 'wx_trigger' | 'wx_cloud' | 'wx_devtools';
  clientIp?: string;
}

/**
 * Development keys for the functions' secrets (on the cloud: function environment variables).
 * Kept beside the store file so encrypted data stays readable across restarts.
 */
/** The embedded store is not billed: jobs may go faster than the cloud default (5 items/s). */
const LOCAL_FUNCTION_DEFAULTS: Record<string, string> = { HY_JOB_ITEMS_PER_SECOND: '50' };

/**
 * The functions' secrets, generated once into `secrets.json` beside the store file (on the cloud:
 * each function's environment variables), so encrypted data stays readable across restarts. The file
 * is their source, not the host's variables; the host process gets a copy for the local tools that
 * act as a function (seed, tests that call function code directly).
 */
function ensureLocalSecrets(file: string): Record<string, string> {
  const keyFile = file === ':memory:' ? null : path.join(path.dirname(file), 'secrets.json');
  const saved: Record<string, string> = keyFile && fs.existsSync(keyFile) ? (JSON.parse(fs.readFileSync(keyFile, 'utf8')) as Record<string, string>) : {};
  let changed = false;
  for (const name of SECRET_NAMES) {
    if (!saved[name]) {
      saved[name] = crypto.randomBytes(32).toString('hex');
      changed = true;
    }
    process.env[name] = saved[name];
  }
  if (keyFile && changed) fs.writeFileSync(keyFile, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return Object.fromEntries(SECRET_NAMES.map((name) => [name, saved[name]]));
}

/** `function-env.json` beside the store file: `{ "*": { NAME: value }, "<function>": { … } }`. */
function readLocalFunctionEnv(file: string): Record<string, Record<string, string>> {
  const envFile = file === ':memory:' ? null : path.join(path.dirname(file), 'function-env.json');
  return envFile && fs.existsSync(envFile) ? (JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, Record<string, string>>) : {};
}

/** The mini-program's pages, from the client's app.config.ts (wxacode's check_path). */
function readAppPages(): string[] | null {
  const file = path.join(PROJECT_ROOT, 'client', 'src', 'app.config.ts');
  if (!fs.existsSync(file)) return null;
  const pages = /pages:\s*\[([^\]]*)\]/.exec(fs.readFileSync(file, 'utf8'))?.[1];
  return pages ? [...pages.matchAll(/['"]([^'"]+)['"]/g)].map((m) => m[1]) : null;
}

function keyFile(file: string, name: string): Buffer {
  if (file === ':memory:') return crypto.randomBytes(32);
  const f = path.join(path.dirname(file), name);
  if (!fs.existsSync(f)) fs.writeFileSync(f, crypto.randomBytes(32).toString('hex'), { mode: 0o600 });
  return Buffer.from(fs.readFileSync(f, 'utf8').trim(), 'hex');
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
  readonly storage: LocalStorage;
  readonly subscriptions: SubscriptionCredits;
  readonly openapiState: OpenapiState;
  readonly functionNames: string[];
  /** the one clock of this process (installed as its `Date`): functions, serverDate() and timers follow it */
  readonly clock: LocalClock = localClock;
  /** where the local HTTP server is reached: the base of temporary file URLs */
  publicUrl: string;
  private readonly mains = new Map<string, FunctionMain>();
  private readonly configs = new Map<string, FunctionConfig>();
  /** The database requests of each running invocation, by its context object. */
  private readonly usage = new WeakMap<WXInvocationContext, InvocationUsage>();
  /** Database requests per `<function>.<action>` since start (or `resetRequestCounts`): the cloud bills each. */
  readonly requestsByAction = new Map<string, ActionRequests>();
  private readonly functionSource: FunctionSource;
  private readonly secrets: Record<string, string>;
  private readonly localFunctionEnv: Record<string, Record<string, string>>;
  private readonly extraFunctionEnv: Record<string, string>;
  private readonly functionsDir: string;
  private readonly bundlesDir: string | undefined;
  /** the functions' log sink before this cloud installed its own (restored by `close`) */
  private readonly previousLogSink: ReturnType<typeof installLogSink> | null = null;
  /** how the functions wait (real timers unless given) */
  readonly sleeper: Sleeper;
  private readonly deadlines: Deadlines;
  /** the sleeper installed before this cloud's (restored by `close`); `false`: this cloud installed none */
  private readonly previousSleeper: Sleeper | undefined | false = false;

  constructor(options: LocalCloudOptions) {
    installClock(this.clock);
    this.sleeper = options.sleeper ?? realSleeper;
    this.deadlines = options.deadlines ?? realDeadlines;
    if (options.sleeper) this.previousSleeper = installSleeper(options.sleeper);
    const log = options.log;
    if (log) this.previousLogSink = installLogSink((record) => log({ ...record, fn: invocationContext.getStore()?.FUNCTION_NAME }));
    this.secrets = ensureLocalSecrets(options.file);
    this.localFunctionEnv = readLocalFunctionEnv(options.file);
    this.extraFunctionEnv = options.functionEnv ?? {};
    installFunctionEnv();
    this.store = new DocumentStore(options.file, { durable: options.durable });
    this.store.applySchema(options.schema ?? readDatabaseSchema());
    this.database = new LocalDatabase(this.store, { faults: new FaultInjector(options.faults ?? parseFaults(process.env.LOCAL_CLOUD_FAULTS)) });
    this.outbox = new Outbox(this.store.db);
    this.subscriptions = new SubscriptionCredits(this.store.db);
    this.functionSource = options.functionSource ?? 'source';
    this.functionsDir = options.functionsDir ?? FUNCTIONS_SRC;
    this.bundlesDir = options.bundlesDir;
    this.functionNames = listFunctions(this.functionsDir);
    // The platform refuses a config.json with more than one trigger: so does the local cloud, at start.
    for (const name of this.functionNames) readFunctionConfig(name, this.functionsDir);
    const storageDir =
      options.file === ':memory:' ? fs.mkdtempSync(path.join(os.tmpdir(), 'local-cloud-storage-')) : path.join(path.dirname(options.file), 'storage');
    this.publicUrl = options.publicUrl ?? `http://localhost:${process.env.PORT ?? 8080}`;
    this.storage = new LocalStorage(storageDir, LOCAL_ENV, keyFile(options.file, 'storage.key'), () => this.publicUrl);
    this.openapiState = {
      templates: loadTemplates(DEFAULT_TEMPLATES_FILE),
      credits: this.subscriptions,
      pages: readAppPages(),
      registered: (id) => {
        const doc = this.store.hasCollection('message_templates') ? this.store.get('message_templates', id)?.doc : undefined;
        const fields = doc?.fields as { key: string }[] | undefined;
        return doc && Array.isArray(fields) ? { id, title: String(doc.title ?? ''), fields: fields.map((f) => f.key) } : undefined;
      },
    };
    const openapi = localOpenapi(this.outbox, this.openapiState, (fn) => (this.hasFunction(fn) ? (this.config(fn).permissions?.openapi ?? []) : null));
    installSdkTransport({
      handleDatabase: (action, params) => {
        this.countRequest(action);
        return this.database.handle(action, params);
      },
      callFunction: (name, data, caller) => this.callFromFunction(name, data, caller),
      openapi,
      storage: async (call, params) => this.storageCall(call, params),
    });
  }

  /**
   * On the phone, the acceptances the app records (`member.recordSubscriptions`) come from
   * `wx.requestSubscribeMessage`, which grants the platform's one-time credits at the same moment.
   * The browser build has no such dialog: the local platform grants them when the app records them.
   */
  private grantAcceptedSubscriptions(name: string, data: Record<string, unknown>, caller: Caller, result: unknown): void {
    if (name !== 'member' || data.action !== 'recordSubscriptions' || !caller.openid) return;
    if (!(result as { ok?: boolean } | null)?.ok || !Array.isArray(data.accepted)) return;
    for (const id of data.accepted) if (typeof id === 'string') this.subscriptions.accept(caller.openid, id);
  }

  private config(name: string): FunctionConfig {
    let config = this.configs.get(name);
    if (!config) {
      config = readFunctionConfig(name, this.functionsDir);
      this.configs.set(name, config);
    }
    return config;
  }

  /**
   * The function's environment variables: local defaults and secrets, then its config.json
   * `envVariables`, then `function-env.json` ("*", then its own name), then the test's overrides.
   */
  functionEnv(name: string): Readonly<Record<string, string>> {
    const cached = this.functionEnvs.get(name);
    if (cached && cached.scoped === this.scopedFunctionEnv) return cached.env;
    const env = Object.freeze(this.mergeFunctionEnv(name));
    this.functionEnvs.set(name, { scoped: this.scopedFunctionEnv, env });
    return env;
  }

  /**
   * Each function's merged variables, made once (eight spreads per call were a visible share of a
   * trivial call); made again when `withExtraFunctionEnv` changes the scoped ones. Frozen: an
   * invocation that sets a variable writes its own copy (`bindFunctionEnv`).
   */
  private readonly functionEnvs = new Map<string, { scoped: Record<string, string>; env: Readonly<Record<string, string>> }>();

  private mergeFunctionEnv(name: string): Record<string, string> {
    return {
      ...LOCAL_FUNCTION_DEFAULTS,
      ...this.secrets,
      ...(this.config(name).envVariables ?? {}),
      ...(this.localFunctionEnv['*'] ?? {}),
      ...(this.localFunctionEnv[name] ?? {}),
      ...this.extraFunctionEnv,
      ...this.scopedFunctionEnv,
    };
  }

  /** Variables on top of every function's environment while `withExtraFunctionEnv` runs. */
  private scopedFunctionEnv: Record<string, string> = {};

  /** Runs `work` with `vars` on top of every function's environment (the demo seed runs its jobs unpaced). */
  async withExtraFunctionEnv<T>(vars: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const saved = this.scopedFunctionEnv;
    this.scopedFunctionEnv = { ...saved, ...vars };
    try {
      return await work();
    } finally {
      this.scopedFunctionEnv = saved;
    }
  }

  /** callFunction from inside a function, answered as `@cloudbase/node-sdk` answers wx-server-sdk. */
  private async callFromFunction(name: string, data: Record<string, unknown>, caller: WXInvocationContext | undefined): Promise<NodeSdkAnswer> {
    const requestId = crypto.randomUUID();
    if (!this.hasFunction(name)) {
      // Not verified against the cloud's exact text; wx-server-sdk maps an unknown code to -501001.
      return { code: 'FUNCTION_NOT_FOUND', message: `[ResourceNotFound.Function] 未找到指定的Function，请创建后再试。 (${name})`, requestId };
    }
    try {
      const result = await this.invoke(name, data, { openid: caller?.OPENID, source: 'wx_cloud' });
      // The cloud hands the result over as JSON: what does not survive JSON does not arrive.
      return { result: result === undefined ? null : JSON.parse(JSON.stringify(result)), requestId };
    } catch (e) {
      if (e instanceof FunctionInvocationError && e.errCode === -504003) throw { errCode: e.errCode, errMsg: e.errMsg, requestId };
      return { code: 'FUNCTIONS_EXECUTE_FAIL', message: e instanceof FunctionInvocationError ? e.errMsg : describeError(e), requestId };
    }
  }

  private storageCall(call: 'uploadFile' | 'getTempFileURL' | 'deleteFile' | 'downloadFile', params: Record<string, unknown>): NodeSdkAnswer {
    const requestId = crypto.randomUUID();
    try {
      switch (call) {
        case 'uploadFile':
          return { fileID: this.storage.upload(params.cloudPath, params.fileContent), requestId };
        case 'downloadFile':
          return { fileContent: this.storage.read(params.fileID), requestId };
        case 'getTempFileURL':
        case 'deleteFile': {
          const list = params.fileList;
          if (!Array.isArray(list) || list.length === 0) throw new StorageError('INVALID_PARAM', 'fileList必须是非空的数组');
          if (list.length > MAX_FILES_PER_CALL) throw new StorageError('INVALID_PARAM', `fileList 最多 ${MAX_FILES_PER_CALL} 个文件`);
          return { fileList: call === 'deleteFile' ? this.storage.remove(list) : this.storage.tempUrls(list), requestId };
        }
      }
    } catch (e) {
      if (e instanceof StorageError) return { code: e.code, message: e.message, requestId };
      return { code: 'STORAGE_REQUEST_FAIL', message: (e as Error).message, requestId };
    }
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
      main = loadFunction(name, this.functionSource, this.functionsDir, this.bundlesDir);
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
    const usage: InvocationUsage = {
      fn: name,
      action: typeof data.action === 'string' ? data.action : data.Type === 'Timer' ? 'timer' : '',
      requests: 0,
      byAction: {},
      parent: outer ? this.usage.get(outer) : undefined,
    };
    if (!this.hasFunction(name)) {
      return { result: { ok: false, code: 'FUNCTION_NOT_FOUND', message: `云函数不存在：${name}` }, usage };
    }
    const result = await this.run(name, data, caller, usage);
    this.grantAcceptedSubscriptions(name, data, caller, result);
    const k = `${name}.${usage.action}`;
    const totals = this.requestsByAction.get(k) ?? { calls: 0, requests: 0 };
    totals.calls += 1;
    totals.requests += usage.requests;
    this.requestsByAction.set(k, totals);
    return { result, usage };
  }

  private run(name: string, data: Record<string, unknown>, caller: Caller, usage: InvocationUsage): Promise<unknown> {
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
    const timeoutS = this.config(name).timeout ?? DEFAULT_FUNCTION_TIMEOUT_S;
    this.usage.set(context, usage);
    bindFunctionEnv(context, this.functionEnv(name));
    const run = invocationContext.run(context, () => this.main(name)(event, fnContext));
    return new Promise((resolve, reject) => {
      // The invocation ends here as on the cloud; the code itself cannot be stopped in this process and
      // runs on in the background (on the cloud its instance is frozen).
      const cancel = this.deadlines.arm(timeoutS * 1000, () =>
        reject(new FunctionInvocationError(-504003, `Invoking task timed out after ${timeoutS} seconds`)),
      );
      run.then(
        (result) => {
          cancel();
          resolve(result);
        },
        (e: unknown) => {
          cancel();
          reject(e instanceof FunctionInvocationError ? e : new FunctionInvocationError(-504002, describeError(e)));
        },
      );
    });
  }

  /** Runs a timer trigger's invocation: no OPENID, `Type: 'Timer'`. */
  async trigger(name: string, triggerName: string): Promise<unknown> {
    return this.invoke(name, { Type: 'Timer', TriggerName: triggerName, Time: new Date().toISOString() }, { source: 'wx_trigger' });
  }

  /**
   * Runs one scheduled job now by name (`points-nightly`, `birthday`, …), as the developer console does
   * (`SOURCE: 'wx_devtools'`, no OPENID): the scheduler's `runJob`, under the job's lease.
   */
  async runJob(job: string): Promise<unknown> {
    return this.invoke('scheduler', { action: 'runJob', job }, { source: 'wx_devtools' });
  }

  /** Every scheduled job with its schedule and last run (the scheduler's `listJobs`, as the console). */
  async listJobs(): Promise<unknown> {
    return this.invoke('scheduler', { action: 'listJobs' }, { source: 'wx_devtools' });
  }

  close(): void {
    if (this.previousLogSink !== null) installLogSink(this.previousLogSink);
    if (this.previousSleeper !== false) installSleeper(this.previousSleeper);
    this.store.close();
  }
}

/** How the cloud reports a function's uncaught error: its type and message. */
function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  try {
    return JSON.stringify(e);
  } catch {
    return String(e);
  }
}
