/**
 * `npm run deploy -- --env <envId> [--dry-run] [--verify] [--init-secrets] [--miniprogram]`
 *
 * One command from a build to a WeChat cloud development environment (docs/deploy.md): plans the
 * collections (admin-only), indexes, functions (code, timeout, memory, environment variables,
 * triggers) and the HTTP access path for `pos` against what the environment holds, applies what is
 * missing, then runs the pending migrations of stored documents (`scheduler.migrate`). Nothing the
 * environment holds beyond the build is dropped: it is reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SECRET_NAMES } from '../../cloudfunctions/_lib/platform/secrets';
import { listFunctions } from '../../local-cloud/runtime';
import { buildFunctions } from '../build-functions';
import { DeployAdapter, type ManagerApi } from './adapter';
import { builtFunctionNames, desiredState } from './desired';
import { describeStep, diff, formatPlan, type ActualState, type DesiredState } from './plan';
import { DATA_KEYS, generateSecrets, readSecrets, secretsFile } from './secrets';

export const ROOT = path.resolve(__dirname, '../..');

export interface DeployOptions {
  envId: string;
  dryRun: boolean;
  verify: boolean;
  initSecrets: boolean;
  miniprogram: boolean;
  /** the deploy folders (dist/cloudfunctions); built there when it holds none */
  functionsRoot: string;
  /** where `.deploy/` lives (the repository) */
  root: string;
}

export interface Credentials {
  secretId?: string;
  secretKey?: string;
  token?: string;
  /** the mini-program code upload key (小程序代码上传密钥), for `--miniprogram` */
  uploadKeyPath?: string;
}

export function credentialsFrom(env: NodeJS.ProcessEnv): Credentials {
  return {
    secretId: env.TENCENTCLOUD_SECRETID || undefined,
    secretKey: env.TENCENTCLOUD_SECRETKEY || undefined,
    token: env.TENCENTCLOUD_SESSIONTOKEN || undefined,
    uploadKeyPath: env.MINIPROGRAM_UPLOAD_KEY || undefined,
  };
}

export const CREDENTIALS_NEEDED = [
  'Credentials this needs (docs/deploy.md, "Credentials"):',
  '  TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY  a CloudBase API key pair (腾讯云 访问管理 → API 密钥, or a sub-user',
  '                                                 with the TCB and SCF policies); TENCENTCLOUD_SESSIONTOKEN for a temporary key',
  '  MINIPROGRAM_UPLOAD_KEY                         for --miniprogram only: the path of the code upload key',
  '                                                 (小程序管理后台 → 开发管理 → 开发设置 → 小程序代码上传密钥), and the appid in project.config.json',
].join('\n');

export interface DeployDeps {
  /** the environment's manager API; null without credentials */
  api: ManagerApi | null;
  out: (line: string) => void;
  /** uploads dist/weapp (miniprogram-ci); replaced in tests */
  uploadMiniprogram?: (keyPath: string) => Promise<void>;
  credentials?: Credentials;
}

const EMPTY: ActualState = { collections: [], functions: [], httpAccess: [] };
/** How many `migrate` calls a deploy makes before it says the rest is for the next deploy. */
const MIGRATE_ROUNDS = 30;

/** The environment's keys for the plan when no local file exists (so a plan does not claim it would change them). */
function keysForPlan(actual: ActualState): Record<string, string> {
  const keyed = actual.functions.find((f) => f.env.HY_PII_KEY);
  return Object.fromEntries(SECRET_NAMES.map((n) => [n, keyed?.env[n] ?? '(generated once by --init-secrets)']));
}

export async function runDeploy(opts: DeployOptions, deps: DeployDeps): Promise<number> {
  const { out } = deps;
  const adapter = deps.api ? new DeployAdapter(deps.api, opts.functionsRoot) : null;
  if (builtFunctionNames(opts.functionsRoot).length === 0) {
    out(`Building the functions into ${path.relative(opts.root, opts.functionsRoot) || opts.functionsRoot} …`);
    await buildFunctions(listFunctions(), opts.functionsRoot);
  }
  const file = secretsFile(opts.root, opts.envId);
  let secrets = readSecrets(file);
  const actual = adapter ? await adapter.readActual() : EMPTY;
  if (!adapter) out(`No credentials: the plan is against an empty environment ${opts.envId}.\n${CREDENTIALS_NEEDED}\n`);

  if (opts.verify) {
    if (!adapter) return 2;
    return verify(adapter, desiredState(opts.functionsRoot, secrets ?? keysForPlan(actual)), actual, out);
  }

  if (opts.initSecrets && !secrets) {
    if (actual.functions.some((f) => f.env.HY_PII_KEY))
      return refuse(
        out,
        `${opts.envId} already has keys on its functions: new ones would make stored phone numbers unreadable. Restore ${file} from your secret store.`,
      );
    if (opts.dryRun) out(`Would generate the functions' keys into ${file} (mode 0600, git-ignored).`);
    else {
      secrets = generateSecrets(file);
      out(`Generated the functions' keys into ${file} (mode 0600, git-ignored): copy it to a secret store now.`);
    }
  }

  const desired = desiredState(opts.functionsRoot, secrets ?? keysForPlan(actual));
  const plan = diff(desired, actual);
  out(`Plan for ${opts.envId}:`);
  out(formatPlan(plan));
  out(`Then: migrations (scheduler.migrate) ${migrationIds().join(', ')}; the environment's migrations collection skips the recorded ones.`);
  if (opts.miniprogram) out(`Then: upload dist/weapp with miniprogram-ci (${deps.credentials?.uploadKeyPath ? 'key set' : 'needs MINIPROGRAM_UPLOAD_KEY'}).`);
  if (!secrets)
    out(
      `Keys: ${file} does not exist. ${actual.functions.some((f) => f.env.HY_PII_KEY) ? 'Restore it from your secret store.' : 'The first deploy needs --init-secrets.'}`,
    );
  if (opts.dryRun) {
    out('Dry run: nothing was changed.');
    return 0;
  }

  if (!adapter) return refuse(out, 'Deploying needs the credentials above.', 2);
  if (!secrets) {
    return refuse(
      out,
      actual.functions.some((f) => f.env.HY_PII_KEY)
        ? `No keys in ${file}, and ${opts.envId}'s functions already have theirs: restore the file from your secret store (new keys would make stored phone numbers unreadable).`
        : `No keys in ${file}: run once with --init-secrets to generate them, then keep a copy in a secret store.`,
    );
  }
  const changedKeys = actual.functions.filter((f) => DATA_KEYS.some((k) => f.env[k] && f.env[k] !== secrets[k as keyof typeof secrets]));
  if (changedKeys.length > 0) {
    return refuse(
      out,
      `${file} holds other keys than ${changedKeys.map((f) => f.name).join(', ')} on ${opts.envId}: phone numbers stored under the old ones would become unreadable. Nothing was changed.`,
    );
  }

  for (const step of plan.steps) {
    out(`… ${describeStep(step)}`);
    try {
      await adapter.apply(step);
    } catch (e) {
      out(`✗ ${describeStep(step)}: ${e instanceof Error ? e.message : String(e)}`);
      out('Run the deploy again: it plans from what the environment holds now and goes on from there.');
      return 1;
    }
  }
  const migrated = await migrate(adapter, out);
  if (migrated !== 0) return migrated;
  if (opts.miniprogram) {
    if (!deps.credentials?.uploadKeyPath || !deps.uploadMiniprogram) return refuse(out, 'The mini-program upload needs MINIPROGRAM_UPLOAD_KEY.', 2);
    await deps.uploadMiniprogram(deps.credentials.uploadKeyPath);
    out('Uploaded dist/weapp as a development version: submit it for review in 小程序管理后台.');
  }
  out(`Deployed to ${opts.envId}. Check it: npm run deploy -- --env ${opts.envId} --verify`);
  return 0;
}

function refuse(out: (line: string) => void, message: string, code = 3): number {
  out(`Refused: ${message}`);
  return code;
}

function migrationIds(): string[] {
  // The list lives in the scheduler's folder, one file each, named by its id (migration-0001-baseline.ts).
  return fs
    .readdirSync(path.join(ROOT, 'cloudfunctions', 'scheduler'))
    .flatMap((f) => /^migration-(\d{4}-.+)\.ts$/.exec(f)?.[1] ?? [])
    .sort();
}

interface Envelope {
  ok: boolean;
  code?: string;
  message?: string;
  data?: { done: boolean; finished: string[]; changed: number; pending: string[] };
}

async function migrate(adapter: DeployAdapter, out: (line: string) => void): Promise<number> {
  for (let round = 1; round <= MIGRATE_ROUNDS; round++) {
    const res = (await adapter.invoke('scheduler', { action: 'migrate' })) as Envelope;
    if (!res.ok || !res.data) return refuse(out, `migrations failed: ${res.code ?? ''} ${res.message ?? ''}; deploy again to resume where they stopped.`, 1);
    const d = res.data;
    out(
      `migrations: ${d.finished.length ? `finished ${d.finished.join(', ')}` : 'none finished'}, ${d.changed} documents changed${d.done ? '' : `, pending ${d.pending.join(', ')}`}`,
    );
    if (d.done) return 0;
  }
  return refuse(out, `migrations still pending after ${MIGRATE_ROUNDS} calls: deploy again to go on (each resumes where the last stopped).`, 1);
}

interface HealthAnswer {
  ok?: boolean;
  data?: { ok?: boolean; version?: string };
  statusCode?: number;
  body?: string;
}

/** Calls every function's health action (pos: GET /health, as its HTTP path does) and compares the triggers. */
export async function verify(adapter: DeployAdapter, desired: DesiredState, actual: ActualState, out: (line: string) => void): Promise<number> {
  let failures = 0;
  for (const fn of desired.functions) {
    let version: string | undefined;
    try {
      const res = (await adapter.invoke(
        fn.name,
        fn.name === 'pos' ? { httpMethod: 'GET', path: '/health', headers: {} } : { action: 'health' },
      )) as HealthAnswer;
      version = typeof res.body === 'string' ? (JSON.parse(res.body) as { version?: string }).version : res.data?.version;
    } catch (e) {
      out(`✗ ${fn.name}: ${e instanceof Error ? e.message : String(e)}`);
      failures++;
      continue;
    }
    const have = actual.functions.find((f) => f.name === fn.name);
    const missingTriggers = fn.triggers.filter((t) => !have?.triggers.some((h) => h.name === t.name && h.type === t.type && h.config === t.config));
    const ok = version === fn.codeSha && missingTriggers.length === 0;
    if (!ok) failures++;
    const triggers = have?.triggers.map((t) => `${t.name} ${t.type} "${t.config}"`).join(', ') || 'no triggers';
    out(
      `${ok ? '✓' : '✗'} ${fn.name}: version ${version?.slice(0, 12) ?? '—'}${version === fn.codeSha ? '' : ` (this build: ${fn.codeSha.slice(0, 12)})`}; ${triggers}${missingTriggers.length ? `; missing ${missingTriggers.map((t) => t.name).join(', ')}` : ''}`,
    );
  }
  out(
    failures === 0
      ? `All ${desired.functions.length} functions answer with this build.`
      : `${failures} of ${desired.functions.length} functions are not this build or not answering.`,
  );
  return failures === 0 ? 0 : 1;
}

function parseArgs(argv: string[]): DeployOptions {
  const opts: DeployOptions = {
    envId: '',
    dryRun: false,
    verify: false,
    initSecrets: false,
    miniprogram: false,
    functionsRoot: path.join(ROOT, 'dist', 'cloudfunctions'),
    root: ROOT,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--env') opts.envId = argv[++i] ?? '';
    else if (a.startsWith('--env=')) opts.envId = a.slice(6);
    else if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--verify') opts.verify = true;
    else if (a === '--init-secrets') opts.initSecrets = true;
    else if (a === '--miniprogram') opts.miniprogram = true;
    else if (a === '--functions-dir') opts.functionsRoot = path.resolve(argv[++i] ?? '');
    else throw new Error(`unknown option ${a}`);
  }
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/i.test(opts.envId)) throw new Error('--env <envId> is required (the cloud environment id, e.g. prod-1a2b3c)');
  return opts;
}

async function uploadMiniprogram(keyPath: string): Promise<void> {
  const ci = await import('miniprogram-ci');
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8')) as { appid: string };
  const version = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const project = new ci.Project({
    appid: config.appid,
    type: 'miniProgram',
    projectPath: path.join(ROOT, 'dist', 'weapp'),
    privateKeyPath: keyPath,
    ignores: ['node_modules/**/*'],
  });
  await ci.upload({
    project,
    version,
    desc: `deploy ${new Date().toISOString()}`,
    setting: { es6: false, minify: true, minifyJS: true, minifyWXML: true, minifyWXSS: true },
  });
}

async function cli(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const credentials = credentialsFrom(process.env);
  let api: ManagerApi | null = null;
  if (credentials.secretId && credentials.secretKey) {
    const { default: CloudBase } = await import('@cloudbase/manager-node');
    api = new CloudBase({ secretId: credentials.secretId, secretKey: credentials.secretKey, token: credentials.token, envId: opts.envId });
  }
  return runDeploy(opts, { api, out: (line) => console.log(line), credentials, uploadMiniprogram });
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  cli()
    .then((code) => process.exit(code))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(2);
    });
}
