import fs from 'node:fs';
import path from 'node:path';
import type { ManagerApi } from '../../scripts/deploy/adapter';

/**
 * A recorded stand-in of `@cloudbase/manager-node` (5.6.5) for the calls the deploy makes, answering
 * the shapes its typings document (types/database, types/function, types/access, types/permission):
 * an environment held in memory, every call recorded by name. No network: tests only.
 */
interface StandinFunction {
  name: string;
  timeout: number;
  memorySize: number;
  env: Record<string, string>;
  triggers: { name: string; type: string; config: string }[];
  /** the uploaded folder's index.js size: proof the code was read from the deploy folder */
  codeSize: number;
}
interface StandinState {
  collections: Map<string, { permission: string; indexes: { name: string; keys: { Name: string; Direction: string }[]; unique: boolean }[] }>;
  functions: Map<string, StandinFunction>;
  access: { path: string; name: string }[];
}

/** What an invoked function answers (the environment's functions are not run here). */
type Invoker = (name: string, event: Record<string, unknown>, fn: StandinFunction) => Promise<unknown>;

export const READS = new Set([
  'listCollections',
  'describeCollection',
  'describeResourcePermission',
  'getFunctionList',
  'getFunctionDetail',
  'getAccessList',
  'invokeFunction',
]);

export class ManagerStandin implements ManagerApi {
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly state: StandinState = { collections: new Map(), functions: new Map(), access: [] };
  constructor(private readonly invoker: Invoker) {}

  /** the calls that changed the environment */
  writes(): string[] {
    return this.calls.filter((c) => !READS.has(c.method)).map((c) => c.method);
  }

  private record(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }

  private static rid = 0;
  private requestId = () => `req-${++ManagerStandin.rid}`;

  database: ManagerApi['database'] = {
    listCollections: async (options = {}) => {
      this.record('listCollections', options);
      const names = [...this.state.collections.keys()];
      const offset = options.MgoOffset ?? 0;
      const limit = options.MgoLimit ?? 100;
      return {
        RequestId: this.requestId(),
        Collections: names.slice(offset, offset + limit).map((n) => ({ TableName: n, CollectionName: n, Count: 0, Size: 0, IndexCount: 1, IndexSize: 0 })),
        Pager: { Offset: offset, Limit: limit, Total: names.length },
      };
    },
    describeCollection: async (name) => {
      this.record('describeCollection', name);
      const c = this.state.collections.get(name);
      if (!c) throw new Error(`[ResourceNotFound] collection ${name}`);
      const indexes = [{ name: '_id_', keys: [{ Name: '_id', Direction: '1' }], unique: true }, ...c.indexes];
      return {
        RequestId: this.requestId(),
        IndexNum: indexes.length,
        Indexes: indexes.map((i) => ({ Name: i.name, Size: 4096, Keys: i.keys, Accesses: { Ops: 0, Since: '2026-12-01T00:00:00Z' }, Unique: i.unique })),
      };
    },
    createCollection: async (name) => {
      this.record('createCollection', name);
      if (this.state.collections.has(name)) throw new Error(`[ResourceInUse] collection ${name} exists`);
      // A new collection's default on the console: readable by all, writable by its creator.
      this.state.collections.set(name, { permission: 'PRIVATE', indexes: [] });
      return { RequestId: this.requestId() };
    },
    updateCollection: async (name, info) => {
      this.record('updateCollection', name, info);
      const c = this.state.collections.get(name);
      if (!c) throw new Error(`[ResourceNotFound] collection ${name}`);
      for (const ci of info.CreateIndexes ?? []) {
        if (c.indexes.some((i) => i.name === ci.IndexName)) throw new Error(`[IndexExists] ${ci.IndexName}`);
        c.indexes.push({
          name: ci.IndexName,
          keys: ci.MgoKeySchema.MgoIndexKeys.map((k) => ({ Name: k.Name, Direction: k.Direction })),
          unique: ci.MgoKeySchema.MgoIsUnique,
        });
      }
      for (const d of info.DropIndexes ?? []) c.indexes = c.indexes.filter((i) => i.name !== d.IndexName);
      return { RequestId: this.requestId() };
    },
  };

  permission: ManagerApi['permission'] = {
    describeResourcePermission: async (options) => {
      this.record('describeResourcePermission', options);
      const list = (options.resources ?? []).flatMap((r) => {
        const c = this.state.collections.get(r);
        return c ? [{ ResourceType: options.resourceType, Resource: r, Permission: c.permission }] : [];
      });
      return { RequestId: this.requestId(), Data: { TotalCount: list.length, PermissionList: list } };
    },
    modifyResourcePermission: async (options) => {
      this.record('modifyResourcePermission', options);
      const c = options.resource ? this.state.collections.get(options.resource) : undefined;
      if (!c) throw new Error(`[ResourceNotFound] ${options.resource}`);
      c.permission = options.permission;
      return { RequestId: this.requestId(), Data: { Success: true } };
    },
  };

  functions: ManagerApi['functions'] = {
    getFunctionList: async (limit = 20, offset = 0) => {
      this.record('getFunctionList', limit, offset);
      const all = [...this.state.functions.values()];
      return {
        RequestId: this.requestId(),
        TotalCount: all.length,
        Functions: all
          .slice(offset, offset + limit)
          .map((f) => ({ FunctionName: f.name, Runtime: 'Nodejs16.13', Status: 'Active', ModTime: '2026-12-07 10:00:00' })),
      };
    },
    getFunctionDetail: async (name) => {
      this.record('getFunctionDetail', name);
      const f = this.state.functions.get(name);
      if (!f) throw new Error(`[ResourceNotFound.Function] ${name}`);
      return {
        RequestId: this.requestId(),
        FunctionName: f.name,
        FunctionId: `lam-${f.name}`,
        Runtime: 'Nodejs16.13',
        Handler: 'index.main',
        CodeSize: f.codeSize,
        Timeout: f.timeout,
        FunctionVersion: '$LATEST',
        MemorySize: f.memorySize,
        UseGpu: 'FALSE',
        CodeInfo: '',
        CodeResult: 'success',
        CodeError: '',
        ErrNo: 0,
        Role: '',
        InstallDependency: 'TRUE',
        AddTime: '2026-12-07 10:00:00',
        ModTime: '2026-12-07 10:00:00',
        Namespace: 'test',
        Status: 'Active',
        StatusDesc: '',
        Description: '',
        Tags: [],
        VpcConfig: {},
        Environment: { Variables: Object.entries(f.env).map(([Key, Value]) => ({ Key, Value })) },
        Type: 'Event',
        EipConfig: { EipFixed: 'FALSE', Eips: [] },
        PublicNetConfig: { PublicNetStatus: 'ENABLE', EipConfig: { EipStatus: 'DISABLE', EipAddress: [] } },
        Triggers: f.triggers.map((t) => ({ Name: t.name, TriggerName: t.name, Type: t.type, TriggerDesc: t.config, Config: t.config })),
        StatusReasons: [],
        Layers: [],
      };
    },
    createFunction: async (param) => {
      this.record('createFunction', param);
      const { func, functionRootPath = '' } = param;
      if (this.state.functions.has(func.name)) throw new Error(`[ResourceInUse.Function] ${func.name}`);
      const code = fs.statSync(path.join(functionRootPath, func.name, 'index.js'));
      const env = Object.fromEntries(Object.entries(func.envVariables ?? {}).map(([k, v]) => [k, String(v)]));
      this.state.functions.set(func.name, {
        name: func.name,
        timeout: func.timeout ?? 3,
        memorySize: func.memorySize ?? 256,
        env,
        triggers: [],
        codeSize: code.size,
      });
      return { RequestId: this.requestId() };
    },
    updateFunctionCode: async (param) => {
      this.record('updateFunctionCode', param);
      const f = this.state.functions.get(param.func.name);
      if (!f) throw new Error(`[ResourceNotFound.Function] ${param.func.name}`);
      f.codeSize = fs.statSync(path.join(param.functionRootPath ?? '', param.func.name, 'index.js')).size;
      return { RequestId: this.requestId() };
    },
    updateFunctionConfig: async (func) => {
      this.record('updateFunctionConfig', func);
      const f = this.state.functions.get(func.name);
      if (!f) throw new Error(`[ResourceNotFound.Function] ${func.name}`);
      if (func.timeout !== undefined) f.timeout = func.timeout;
      if (func.memorySize !== undefined) f.memorySize = func.memorySize;
      // UpdateFunctionConfiguration replaces the whole variable set.
      if (func.envVariables) f.env = Object.fromEntries(Object.entries(func.envVariables).map(([k, v]) => [k, String(v)]));
      return { RequestId: this.requestId() };
    },
    createFunctionTriggers: async (name, triggers = []) => {
      this.record('createFunctionTriggers', name, triggers);
      const f = this.state.functions.get(name);
      if (!f) throw new Error(`[ResourceNotFound.Function] ${name}`);
      for (const t of triggers) {
        if (t.type !== 'timer') throw new Error(`不支持的触发器类型 [${t.type}]`);
        if (f.triggers.some((x) => x.name === t.name)) throw new Error(`[ResourceInUse.Trigger] ${t.name}`);
        f.triggers.push({ name: t.name, type: t.type, config: t.config });
      }
      return { RequestId: this.requestId() };
    },
    deleteFunctionTrigger: async (name, triggerName) => {
      this.record('deleteFunctionTrigger', name, triggerName);
      const f = this.state.functions.get(name);
      if (f) f.triggers = f.triggers.filter((t) => t.name !== triggerName);
      return { RequestId: this.requestId() };
    },
    invokeFunction: async (name, params = {}) => {
      this.record('invokeFunction', name, params);
      const f = this.state.functions.get(name);
      const base = { RequestId: this.requestId(), Log: '', MemUsage: 0, Duration: 1, BillDuration: 1, FunctionRequestId: 'fr-1' };
      if (!f) return { ...base, RetMsg: '', ErrMsg: `ResourceNotFound.Function: ${name}`, InvokeResult: -1 };
      const result = await this.invoker(name, params, f);
      return { ...base, RetMsg: JSON.stringify(result), ErrMsg: '', InvokeResult: 0 };
    },
  };

  access: ManagerApi['access'] = {
    getAccessList: async () => {
      this.record('getAccessList');
      return {
        RequestId: this.requestId(),
        APISet: this.state.access.map((a, i) => ({
          ServiceId: 'svc-1',
          APIId: `api-${i}`,
          Path: a.path,
          Type: 1,
          Name: a.name,
          CreateTime: 0,
          EnvId: 'test',
          EnableAuth: false,
        })),
        Total: this.state.access.length,
        Limit: 20,
        Offset: 0,
        EnableService: true,
      };
    },
    createAccess: async (options) => {
      this.record('createAccess', options);
      if (this.state.access.some((a) => a.path === options.path)) throw new Error(`[ResourceInUse] ${options.path}`);
      this.state.access.push({ path: options.path, name: options.name });
      return { APIId: `api-${this.state.access.length}`, RequestId: this.requestId() };
    },
  };
}
