import { EJSON } from 'bson';
import { LocalDatabase } from '../../local-cloud/database';
import { decode, DocumentStore } from '../../local-cloud/store';
import { SESSION_COOKIE, SessionSigner } from '../../local-cloud/server';

/**
 * The shortcuts that keep a trivial call cheap (docs/performance.md, "Fixed cost of a call") answer
 * exactly what the long way answers.
 */
describe('EJSON text without a `$` is decoded as JSON', () => {
  const texts = [
    '{"_id":"m-1"}',
    '{"memberId":"m-1","storeId":"s-01"}',
    '{"a":[1,2.5,-3,1e21,null,true,false],"b":{"c":"会员"}}',
    '[{"x":1},{"y":"z"}]',
    '{"__proto__":{"polluted":true}}',
    '{"big":9007199254740993,"neg":-0}',
    '"text"',
    '42',
  ];
  it.each(texts)('%s', (text) => {
    expect(decode(text)).toEqual(EJSON.parse(text, { relaxed: true }));
  });

  it('takes the EJSON decoder for a `$` anywhere or a `\\u` escape that could spell one', () => {
    expect(decode('{"n":{"$numberInt":"5"}}')).toEqual({ n: 5 });
    expect(decode('{"d":{"\\u0024date":"2026-01-01T00:00:00Z"}}')).toEqual({ d: new Date('2026-01-01T00:00:00Z') });
    // A key with a NUL byte is refused by the EJSON decoder: still refused.
    expect(() => decode('{"a\\u0000b":1}')).toThrow();
  });
});

describe('verified sessions are kept per cookie header', () => {
  const signer = new SessionSigner(Buffer.from('k'));
  const token = signer.sign({ role: 'consumer', openid: 'o-1' });

  it('answers the session of a valid header, again from memory, and never for a forged one', () => {
    const header = `a=1; ${SESSION_COOKIE}=${token}`;
    expect(signer.fromCookieHeader(header)).toEqual({ role: 'consumer', openid: 'o-1' });
    expect(signer.fromCookieHeader(header)).toEqual({ role: 'consumer', openid: 'o-1' });
    const [body, mac] = token.split('.');
    const evil = Buffer.from(JSON.stringify({ role: 'merchant', openid: 'o-1' })).toString('base64url');
    expect(signer.fromCookieHeader(`${SESSION_COOKIE}=${evil}.${mac}`)).toBeNull();
    expect(signer.fromCookieHeader(`${SESSION_COOKIE}=${body}.x`)).toBeNull();
    expect(signer.fromCookieHeader(undefined)).toBeNull();
    expect(signer.fromCookieHeader('')).toBeNull();
    // Another secret does not find the first one's sessions.
    expect(new SessionSigner(Buffer.from('other')).fromCookieHeader(header)).toBeNull();
  });

  it('keeps a bounded number of headers, the least recently used dropped first', () => {
    const s = new SessionSigner(Buffer.from('bounded'));
    // Each sign-in is a new token (its own id and expiry): the headers are made once.
    const headers = Array.from({ length: 1500 }, (_, i) => `${SESSION_COOKIE}=${s.sign({ role: 'staff', openid: `o-${i}` })}`);
    const header = (i: number) => headers[i];
    for (let i = 0; i < 1500; i += 1) expect(s.fromCookieHeader(header(i))).toEqual({ role: 'staff', openid: `o-${i}` });
    const kept = (s as unknown as { verified: Map<string, unknown> }).verified;
    expect(kept.size).toBe(1000);
    expect(kept.has(header(0))).toBe(false);
    expect(kept.has(header(1499))).toBe(true);
    // Dropped from memory is not refused: verified again.
    expect(s.fromCookieHeader(header(0))).toEqual({ role: 'staff', openid: 'o-0' });
  });

  it('hands out a session no caller can change for the next request', () => {
    const header = `${SESSION_COOKIE}=${token}`;
    const first = signer.fromCookieHeader(header) as { openid: string };
    // Modules are strict: writing a frozen object's field throws.
    expect(() => {
      first.openid = 'o-evil';
    }).toThrow();
    expect(signer.fromCookieHeader(header)).toEqual({ role: 'consumer', openid: 'o-1' });
  });
});

describe('doc(id).get() answered from the primary key', () => {
  const store = new DocumentStore(':memory:');
  store.createCollection('people');
  store.insert('people', { _id: 'm1', name: 'ann', profile: { city: 'SH' }, at: new Date('2026-01-01T00:00:00Z') });
  store.insert('people', { _id: 'm2', name: 'bob' });
  const db = new LocalDatabase(store);
  const ask = (queryType: 'DOC' | 'WHERE', id: unknown, projection?: object) =>
    db.handle('database.getDocument', {
      collectionName: 'people',
      queryType,
      query: EJSON.stringify({ _id: id }),
      ...(queryType === 'DOC' ? { multi: false } : {}),
      ...(projection ? { projection: EJSON.stringify(projection) } : {}),
    });
  const data = (r: unknown) => (r as { data: unknown }).data;

  it.each([
    ['a stored id', 'm1', undefined],
    ['another', 'm2', undefined],
    ['a missing id', 'nope', undefined],
    ['with a projection', 'm1', { name: 1 }],
    ['with an exclusion', 'm1', { profile: 0 }],
  ])('%s: the same list as the query path', async (_label, id, projection) => {
    const byKey = data(await ask('DOC', id, projection)) as { list: string[] };
    expect(byKey.list).toHaveLength(id === 'nope' ? 0 : 1);
    expect(byKey).toEqual(data(await ask('WHERE', id, projection)));
  });

  it('a non-string id still takes the query path', async () => {
    expect(data(await ask('DOC', 5))).toEqual({ list: [], offset: 0, limit: 100 });
  });
});
