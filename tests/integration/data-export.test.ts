/**
 * Issue 26 item 5: the member's export over the local HTTP contract carries every kind the readable
 * file shows (check-ins, mall orders, the names of stores and tiers), instants as ISO strings; the
 * readable file made from it is in Beijing time with Chinese labels.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../local-cloud/server';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { formatMyData, type MyDataExport } from '../../shared/rules/data-export';
import type { Result } from '../../shared/envelope';

jest.setTimeout(60_000);

describe('导出我的数据 over HTTP', () => {
  let cloud: TestCloud;
  let server: http.Server;
  let base: string;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    cloud = openTestCloud();
    cloud.store.insert('stores', { _id: 'store-a', name: 'A店' });
    cloud.store.insert('roles', { _id: 'o-boss', openid: 'o-boss', role: 'merchant', name: '老板' });
    server = createServer({ cloud, mode: 'development', staticDir: '/nonexistent', sessionSecret: Buffer.from('test-secret') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  async function api<T>(openid: string, fn: string, action: string, input: Record<string, unknown> = {}): Promise<T> {
    let cookie = cookies.get(openid);
    if (!cookie) {
      const role = openid === 'o-boss' ? 'merchant' : 'consumer';
      const res = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, openid }) });
      cookie = res.headers.get('set-cookie')!.split(';')[0];
      cookies.set(openid, cookie);
    }
    const res = await fetch(`${base}/api/fn/${fn}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ ...input, action }),
    });
    const body = (await res.json()) as Result<T>;
    if (!body.ok) throw new Error(`${fn}.${action}: ${body.code} ${body.message}`);
    return body.data;
  }

  it('answers every kind as JSON (ISO instants) and reads as a Beijing-time file', async () => {
    const card = await api<{ memberId: string }>('o-exp', 'member', 'join', { agree: true });
    await api('o-exp', 'checkin', 'checkIn');
    await api('o-boss', 'points', 'adjustPoints', { memberId: card.memberId, delta: 500, requestId: 'adj-export-01', reason: '活动补偿' });

    const data = await api<MyDataExport>('o-exp', 'member', 'exportMyData');
    expect(data.format).toBe('huiyuan-member-export/1');
    expect(data.checkins).toHaveLength(1);
    expect(data.mallOrders).toEqual([]);
    expect(typeof data.member.registeredAt).toBe('string');
    expect(data.ledger.every((e) => typeof e.createdAt === 'string')).toBe(true);
    expect(data.names.tiers[data.member.tierId]).toMatch(/[\u4e00-\u9fff]/);

    const text = formatMyData(data, 'txt');
    for (const title of ['【会员信息】', '【积分明细】', '【优惠券】', '【订单】', '【商城兑换】', '【签到】']) expect(text).toContain(title);
    expect(text).toContain(' | 商家调整 | +500 | 商家调整：活动补偿 | ');
    expect(text).toMatch(/【签到】（1 条）\r\n日期 \| 积分 \| 连续天数 \| 方式\r\n\d{4}-\d{2}-\d{2} \| \+2 \| 1 \| 签到/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });
});
