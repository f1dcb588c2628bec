/**
 * Reads retry once, in platform/db.ts (docs/policies.md): no call site wraps a read helper in
 * `withRetry` again (67 reads were retried twice, up to ~30 attempts), and the one member-by-OPENID
 * lookup is not spelt by hand in a function.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../cloudfunctions');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const READS = ['getById', 'findOne', 'queryDocs', 'count', 'aggregateRows', 'requireRole', 'roleOf', 'memberByOpenid', 'step.findDue'];
const wrappedRead = new RegExp(
  `withRetry\\(\\s*(?:async\\s*)?\\(\\)\\s*=>\\s*(?:\\{\\s*return\\s+)?(?:await\\s+)?(?:${READS.map((r) => r.replace('.', '\\.')).join('|')})\\b`,
);

describe('the read-retry policy', () => {
  const files = sources(ROOT);

  it('finds the functions', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('no withRetry around a read that already retries', () => {
    const offenders = files.filter((f) => wrappedRead.test(fs.readFileSync(f, 'utf8'))).map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('the pattern would catch one', () => {
    expect(wrappedRead.test("await withRetry(() => getById<X>('coupons', id))")).toBe(true);
    expect(wrappedRead.test('withRetry(() =>\n  queryDocs<X>(q))')).toBe(true);
    expect(wrappedRead.test("withRetry(() => database().collection('x').doc(id).set({ data }))")).toBe(false);
  });

  it('a caller is found by OPENID only through memberByOpenid (NOT_A_MEMBER), outside members/ and joining', () => {
    const byHand = files
      .filter((f) => !f.includes(`${path.sep}_lib${path.sep}members${path.sep}`) && !/member[\\/](register|join|mydata)\.ts$/.test(f))
      .filter((f) => /findOne<MemberDoc>\('members', \{ openid/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(ROOT, f));
    expect(byHand).toEqual([]);
  });
});
