/** What the build wants on the environment: read from database.json and the built function folders. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { CollectionSpec, DesiredState, FunctionSpec, IndexSpec, TriggerSpec } from './plan';

interface DatabaseJson {
  collections: Record<string, { indexes?: { name: string; fields: Record<string, number>; unique?: boolean }[] }>;
}
interface ConfigJson {
  timeout?: number;
  memorySize?: number;
  triggers?: TriggerSpec[];
  envVariables?: Record<string, string>;
}

/** The platform's default, when config.json names none. */
const DEFAULT_MEMORY_MB = 256;
const DEFAULT_TIMEOUT_S = 3;
/** The HTTP access service's paths: POS systems post signed orders to /pos (cloudfunctions/pos). */
export const HTTP_ACCESS = [{ path: '/pos', functionName: 'pos' }];

export function collectionsFrom(databaseJson: string): CollectionSpec[] {
  const db = JSON.parse(fs.readFileSync(databaseJson, 'utf8')) as DatabaseJson;
  return Object.entries(db.collections).map(([name, c]) => ({
    name,
    indexes: (c.indexes ?? []).map((i): IndexSpec => ({
      name: i.name,
      keys: Object.entries(i.fields).map(([field, d]) => ({ field, direction: d === -1 ? -1 : 1 })),
      unique: i.unique === true,
    })),
  }));
}

/** The deploy folders under `root` (each with index.js), sorted by name. */
export function builtFunctionNames(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'index.js')))
    .map((d) => d.name)
    .sort();
}

/** sha256 over the files the cloud runs (index.js, package.json), so equal builds hash equal. */
export function codeSha(dir: string): string {
  const h = crypto.createHash('sha256');
  for (const file of ['index.js', 'package.json']) {
    h.update(file);
    h.update(fs.readFileSync(path.join(dir, file)));
  }
  return h.digest('hex');
}

function functionFrom(dir: string, secrets: Record<string, string>): FunctionSpec {
  const name = path.basename(dir);
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as ConfigJson;
  const sha = codeSha(dir);
  return {
    name,
    codeSha: sha,
    timeout: config.timeout ?? DEFAULT_TIMEOUT_S,
    memorySize: config.memorySize ?? DEFAULT_MEMORY_MB,
    triggers: (config.triggers ?? []).map((t) => ({ name: t.name, type: t.type, config: t.config })),
    env: { ...config.envVariables, ...secrets, HY_CODE_SHA: sha },
  };
}

export function desiredState(functionsRoot: string, secrets: Record<string, string>): DesiredState {
  return {
    collections: collectionsFrom(path.join(functionsRoot, 'database.json')),
    functions: builtFunctionNames(functionsRoot).map((name) => functionFrom(path.join(functionsRoot, name), secrets)),
    httpAccess: HTTP_ACCESS,
  };
}
