import type http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { createServer } from '../../local-cloud/server';
import { cloud, useCloud } from './sdk';

const FIXTURES = path.join(__dirname, 'fixtures', 'functions');
type Answer = { ok: boolean; errCode: number | null; errMsg: string | null; keys?: string[] };

/**
 * Open APIs through `cloud.openapi` (云调用), answered in the platform's shape: `{ errCode: 0,
 * errMsg: 'openapi.<api>:ok' }` or a rejection with `errCode`/`errMsg 'openapi.<api>:fail <code> …'`.
 * Codes from the API documentation: subscribeMessage.send 40003 (openid), 40037 (template_id), 47003
 * (argument invalid), 43101 (user refuse to accept the msg); phonenumber.getPhoneNumber 40029 (invalid
 * code); wxacode.getUnlimited 41030 (invalid page), 40169 (invalid scene); security.msgSecCheck v1
 * 87014 (risky content), v2 `result.suggest`; 云调用 -604101 (function has no permission to call this API).
 */
describe('conformance: open APIs', () => {
  const ctx = useCloud({ functionsDir: FIXTURES });
  const asFunction = (api: string, params: Record<string, unknown>) => ctx.cloud.invoke('opener', { api, params }) as Promise<Answer>;
  const birthday = (over: Record<string, { value: string }> = {}) => ({
    touser: 'o-member',
    templateId: 'LOCAL_TPL_BIRTHDAY',
    page: 'pages/index/index',
    data: { name1: { value: '小林' }, thing2: { value: '生日礼券已到账，请在会员中心查看' }, date3: { value: '2026年3月2日' }, ...over },
  });

  it('every open API answers in the platform shape: one not emulated is errCode -604100, never a TypeError', async () => {
    await expect(cloud.openapi.customerServiceMessage.send({ touser: 'o', msgtype: 'text' })).rejects.toMatchObject({
      errCode: -604100,
      errMsg: expect.stringMatching(/^openapi\.customerServiceMessage\.send:fail -604100 /),
    });
    await expect(cloud.openapi.wxa.someFuture.api({})).rejects.toMatchObject({ errCode: -604100 });
  });

  it('a function may call only the APIs its config.json permits (-604101)', async () => {
    expect(await asFunction('phonenumber.getPhoneNumber', { code: 'abc' })).toEqual({
      ok: false,
      errCode: -604101,
      errMsg: 'openapi.phonenumber.getPhoneNumber:fail -604101 function has no permission to call this API',
    });
    expect(await asFunction('security.msgSecCheck', { content: '你好', version: 2, scene: 2, openid: 'o-1' })).toMatchObject({ ok: true, errCode: 0 });
  });

  it("subscribeMessage.send checks the template, each field against its type, and the member's remaining acceptances", async () => {
    expect(await asFunction('subscribeMessage.send', { ...birthday(), templateId: 'NOT_REGISTERED' })).toMatchObject({ errCode: 40037 });
    expect(await asFunction('subscribeMessage.send', { ...birthday(), touser: '' })).toMatchObject({ errCode: 40003 });
    // Well formed, but the member accepted nothing: 43101.
    expect(await asFunction('subscribeMessage.send', birthday())).toMatchObject({
      errCode: 43101,
      errMsg: expect.stringContaining('user refuse to accept the msg'),
    });
    ctx.cloud.subscriptions.accept('o-member', 'LOCAL_TPL_BIRTHDAY');
    // Field formats: thing ≤ 20 characters, name ≤ 10 Chinese characters, date as 2019年10月1日.
    const bads: Record<string, { value: string }>[] = [
      { thing2: { value: '一二三四五六七八九十一二三四五六七八九十一' } },
      { name1: { value: '一二三四五六七八九十一' } },
      { date3: { value: 'March 2' } },
      { date3: { value: '' } },
    ];
    for (const bad of bads) {
      expect(await asFunction('subscribeMessage.send', birthday(bad))).toMatchObject({ errCode: 47003, errMsg: expect.stringContaining('argument invalid!') });
    }
    expect(ctx.cloud.outbox.list()).toHaveLength(0);
    expect(await asFunction('subscribeMessage.send', birthday())).toMatchObject({ ok: true, errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' });
    expect(ctx.cloud.outbox.list()).toHaveLength(1);
    // One acceptance, one send.
    expect(await asFunction('subscribeMessage.send', birthday())).toMatchObject({ errCode: 43101 });
    expect(ctx.cloud.subscriptions.left('o-member', 'LOCAL_TPL_BIRTHDAY')).toBe(0);
  });

  it('field types: amount needs a currency, phrase is ≤ 5 Chinese characters', async () => {
    ctx.cloud.subscriptions.accept('o-member', 'LOCAL_TPL_COUPON_ARRIVED', 3);
    ctx.cloud.subscriptions.accept('o-member', 'LOCAL_TPL_TIER_CHANGED', 3);
    const coupon = (amount: string) => ({
      touser: 'o-member',
      templateId: 'LOCAL_TPL_COUPON_ARRIVED',
      data: { thing1: { value: '满100减20' }, amount2: { value: amount }, date3: { value: '2026-03-31' }, thing4: { value: '全部门店可用' } },
    });
    expect(await asFunction('subscribeMessage.send', coupon('20'))).toMatchObject({ errCode: 47003 });
    expect(await asFunction('subscribeMessage.send', coupon('¥20.00'))).toMatchObject({ errCode: 0 });
    const tier = (phrase: string) => ({
      touser: 'o-member',
      templateId: 'LOCAL_TPL_TIER_CHANGED',
      data: { phrase1: { value: '银卡' }, phrase2: { value: phrase }, time3: { value: '2026年3月2日 15:01' } },
    });
    expect(await asFunction('subscribeMessage.send', tier('Gold'))).toMatchObject({ errCode: 47003 });
    expect(await asFunction('subscribeMessage.send', tier('尊贵黑金会员'))).toMatchObject({ errCode: 47003 });
    expect(await asFunction('subscribeMessage.send', tier('金卡'))).toMatchObject({ errCode: 0 });
  });

  it('wxacode.getUnlimited answers a real PNG QR code of the page and scene, sized as asked', async () => {
    const res = await cloud.openapi.wxacode.getUnlimited({ scene: 'inv=m1a2b3', page: 'pages/index/index', width: 430 });
    expect(res).toMatchObject({ errCode: 0, errMsg: 'openapi.wxacode.getUnlimited:ok', contentType: 'image/png' });
    expect(Buffer.isBuffer(res.buffer)).toBe(true);
    const png = PNG.sync.read(res.buffer);
    expect(png.width).toBe(430);
    const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(decoded?.data).toBe('wxacode:pages/index/index?scene=inv=m1a2b3');
    const small = await cloud.openapi.wxacode.getUnlimited({ scene: 'table=12', width: 100 });
    expect(PNG.sync.read(small.buffer).width).toBe(280);
  });

  it('wxacode.getUnlimited refuses a page the mini-program does not have (41030) unless check_path is false, and a bad scene (40169)', async () => {
    await expect(cloud.openapi.wxacode.getUnlimited({ scene: 'a=1', page: 'pages/nope/index' })).rejects.toMatchObject({ errCode: 41030 });
    await expect(cloud.openapi.wxacode.getUnlimited({ scene: 'a=1', page: 'pages/nope/index', check_path: false })).resolves.toMatchObject({ errCode: 0 });
    await expect(cloud.openapi.wxacode.getUnlimited({ scene: 'x'.repeat(33) })).rejects.toMatchObject({ errCode: 40169 });
    await expect(cloud.openapi.wxacode.getUnlimited({ scene: '中文' })).rejects.toMatchObject({ errCode: 40169 });
  });

  it('security.msgSecCheck: v2 answers suggest pass or risky from the local word list; v1 rejects risky text with 87014', async () => {
    const pass = await cloud.openapi.security.msgSecCheck({ content: '拿铁很好喝，店员很热情', version: 2, scene: 2, openid: 'o-1' });
    expect(pass).toMatchObject({ errCode: 0, result: { suggest: 'pass', label: 100 } });
    const risky = await cloud.openapi.security.msgSecCheck({ content: '加我微信代开发票', version: 2, scene: 2, openid: 'o-1' });
    expect(risky).toMatchObject({ errCode: 0, result: { suggest: 'risky' } });
    await expect(cloud.openapi.security.msgSecCheck({ content: '代开发票' })).rejects.toMatchObject({ errCode: 87014 });
    await expect(cloud.openapi.security.msgSecCheck({ content: '你好' })).resolves.toMatchObject({ errCode: 0 });
  });

  it('phone numbers: phonenumber.getPhoneNumber answers phoneInfo, wxa.business.getUserPhoneNumber phone_info; a bad code is 40029', async () => {
    const a = await cloud.openapi.phonenumber.getPhoneNumber({ code: 'code-1' });
    const b = await cloud.openapi.wxa.business.getUserPhoneNumber({ code: 'code-1' });
    expect(a).toMatchObject({ errCode: 0, phoneInfo: { purePhoneNumber: expect.stringMatching(/^1\d{10}$/), countryCode: '86' } });
    expect(b).toMatchObject({ errCode: 0, errMsg: 'openapi.wxa.business.getUserPhoneNumber:ok' });
    expect(b.phone_info.purePhoneNumber).toBe(a.phoneInfo.purePhoneNumber);
    await expect(cloud.openapi.phonenumber.getPhoneNumber({ code: 'invalid' })).rejects.toMatchObject({ errCode: 40029 });
  });

  it('POST /api/subscribe grants one send per accepted template, as wx.requestSubscribeMessage does on the phone', async () => {
    const server: http.Server = createServer({ cloud: ctx.cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('s') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const login = await fetch(`${base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'consumer', openid: 'o-member' }),
      });
      const cookie = login.headers.get('set-cookie')!.split(';')[0];
      const res = await fetch(`${base}/api/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ tmplIds: ['LOCAL_TPL_BIRTHDAY'] }),
      });
      expect(await res.json()).toEqual({ ok: true, data: { errMsg: 'requestSubscribeMessage:ok', LOCAL_TPL_BIRTHDAY: 'accept' } });
      expect(ctx.cloud.subscriptions.left('o-member', 'LOCAL_TPL_BIRTHDAY')).toBe(1);
      const bad = await fetch(`${base}/api/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ tmplIds: ['NOPE'] }),
      });
      expect(bad.status).toBe(400);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
