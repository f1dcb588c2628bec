import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFunctions } from '../../local-cloud/runtime';
import { buildFunctions } from '../../scripts/build-functions';
import { runDeploy, type DeployOptions } from '../../scripts/deploy/main';
import { codeSha } from '../../scripts/deploy/desired';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { ManagerStandin, READS } from '../support/manager-standin';

/**
 * `npm run deploy` end to end against the recorded manager stand-in (tests/support/manager-standin.ts):
 * the environment's functions are answered by the local cloud (migrations run there), their health
 * by the code hash the deploy set. Functions are built into a temporary folder, keys into another.
 */
const ROOT = path.resolve(__dirname, '../..');
let functionsRoot: string;
let root: string;
let cloud: TestCloud;

beforeAll(async () => {
  functionsRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-deploy-fns-'));
  await buildFunctions(listFunctions(), functionsRoot);
}, 120_000);
afterAll(() => fs.rmSync(functionsRoot, { recursive: true, force: true }));
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'huiyuan-deploy-root-'));
  cloud = openTestCloud();
});
afterEach(() => {
  closeTestCloud(cloud);
  fs.rmSync(root, { recursive: true, force: true });
});

const options = (extra: Partial<DeployOptions> = {}): DeployOptions => ({
  envId: 'test',
  dryRun: false,
  verify: false,
  initSecrets: false,
  miniprogram: false,
  functionsRoot,
  root,
  ...extra,
});

/** The environment's functions: health answers the hash the deploy set on the function; the rest runs on the local cloud, as an API call. */
const standin = () =>
  new ManagerStandin(async (name, event, fn) => {
    if (event.action === 'health') return { ok: true, data: { ok: true, version: fn.env.HY_CODE_SHA } };
    if (name === 'pos' && event.path === '/health') return { statusCode: 200, headers: {}, body: JSON.stringify({ ok: true, version: fn.env.HY_CODE_SHA }) };
    return cloud.invoke(name, event, { openid: '', source: 'wx_cloud' });
  });

async function deploy(api: ManagerStandin | null, extra: Partial<DeployOptions> = {}) {
  const lines: string[] = [];
  const code = await runDeploy(options(extra), { api, out: (l) => lines.push(l) });
  return { code, text: lines.join('\n') };
}

describe('npm run deploy', () => {
  it('refuses to deploy functions without keys, generates them once, deploys, and a second deploy plans nothing', async () => {
    const api = standin();
    const refused = await deploy(api);
    expect(refused.code).toBe(3);
    expect(refused.text).toContain('run once with --init-secrets');
    expect(api.writes()).toEqual([]);

    const first = await deploy(api, { initSecrets: true });
    expect(first.code).toBe(0);
    const keyFile = path.join(root, '.deploy', 'secrets.test.json');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const keys = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(keys).sort()).toEqual(['HY_MEMBER_CODE_KEY', 'HY_PII_HMAC_KEY', 'HY_PII_KEY', 'HY_POS_KEY']);

    // Everything is there as database.json and the build say.
    const db = JSON.parse(fs.readFileSync(path.join(ROOT, 'cloudfunctions', 'database.json'), 'utf8')) as {
      collections: Record<string, { indexes?: { name: string; unique?: boolean }[] }>;
    };
    expect([...api.state.collections.keys()].sort()).toEqual(Object.keys(db.collections).sort());
    for (const [name, c] of api.state.collections) {
      expect(c.permission).toBe('ADMINONLY');
      expect(c.indexes.map((i) => [i.name, i.unique])).toEqual((db.collections[name].indexes ?? []).map((i) => [i.name, i.unique === true]));
    }
    expect([...api.state.functions.keys()].sort()).toEqual(listFunctions().sort());
    const scheduler = api.state.functions.get('scheduler')!;
    expect(scheduler).toMatchObject({ timeout: 150, memorySize: 256, triggers: [{ name: 'tick', type: 'timer', config: '0 */5 * * * * *' }] });
    expect(scheduler.env).toEqual({ ...keys, HY_CODE_SHA: codeSha(path.join(functionsRoot, 'scheduler')) });
    expect(api.state.access).toEqual([{ path: '/pos', name: 'pos' }]);
    // The migrations ran after the functions, on the environment's database.
    expect(first.text).toMatch(/migrations: finished 0001-baseline, 0 documents changed/);
    expect(cloud.store.get('migrations', '0001-baseline')?.doc).toMatchObject({ status: 'done' });
    expect(api.writes().indexOf('invokeFunction')).toBe(-1);
    const invoked = api.calls.map((c) => c.method);
    expect(invoked.indexOf('invokeFunction')).toBeGreaterThan(invoked.lastIndexOf('createAccess'));

    const callsBefore = api.calls.length;
    const second = await deploy(api);
    expect(second.code).toBe(0);
    expect(second.text).toContain('Nothing to do: the environment is up to date.');
    expect(second.text).toContain('migrations: none finished, 0 documents changed');
    expect(
      api.calls
        .slice(callsBefore)
        .map((c) => c.method)
        .filter((m) => !READS.has(m)),
    ).toEqual([]);

    // --verify: every function answers health with this build's hash, and the trigger list is read back.
    const verified = await deploy(api, { verify: true });
    expect(verified.code).toBe(0);
    expect(verified.text).toMatch(/✓ scheduler: version [0-9a-f]{12}; tick timer "0 \*\/5 \* \* \* \* \*"/);
    expect(verified.text).toContain(`All ${listFunctions().length} functions answer with this build.`);
    api.state.functions.get('member')!.env.HY_CODE_SHA = 'stale';
    const stale = await deploy(api, { verify: true });
    expect(stale.code).toBe(1);
    expect(stale.text).toContain('✗ member: version stale');
  }, 60_000);

  it('on a partly deployed environment creates only what is missing, and reports what the build no longer has', async () => {
    const api = standin();
    expect((await deploy(api, { initSecrets: true })).code).toBe(0);
    api.state.collections.delete('coupons');
    api.state.collections.get('orders')!.indexes = api.state.collections.get('orders')!.indexes.filter((i) => i.name !== 'paidAt');
    api.state.functions.delete('mall');
    api.state.collections.set('old_things', { permission: 'ADMINONLY', indexes: [] });
    api.state.functions.get('member')!.env.HY_JOB_CONCURRENCY = '2';
    api.state.functions.get('member')!.timeout = 3;
    const from = api.calls.length;
    const again = await deploy(api);
    expect(again.code).toBe(0);
    const writes = api.calls.slice(from).filter((c) => !READS.has(c.method));
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '../../cloudfunctions/database.json'), 'utf8')) as {
      collections: Record<string, { indexes?: unknown[] }>;
    };
    const couponIndexes = schema.collections.coupons.indexes ?? [];
    expect(couponIndexes.length).toBeGreaterThan(0);
    expect(writes.map((c) => [c.method, c.args[0]])).toEqual([
      ['updateCollection', 'orders'],
      ['createCollection', 'coupons'],
      ['modifyResourcePermission', { resourceType: 'collection', resource: 'coupons', permission: 'ADMINONLY' }],
      // one index a call, as many as database.json declares for coupons
      ...couponIndexes.map(() => ['updateCollection', 'coupons']),
      ['createFunction', expect.objectContaining({ func: expect.objectContaining({ name: 'mall' }) })],
      ['updateFunctionConfig', expect.objectContaining({ name: 'member', timeout: 60 })],
    ]);
    // The variable a person added stays; the extra collection is reported and kept.
    expect(api.state.functions.get('member')!.env.HY_JOB_CONCURRENCY).toBe('2');
    expect(again.text).toContain('! collection old_things is not in database.json: left as it is');
    expect(api.state.collections.has('old_things')).toBe(true);
  }, 60_000);

  it('refuses keys other than the ones the environment stores phone numbers under', async () => {
    const api = standin();
    expect((await deploy(api, { initSecrets: true })).code).toBe(0);
    fs.rmSync(path.join(root, '.deploy'), { recursive: true });
    const lost = await deploy(api);
    expect(lost.code).toBe(3);
    expect(lost.text).toContain('restore the file from your secret store');
    // --init-secrets on an environment that has keys: refused, no file written.
    expect((await deploy(api, { initSecrets: true })).text).toContain('already has keys');
    expect(fs.existsSync(path.join(root, '.deploy'))).toBe(false);
    // Another machine's fresh keys: refused before any write.
    expect((await deploy(standin(), { initSecrets: true })).code).toBe(0);
    const from = api.calls.length;
    const other = await deploy(api);
    expect(other.code).toBe(3);
    expect(other.text).toContain('phone numbers stored under the old ones would become unreadable');
    expect(api.calls.slice(from).every((c) => READS.has(c.method) && c.method !== 'invokeFunction')).toBe(true);
  }, 60_000);

  it('--dry-run --env test works with no credentials: the plan against an empty environment, and what it would need', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TENCENTCLOUD_') && k !== 'MINIPROGRAM_UPLOAD_KEY'));
    const keyFile = path.join(ROOT, '.deploy', 'secrets.test.json');
    const hadKeys = fs.existsSync(keyFile);
    const run = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/deploy/main.ts', '--env', 'test', '--dry-run', '--functions-dir', functionsRoot],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('No credentials: the plan is against an empty environment test.');
    expect(run.stdout).toContain('TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY');
    expect(run.stdout).toContain('MINIPROGRAM_UPLOAD_KEY');
    expect(run.stdout).toContain('+ collection members');
    expect(run.stdout).toContain('+ index members.openid_unique (openid:1 unique)');
    expect(run.stdout).toMatch(/\+ function scheduler \(timeout 150s, 256 MB, env HY_CODE_SHA HY_MEMBER_CODE_KEY HY_PII_HMAC_KEY HY_PII_KEY HY_POS_KEY\)/);
    expect(run.stdout).toContain('+ HTTP access /pos → pos');
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(fs.existsSync(keyFile)).toBe(hadKeys);

    const real = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/deploy/main.ts', '--env', 'test', '--functions-dir', functionsRoot],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(real.status).toBe(2);
    expect(real.stdout).toContain('Refused: Deploying needs the credentials above.');
  }, 120_000);
});
