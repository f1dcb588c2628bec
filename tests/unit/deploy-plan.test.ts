import path from 'node:path';
import { collectionsFrom, HTTP_ACCESS } from '../../scripts/deploy/desired';
import { ADMIN_ONLY, diff, formatPlan, type ActualState, type DesiredState, type FunctionSpec } from '../../scripts/deploy/plan';

/**
 * The deploy's planner (scripts/deploy/plan.ts): plan = diff(desired, actual), pure. Desired from the
 * real cloudfunctions/database.json; functions made here.
 */
const collections = collectionsFrom(path.join(__dirname, '../../cloudfunctions/database.json'));
const KEYS = { HY_PII_KEY: 'a'.repeat(64), HY_PII_HMAC_KEY: 'b'.repeat(64), HY_MEMBER_CODE_KEY: 'c'.repeat(64), HY_POS_KEY: 'd'.repeat(64) };
const fn = (name: string, extra: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name,
  codeSha: `${name}-sha`,
  timeout: 10,
  memorySize: 256,
  triggers: [],
  env: { ...KEYS, HY_CODE_SHA: `${name}-sha` },
  ...extra,
});
const scheduler = fn('scheduler', { timeout: 150, triggers: [{ name: 'tick', type: 'timer', config: '0 */5 * * * * *' }] });
const desired: DesiredState = { collections, functions: [fn('member'), fn('pos'), scheduler], httpAccess: HTTP_ACCESS };
const indexCount = collections.reduce((n, c) => n + c.indexes.length, 0);

/** The environment after a complete deploy of `d`. */
function deployed(d: DesiredState): ActualState {
  return {
    collections: d.collections.map((c) => ({
      name: c.name,
      permission: ADMIN_ONLY,
      indexes: [{ name: '_id_', keys: [{ field: '_id', direction: 1 }], unique: true }, ...c.indexes],
    })),
    functions: d.functions.map((f) => ({ name: f.name, timeout: f.timeout, memorySize: f.memorySize, env: { ...f.env }, triggers: [...f.triggers] })),
    httpAccess: [...d.httpAccess],
  };
}

describe('deploy plan', () => {
  it('against an empty environment creates every collection (admin-only), index, function, trigger and the pos path', () => {
    const plan = diff(desired, { collections: [], functions: [], httpAccess: [] });
    const kinds = plan.steps.map((s) => s.kind);
    expect(collections.length).toBeGreaterThan(40);
    expect(kinds.filter((k) => k === 'createCollection')).toHaveLength(collections.length);
    expect(kinds.filter((k) => k === 'setPermission')).toHaveLength(collections.length);
    expect(kinds.filter((k) => k === 'createIndex')).toHaveLength(indexCount);
    expect(kinds.filter((k) => k === 'createFunction')).toHaveLength(3);
    expect(plan.steps.filter((s) => s.kind === 'createTrigger')).toEqual([
      { kind: 'createTrigger', functionName: 'scheduler', trigger: scheduler.triggers[0] },
    ]);
    expect(plan.steps.at(-1)).toEqual({ kind: 'createHttpAccess', access: { path: '/pos', functionName: 'pos' } });
    expect(plan.leftovers).toEqual([]);
    // Unique indexes stay unique; every collection's permission comes right after it is created.
    const members = plan.steps.filter((s) => 'collection' in s && s.collection === 'members');
    expect(members.slice(0, 2).map((s) => s.kind)).toEqual(['createCollection', 'setPermission']);
    expect(members.find((s) => s.kind === 'createIndex' && s.index.name === 'openid_unique')).toMatchObject({
      index: { unique: true, keys: [{ field: 'openid', direction: 1 }] },
    });
    const text = formatPlan(plan);
    expect(text).toContain('+ collection members');
    expect(text).toContain('+ index orders.store_receipt_unique (storeId:1, receiptNo:1 unique)');
    expect(text).toContain('+ trigger scheduler.tick (timer "0 */5 * * * * *")');
    // Keys never appear in the plan's text.
    expect(text).not.toContain('a'.repeat(64));
  });

  it('against an up-to-date environment plans nothing (a second deploy of the same build)', () => {
    const plan = diff(desired, deployed(desired));
    expect(plan.steps).toEqual([]);
    expect(plan.leftovers).toEqual([]);
    expect(plan.unchanged).toEqual({ collections: collections.length, indexes: indexCount, functions: 3, triggers: 1, httpAccess: 1 });
    expect(plan.kept.triggers).toEqual(['scheduler.tick']);
    const text = formatPlan(plan);
    expect(text).toContain('Nothing to do');
    // Every collection, index and function by its name.
    expect(text).toContain('= functions left as they are: member, pos, scheduler');
    expect(text).toMatch(/= collections left as they are: members, roles, stores, /);
    expect(text).toContain('members.openid_unique, members.cardNo_unique');
    expect(text).toContain('= HTTP paths left as they are: /pos');
  });

  it('against a partly deployed environment plans only what is missing or changed', () => {
    const actual = deployed(desired);
    actual.collections = actual.collections.filter((c) => c.name !== 'coupons'); // a collection missing
    const orders = actual.collections.find((c) => c.name === 'orders')!;
    orders.indexes = orders.indexes.filter((i) => i.name !== 'paidAt'); // an index missing
    actual.collections.find((c) => c.name === 'roles')!.permission = 'PRIVATE'; // set by hand in the console
    actual.functions = actual.functions.filter((f) => f.name !== 'pos'); // a function missing
    const member = actual.functions.find((f) => f.name === 'member')!;
    member.env = { ...member.env, HY_CODE_SHA: 'old-sha', HY_JOB_CONCURRENCY: '2' }; // older code; a variable a person added
    member.timeout = 3;
    actual.functions.find((f) => f.name === 'scheduler')!.triggers = [{ name: 'tick', type: 'timer', config: '0 0 * * * * *' }];
    actual.httpAccess = [];

    const plan = diff(desired, actual);
    const coupons = collections.find((c) => c.name === 'coupons')!;
    expect(plan.steps.map((s) => s.kind)).toEqual([
      'setPermission',
      'createIndex',
      'createCollection',
      'setPermission',
      ...coupons.indexes.map(() => 'createIndex'),
      'updateCode',
      'updateConfig',
      'createFunction',
      'replaceTrigger',
      'createHttpAccess',
    ]);
    expect(plan.steps[0]).toEqual({ kind: 'setPermission', collection: 'roles', from: 'PRIVATE' });
    expect(plan.steps[1]).toMatchObject({ kind: 'createIndex', collection: 'orders', index: { name: 'paidAt' } });
    const config = plan.steps.find((s) => s.kind === 'updateConfig');
    // The whole variable set is sent (the platform replaces it): the one the person added stays.
    expect(config).toMatchObject({ envVariables: { HY_JOB_CONCURRENCY: '2', HY_CODE_SHA: 'member-sha', ...KEYS } });
    expect(formatPlan(plan)).toContain('~ function member: timeout 3s → 10s; HY_CODE_SHA old-sha → member-sha');
    expect(plan.leftovers).toEqual([]);
  });

  it('reports what was removed from database.json or the build, and never plans a drop', () => {
    const actual = deployed(desired);
    actual.collections.push({ name: 'old_things', permission: ADMIN_ONLY, indexes: [] });
    actual.collections.find((c) => c.name === 'members')!.indexes.push({ name: 'legacy_idx', keys: [{ field: 'legacy', direction: 1 }], unique: false });
    const ledger = actual.collections.find((c) => c.name === 'ledger')!;
    ledger.indexes = ledger.indexes.map((i) => (i.name === 'member_createdAt' ? { ...i, keys: [{ field: 'memberId', direction: 1 }] } : i));
    actual.functions.push({ name: 'retired', timeout: 3, memorySize: 256, env: {}, triggers: [] });
    actual.functions.find((f) => f.name === 'scheduler')!.triggers.push({ name: 'nightly', type: 'timer', config: '0 0 2 * * * *' });

    const plan = diff(desired, actual);
    expect(plan.steps).toEqual([]);
    expect(plan.leftovers).toEqual([
      { kind: 'index', collection: 'members', index: 'legacy_idx' },
      { kind: 'indexDiffers', collection: 'ledger', index: 'member_createdAt', want: expect.any(Object), have: expect.any(Object) },
      { kind: 'collection', collection: 'old_things' },
      { kind: 'trigger', functionName: 'scheduler', trigger: 'nightly' },
      { kind: 'function', functionName: 'retired' },
    ]);
    const text = formatPlan(plan);
    expect(text).toContain('! collection old_things is not in database.json: left as it is');
    expect(text).toContain('! index members.legacy_idx is not in database.json: left as it is');
    expect(text).toContain('! index ledger.member_createdAt is (memberId:1), database.json wants (memberId:1, createdAt:-1)');
  });
});
