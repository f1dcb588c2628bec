/**
 * The one door to the environment: `@cloudbase/manager-node` (Tencent Cloud API calls signed with
 * the API key pair), narrowed to the calls the deploy makes. Reads the environment into an
 * `ActualState` and applies one plan step at a time. Tests hand it a stand-in of these services.
 */
import type CloudBase from '@cloudbase/manager-node';
import type { ActualCollection, ActualFunction, ActualState, HttpAccessSpec, IndexSpec, Step } from './plan';
import { ADMIN_ONLY } from './plan';

export interface ManagerApi {
  database: Pick<CloudBase['database'], 'listCollections' | 'describeCollection' | 'createCollection' | 'updateCollection'>;
  functions: Pick<
    CloudBase['functions'],
    | 'getFunctionList'
    | 'getFunctionDetail'
    | 'createFunction'
    | 'updateFunctionCode'
    | 'updateFunctionConfig'
    | 'createFunctionTriggers'
    | 'deleteFunctionTrigger'
    | 'invokeFunction'
  >;
  access: Pick<CloudBase['access'], 'getAccessList' | 'createAccess'>;
  permission: Pick<CloudBase['permission'], 'describeResourcePermission' | 'modifyResourcePermission'>;
}

/** The runtime the bundles are built for (scripts/build-functions.ts targets node16). */
const RUNTIME = 'Nodejs16.13';
const PAGE = 100;

export class DeployAdapter {
  constructor(
    private readonly api: ManagerApi,
    /** the folder holding one deploy folder per function (dist/cloudfunctions) */
    private readonly functionsRoot: string,
  ) {}

  async readActual(): Promise<ActualState> {
    return { collections: await this.readCollections(), functions: await this.readFunctions(), httpAccess: await this.readHttpAccess() };
  }

  private async readCollections(): Promise<ActualCollection[]> {
    const names: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.api.database.listCollections({ MgoOffset: offset, MgoLimit: PAGE });
      names.push(...page.Collections.map((c) => c.CollectionName));
      if (page.Collections.length < PAGE || names.length >= page.Pager.Total) break;
    }
    const permissions = new Map<string, string | undefined>();
    for (let i = 0; i < names.length; i += PAGE) {
      const { Data } = await this.api.permission.describeResourcePermission({ resourceType: 'collection', resources: names.slice(i, i + PAGE) });
      for (const p of Data.PermissionList) if (p.Resource) permissions.set(p.Resource, p.Permission);
    }
    const out: ActualCollection[] = [];
    for (const name of names) {
      const info = await this.api.database.describeCollection(name);
      const indexes = (info.Indexes ?? []).map((i): IndexSpec => ({
        name: i.Name,
        keys: i.Keys.map((k) => ({ field: k.Name ?? '', direction: Number(k.Direction) === -1 ? -1 : 1 })),
        unique: i.Unique === true,
      }));
      out.push({ name, indexes, permission: permissions.get(name) });
    }
    return out;
  }

  private async readFunctions(): Promise<ActualFunction[]> {
    const names: string[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.api.functions.getFunctionList(PAGE, offset);
      names.push(...page.Functions.map((f) => f.FunctionName));
      if (page.Functions.length < PAGE || names.length >= page.TotalCount) break;
    }
    const out: ActualFunction[] = [];
    for (const name of names) {
      const d = await this.api.functions.getFunctionDetail(name);
      out.push({
        name,
        timeout: d.Timeout,
        memorySize: d.MemorySize,
        env: Object.fromEntries((d.Environment?.Variables ?? []).map((v) => [v.Key, v.Value])),
        triggers: (d.Triggers ?? []).map((t) => ({ name: t.TriggerName, type: t.Type, config: t.TriggerDesc })),
      });
    }
    return out;
  }

  private async readHttpAccess(): Promise<HttpAccessSpec[]> {
    const list = await this.api.access.getAccessList();
    return list.APISet.map((a) => ({ path: a.Path, functionName: a.Name }));
  }

  async apply(step: Step): Promise<void> {
    const { database, functions, access, permission } = this.api;
    switch (step.kind) {
      case 'createCollection':
        await database.createCollection(step.collection);
        return;
      case 'setPermission':
        await permission.modifyResourcePermission({ resourceType: 'collection', resource: step.collection, permission: ADMIN_ONLY });
        return;
      case 'createIndex':
        await database.updateCollection(step.collection, {
          CreateIndexes: [
            {
              IndexName: step.index.name,
              MgoKeySchema: { MgoIndexKeys: step.index.keys.map((k) => ({ Name: k.field, Direction: String(k.direction) })), MgoIsUnique: step.index.unique },
            },
          ],
        });
        return;
      case 'createFunction':
        await functions.createFunction({
          func: {
            name: step.fn.name,
            timeout: step.fn.timeout,
            memorySize: step.fn.memorySize,
            envVariables: step.envVariables,
            runtime: RUNTIME,
            handler: 'index.main',
            // the cloud installs package.json's one dependency (wx-server-sdk)
            installDependency: true,
            ignore: ['node_modules', '*.map'],
          },
          functionRootPath: this.functionsRoot,
          force: false,
        });
        return;
      case 'updateCode':
        await functions.updateFunctionCode({
          func: { name: step.fn.name, runtime: RUNTIME, handler: 'index.main', installDependency: true, ignore: ['node_modules', '*.map'] },
          functionRootPath: this.functionsRoot,
        });
        return;
      case 'updateConfig':
        await functions.updateFunctionConfig({ name: step.fn.name, timeout: step.fn.timeout, memorySize: step.fn.memorySize, envVariables: step.envVariables });
        return;
      case 'createTrigger':
        await functions.createFunctionTriggers(step.functionName, [step.trigger]);
        return;
      case 'replaceTrigger':
        // A timer trigger's schedule cannot be edited in place: this build's own trigger is replaced.
        await functions.deleteFunctionTrigger(step.functionName, step.trigger.name);
        await functions.createFunctionTriggers(step.functionName, [step.trigger]);
        return;
      case 'createHttpAccess':
        // type 1: a cloud function. No CloudBase login on the path: the POS signs every request (pos/signature.ts).
        await access.createAccess({ path: step.access.path, name: step.access.functionName, type: 1, auth: false });
        return;
    }
  }

  /** Calls a function as the platform (no OPENID) and answers its envelope. */
  async invoke(name: string, event: Record<string, unknown>): Promise<unknown> {
    const res = await this.api.functions.invokeFunction(name, event);
    if (res.ErrMsg) throw new Error(`${name}: ${res.ErrMsg}`);
    return JSON.parse(res.RetMsg) as unknown;
  }
}
