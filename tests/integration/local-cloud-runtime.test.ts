import { invocationContext, startTimers } from '../../local-cloud/runtime';
import { closeTestCloud, openTestCloud } from '../support/local-cloud';

// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- the SDK's typings do not describe init/callFunction/uploadFile as used here
const sdk = () => require('wx-server-sdk') as Record<string, any>;
// As in a function: wx-server-sdk's own callFunction and storage wrappers refuse to run before init().
sdk().init({ env: 'local' });

describe('local cloud runtime around the real wx-server-sdk', () => {
  let cloud: ReturnType<typeof openTestCloud>;
  beforeEach(() => {
    cloud = openTestCloud();
  });
  afterEach(() => closeTestCloud(cloud));

  const asCaller = <T>(openid: string, fn: () => Promise<T>) =>
    invocationContext.run({ OPENID: openid, APPID: 'wxlocal', ENV: 'local', SOURCE: 'wx_client' }, fn);

  it('gives each concurrent invocation its own WX context', async () => {
    const seen = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        asCaller(`o-${i}`, async () => {
          await new Promise((r) => setTimeout(r, (20 - i) % 7));
          return sdk().getWXContext().OPENID as string;
        }),
      ),
    );
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `o-${i}`));
    // Nothing leaks through the process environment, as the SDK's own implementation would.
    expect(process.env.WX_OPENID).toBeUndefined();
  });

  it('runs cloud.callFunction locally with the caller identity', async () => {
    const res = await asCaller<{ errMsg: string; result: unknown }>('o-caller', () =>
      sdk().callFunction({ name: 'member', data: { action: 'join', agree: true } }),
    );
    expect(res.errMsg).toBe('callFunction:ok'); // wx-server-sdk's own wrapper's text
    expect(res.result).toMatchObject({ ok: true, data: { isNew: true } });
    expect(cloud.store.scan('members').map((s) => s.doc.openid)).toEqual(['o-caller']);
  });

  it('records subscribe messages in the outbox instead of sending them, and refuses bad ones', async () => {
    const send = sdk().openapi.subscribeMessage.send;
    // A registered template (local-cloud/services/subscribe-templates.json) and one acceptance by the member.
    cloud.subscriptions.accept('o-1', 'LOCAL_TPL_BIRTHDAY');
    const data = { name1: { value: '小林' }, thing2: { value: '生日礼券已到账' }, date3: { value: '2026年3月2日' } };
    const res = await send({ touser: 'o-1', templateId: 'LOCAL_TPL_BIRTHDAY', page: 'pages/index/index', data });
    expect(res).toMatchObject({ errCode: 0 });
    expect(cloud.outbox.list()).toEqual([expect.objectContaining({ touser: 'o-1', templateId: 'LOCAL_TPL_BIRTHDAY', data })]);
    await expect(send({ touser: '', templateId: 'LOCAL_TPL_BIRTHDAY', data: {} })).rejects.toMatchObject({ errCode: 40003 });
    await expect(send({ touser: 'o-1', templateId: 'LOCAL_TPL_BIRTHDAY', data: { ...data, thing2: {} } })).rejects.toMatchObject({ errCode: 47003 });
    expect(cloud.outbox.list()).toHaveLength(1);
  });

  it('answers getPhoneNumber with a stable test number and refuses a bad code', async () => {
    const get = sdk().openapi.phonenumber.getPhoneNumber;
    const a = await get({ code: 'abc' });
    const b = await get({ code: 'abc' });
    expect(a.phoneInfo.purePhoneNumber).toMatch(/^138\d{8}$/);
    expect(b.phoneInfo.purePhoneNumber).toBe(a.phoneInfo.purePhoneNumber);
    await expect(get({ code: 'invalid' })).rejects.toMatchObject({ errCode: 40029 });
  });

  it('never reaches the real network: files go to the local folder, pay APIs fail locally', async () => {
    const up = await sdk().uploadFile({ cloudPath: 'a.png', fileContent: Buffer.from('x') });
    expect(up.fileID).toMatch(/^cloud:\/\/local\./);
    expect(cloud.storage.read(up.fileID).toString()).toBe('x');
    expect(() => sdk().cloudPay.unifiedOrder({})).toThrow(/cloudPay.unifiedOrder:fail not available/);
  });

  it('fires timer triggers on their WeChat cron schedule', async () => {
    // Real-time arming (setTimeout to the next firing), stepped by jest's fake timers, not waited for.
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00.500Z') });
    try {
      const fired: string[] = [];
      const stop = startTimers(
        async (t) => {
          fired.push(`${t.triggerName}@${new Date().toISOString()}`);
          return null;
        },
        () => undefined,
        [{ functionName: 'member', triggerName: 'every-second', cron: '* * * * * * *' }],
      );
      await jest.advanceTimersByTimeAsync(2_300);
      stop();
      await jest.advanceTimersByTimeAsync(2_000);
      expect(fired).toEqual(['every-second@2030-01-01T00:00:01.000Z', 'every-second@2030-01-01T00:00:02.000Z']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('counts the database requests of each invocation and per function action', async () => {
    const first = await cloud.invokeMeasured('member', { action: 'join', agree: true }, { openid: 'o-count' });
    const again = await cloud.invokeMeasured('member', { action: 'getCard' }, { openid: 'o-count' });
    expect(first.usage.requests).toBeGreaterThan(again.usage.requests); // 开卡 registers; the card only reads
    expect(Object.values(again.usage.byAction).reduce((a, b) => a + b, 0)).toBe(again.usage.requests);
    expect(again.usage.byAction['database.getDocument']).toBeGreaterThan(0);
    expect(cloud.requestsByAction.get('member.join')).toEqual({ calls: 1, requests: first.usage.requests });
    expect(cloud.requestsByAction.get('member.getCard')).toEqual({ calls: 1, requests: again.usage.requests });
    // a nested callFunction counts in its own invocation and in its caller's
    const viaSdk = await asCaller('o-count', async () => (await sdk().callFunction({ name: 'member', data: { action: 'getCard' } })).result);
    expect(viaSdk).toMatchObject({ ok: true });
    expect(cloud.requestsByAction.get('member.getCard')!.calls).toBe(2);
    // the same work as `again`, requests alike
    expect(cloud.requestsByAction.get('member.getCard')!.requests).toBe(2 * again.usage.requests);
  });
});
