/**
 * The deploy plan: a pure diff of what the build wants (`DesiredState`, read from
 * cloudfunctions/database.json and dist/cloudfunctions/) against what the environment holds
 * (`ActualState`, read through the manager adapter). It only ever creates or changes; anything the
 * environment holds beyond the build is reported and left alone (dropping data is a person's call).
 */

export interface IndexKey {
  field: string;
  direction: 1 | -1;
}
export interface IndexSpec {
  name: string;
  keys: IndexKey[];
  unique: boolean;
}
export interface CollectionSpec {
  name: string;
  indexes: IndexSpec[];
}
export interface TriggerSpec {
  name: string;
  type: string;
  config: string;
}
export interface FunctionSpec {
  name: string;
  /** sha256 of the deploy folder's files: stored as HY_CODE_SHA, so a second deploy sees the same code */
  codeSha: string;
  timeout: number;
  memorySize: number;
  triggers: TriggerSpec[];
  /** the variables this build sets; others already on the function are kept */
  env: Record<string, string>;
}
export interface HttpAccessSpec {
  path: string;
  functionName: string;
}
export interface DesiredState {
  collections: CollectionSpec[];
  functions: FunctionSpec[];
  httpAccess: HttpAccessSpec[];
}

export interface ActualCollection {
  name: string;
  /** as the environment lists them, `_id_` included */
  indexes: IndexSpec[];
  /** ADMINONLY, READONLY, ... (undefined: not read) */
  permission?: string;
}
export interface ActualFunction {
  name: string;
  timeout: number;
  memorySize: number;
  env: Record<string, string>;
  triggers: TriggerSpec[];
}
export interface ActualState {
  collections: ActualCollection[];
  functions: ActualFunction[];
  httpAccess: HttpAccessSpec[];
}

export type Step =
  | { kind: 'createCollection'; collection: string }
  | { kind: 'setPermission'; collection: string; from: string | undefined }
  | { kind: 'createIndex'; collection: string; index: IndexSpec }
  | { kind: 'createFunction'; fn: FunctionSpec; envVariables: Record<string, string> }
  | { kind: 'updateCode'; fn: FunctionSpec }
  | { kind: 'updateConfig'; fn: FunctionSpec; envVariables: Record<string, string>; changes: string[] }
  | { kind: 'createTrigger'; functionName: string; trigger: TriggerSpec }
  | { kind: 'replaceTrigger'; functionName: string; trigger: TriggerSpec; was: TriggerSpec }
  | { kind: 'createHttpAccess'; access: HttpAccessSpec };

/** What the environment holds that the build does not: reported, never removed. */
type Leftover =
  | { kind: 'collection'; collection: string }
  | { kind: 'index'; collection: string; index: string }
  | { kind: 'indexDiffers'; collection: string; index: string; want: IndexSpec; have: IndexSpec }
  | { kind: 'function'; functionName: string }
  | { kind: 'trigger'; functionName: string; trigger: string }
  | { kind: 'httpAccess'; path: string; functionName: string };

interface Plan {
  steps: Step[];
  leftovers: Leftover[];
  /** everything the build wants that is already there, by kind: what `--dry-run` says it leaves */
  unchanged: { collections: number; indexes: number; functions: number; triggers: number; httpAccess: number };
  /** the same, by name (`members`, `members.openid_unique`, `scheduler.tick`, `/pos`) */
  kept: { collections: string[]; indexes: string[]; functions: string[]; triggers: string[]; httpAccess: string[] };
}

export const ADMIN_ONLY = 'ADMINONLY';
/** Every collection has this index; database.json never names it. */
const ID_INDEX = '_id_';

const sameKeys = (a: IndexSpec, b: IndexSpec) =>
  a.unique === b.unique && a.keys.length === b.keys.length && a.keys.every((k, i) => k.field === b.keys[i].field && k.direction === b.keys[i].direction);
const sameTrigger = (a: TriggerSpec, b: TriggerSpec) => a.type === b.type && a.config === b.config;

export function diff(desired: DesiredState, actual: ActualState): Plan {
  const steps: Step[] = [];
  const leftovers: Leftover[] = [];
  const kept: Plan['kept'] = { collections: [], indexes: [], functions: [], triggers: [], httpAccess: [] };

  const haveColls = new Map(actual.collections.map((c) => [c.name, c]));
  for (const want of desired.collections) {
    const have = haveColls.get(want.name);
    if (!have) {
      // A new collection: created, then set to admin-only, then indexed.
      steps.push({ kind: 'createCollection', collection: want.name });
      steps.push({ kind: 'setPermission', collection: want.name, from: undefined });
      for (const index of want.indexes) steps.push({ kind: 'createIndex', collection: want.name, index });
      continue;
    }
    let same = true;
    if (have.permission !== ADMIN_ONLY) {
      steps.push({ kind: 'setPermission', collection: want.name, from: have.permission });
      same = false;
    }
    const haveIdx = new Map(have.indexes.map((i) => [i.name, i]));
    for (const index of want.indexes) {
      const existing = haveIdx.get(index.name);
      if (!existing) {
        steps.push({ kind: 'createIndex', collection: want.name, index });
        same = false;
      } else if (!sameKeys(existing, index)) {
        // Changing an index means dropping it first: a person decides (see docs/deploy.md).
        leftovers.push({ kind: 'indexDiffers', collection: want.name, index: index.name, want: index, have: existing });
      } else {
        kept.indexes.push(`${want.name}.${index.name}`);
      }
    }
    const wanted = new Set(want.indexes.map((i) => i.name));
    for (const i of have.indexes) if (i.name !== ID_INDEX && !wanted.has(i.name)) leftovers.push({ kind: 'index', collection: want.name, index: i.name });
    if (same) kept.collections.push(want.name);
  }
  const wantedColls = new Set(desired.collections.map((c) => c.name));
  for (const c of actual.collections) if (!wantedColls.has(c.name)) leftovers.push({ kind: 'collection', collection: c.name });

  const haveFns = new Map(actual.functions.map((f) => [f.name, f]));
  for (const fn of desired.functions) {
    const have = haveFns.get(fn.name);
    if (!have) {
      steps.push({ kind: 'createFunction', fn, envVariables: { ...fn.env } });
      for (const trigger of fn.triggers) steps.push({ kind: 'createTrigger', functionName: fn.name, trigger });
      continue;
    }
    let same = true;
    if (have.env.HY_CODE_SHA !== fn.env.HY_CODE_SHA) {
      steps.push({ kind: 'updateCode', fn });
      same = false;
    }
    const changes: string[] = [];
    if (have.timeout !== fn.timeout) changes.push(`timeout ${have.timeout}s → ${fn.timeout}s`);
    if (have.memorySize !== fn.memorySize) changes.push(`memory ${have.memorySize} MB → ${fn.memorySize} MB`);
    for (const [key, value] of Object.entries(fn.env)) {
      if (have.env[key] === value) continue;
      // Secret values never reach the plan's text.
      changes.push(
        key === 'HY_CODE_SHA' ? `${key} ${(have.env[key] ?? '—').slice(0, 12)} → ${value.slice(0, 12)}` : `${key} ${key in have.env ? 'changed' : 'set'}`,
      );
    }
    if (changes.length > 0) {
      // The platform replaces the whole variable set: the ones a person added in the console stay.
      steps.push({ kind: 'updateConfig', fn, envVariables: { ...have.env, ...fn.env }, changes });
      same = false;
    }
    const haveTriggers = new Map(have.triggers.map((t) => [t.name, t]));
    for (const trigger of fn.triggers) {
      const existing = haveTriggers.get(trigger.name);
      if (!existing) steps.push({ kind: 'createTrigger', functionName: fn.name, trigger });
      else if (!sameTrigger(existing, trigger)) steps.push({ kind: 'replaceTrigger', functionName: fn.name, trigger, was: existing });
      else kept.triggers.push(`${fn.name}.${trigger.name}`);
    }
    const wantedTriggers = new Set(fn.triggers.map((t) => t.name));
    for (const t of have.triggers) if (!wantedTriggers.has(t.name)) leftovers.push({ kind: 'trigger', functionName: fn.name, trigger: t.name });
    if (same) kept.functions.push(fn.name);
  }
  const wantedFns = new Set(desired.functions.map((f) => f.name));
  for (const f of actual.functions) if (!wantedFns.has(f.name)) leftovers.push({ kind: 'function', functionName: f.name });

  for (const access of desired.httpAccess) {
    const have = actual.httpAccess.find((a) => a.path === access.path);
    if (!have) steps.push({ kind: 'createHttpAccess', access });
    else if (have.functionName !== access.functionName) leftovers.push({ kind: 'httpAccess', path: have.path, functionName: have.functionName });
    else kept.httpAccess.push(access.path);
  }
  for (const a of actual.httpAccess)
    if (!desired.httpAccess.some((d) => d.path === a.path)) leftovers.push({ kind: 'httpAccess', path: a.path, functionName: a.functionName });

  const unchanged = {
    collections: kept.collections.length,
    indexes: kept.indexes.length,
    functions: kept.functions.length,
    triggers: kept.triggers.length,
    httpAccess: kept.httpAccess.length,
  };
  return { steps, leftovers, unchanged, kept };
}

const keysText = (i: IndexSpec) => `${i.keys.map((k) => `${k.field}:${k.direction}`).join(', ')}${i.unique ? ' unique' : ''}`;

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'createCollection':
      return `+ collection ${step.collection}`;
    case 'setPermission':
      return `~ collection ${step.collection}: permission ${step.from ?? '(new)'} → ${ADMIN_ONLY}`;
    case 'createIndex':
      return `+ index ${step.collection}.${step.index.name} (${keysText(step.index)})`;
    case 'createFunction':
      return `+ function ${step.fn.name} (timeout ${step.fn.timeout}s, ${step.fn.memorySize} MB, env ${Object.keys(step.envVariables).sort().join(' ')})`;
    case 'updateCode':
      return `~ function ${step.fn.name}: code → ${step.fn.codeSha.slice(0, 12)}`;
    case 'updateConfig':
      return `~ function ${step.fn.name}: ${step.changes.join('; ')}`;
    case 'createTrigger':
      return `+ trigger ${step.functionName}.${step.trigger.name} (${step.trigger.type} "${step.trigger.config}")`;
    case 'replaceTrigger':
      return `~ trigger ${step.functionName}.${step.trigger.name}: "${step.was.config}" → "${step.trigger.config}"`;
    case 'createHttpAccess':
      return `+ HTTP access ${step.access.path} → ${step.access.functionName}`;
  }
}

function describeLeftover(l: Leftover): string {
  switch (l.kind) {
    case 'collection':
      return `! collection ${l.collection} is not in database.json: left as it is`;
    case 'index':
      return `! index ${l.collection}.${l.index} is not in database.json: left as it is`;
    case 'indexDiffers':
      return `! index ${l.collection}.${l.index} is (${keysText(l.have)}), database.json wants (${keysText(l.want)}): drop it in the console and deploy again`;
    case 'function':
      return `! function ${l.functionName} is not in this build: left as it is`;
    case 'trigger':
      return `! trigger ${l.functionName}.${l.trigger} is not in config.json: left as it is`;
    case 'httpAccess':
      return `! HTTP access ${l.path} → ${l.functionName} is not this build's: left as it is`;
  }
}

const KIND_TEXT: Record<string, string> = {
  collections: 'collections',
  indexes: 'indexes',
  functions: 'functions',
  triggers: 'triggers',
  httpAccess: 'HTTP paths',
};

export function formatPlan(plan: Plan): string {
  const u = plan.unchanged;
  const lines = [
    ...plan.steps.map(describeStep),
    ...plan.leftovers.map(describeLeftover),
    ...(Object.entries(plan.kept) as [string, string[]][])
      .filter(([, names]) => names.length > 0)
      .map(([kind, names]) => `= ${KIND_TEXT[kind]} left as they are: ${names.join(', ')}`),
    `= unchanged: ${u.collections} collections, ${u.indexes} indexes, ${u.functions} functions, ${u.triggers} triggers, ${u.httpAccess} HTTP paths`,
    plan.steps.length === 0 ? 'Nothing to do: the environment is up to date.' : `${plan.steps.length} steps.`,
  ];
  return lines.join('\n');
}
