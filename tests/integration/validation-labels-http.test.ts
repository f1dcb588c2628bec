/**
 * Issue 26 item 5: a refusal names the field as the page calls it, over the local HTTP contract —
 * one form action per function, the whole message and each issue's own message.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import type { Any } from '../support/points-kit';
import { cashTemplateInput } from '../support/coupon-kit';

jest.setTimeout(60_000);

describe('validation messages over HTTP name the page’s fields', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    cloud = openTestCloud();
    cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
    cloud.store.insert('roles', { _id: 'o-clerk', openid: 'o-clerk', role: 'staff', name: '店员', storeId: 'store-a' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  async function login(openid: string): Promise<string> {
    const cached = cookies.get(openid);
    if (cached) return cached;
    const role = openid === 'o-boss' ? 'merchant' : openid === 'o-clerk' ? 'staff' : 'consumer';
    const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
    const cookie = res.headers.get('set-cookie')!.split(';')[0];
    cookies.set(openid, cookie);
    return cookie;
  }
  async function refusal(openid: string, fn: string, action: string, input: Record<string, unknown>): Promise<{ message: string; issues: string[] }> {
    const res = await fetch(`${base}/api/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: await login(openid) },
      body: JSON.stringify({ ...input, action }),
    });
    const body = (await res.json()) as Any;
    expect({ fn, action, code: body.code }).toEqual({ fn, action, code: 'VALIDATION_FAILED' });
    const issues = ((body.details?.issues ?? []) as { message: string }[]).map((i) => i.message);
    // never 请求 for a field, in the sentence or in any issue
    for (const text of [body.message as string, ...issues]) expect(text).not.toMatch(/(^|；)请求/);
    return { message: body.message as string, issues };
  }

  it('member: the profile names 性别', async () => {
    expect(await refusal('o-ann', 'member', 'updateProfile', { gender: 'x' })).toEqual({ message: '性别不是可选的值', issues: ['性别不是可选的值'] });
  });

  it('points: the till names 商品编码 and 支付时间', async () => {
    const r = await refusal('o-clerk', 'points', 'recordOrder', {
      storeId: 'store-a',
      receiptNo: 'R1',
      items: [{ sku: '', category: '饮品', priceFen: 100, quantity: 1 }],
      amountFen: 100,
      paidAt: 'now',
      member: { memberId: 'm1' },
    });
    expect(r.message).toBe('商品编码不能为空；支付时间时间格式不正确');
  });

  it('coupon: the merchant’s form names 库存', async () => {
    expect((await refusal('o-boss', 'coupon', 'createTemplate', { ...cashTemplateInput(), stock: -1 })).message).toBe('库存不能为负数');
  });

  it('mall: the address names 收货人 and 所在地区; shipping names 快递公司', async () => {
    const address = { name: '', phone: '13800138000', region: 'x', detail: '世纪大道 100 号' };
    expect((await refusal('o-ann', 'mall', 'redeem', { itemId: 'i1', requestId: 'req-00000001', address })).message).toBe(
      '收货人不能为空；所在地区至少需要 2 个字',
    );
    expect((await refusal('o-boss', 'mall', 'ship', { orderId: 'o1', carrier: '', trackingNo: 'SF1234' })).message).toBe('快递公司不能为空');
  });

  it('checkin: the reminder switch names 签到提醒', async () => {
    expect((await refusal('o-ann', 'checkin', 'setReminder', { enabled: 'yes' })).message).toBe('签到提醒应为是或否');
  });

  it('crm: tagging names 会员', async () => {
    expect((await refusal('o-boss', 'crm', 'tagMembers', { memberIds: [], add: ['vip'] })).message).toMatch(/^会员至少需要 1 项/);
  });

  it('marketing: the template form names 模板字段', async () => {
    const r = await refusal('o-boss', 'marketing', 'registerTemplate', { templateId: 'tmpl-00000001', title: '生日提醒', purpose: 'birthday', fields: [] });
    expect(r.message).toBe('模板字段至少需要 1 项');
  });

  it('scheduler: running a job names 任务', async () => {
    expect((await refusal('o-boss', 'scheduler', 'runJob', { job: '' })).message).toBe('任务不能为空');
  });
});
