import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildNewMember } from '../../cloudfunctions/member/new-member';
import { createServer } from '../../local-cloud/server';
import { MALL_IMAGE_MAX_BYTES } from '../../shared/rules/mall';
import { closeTestCloud, openTestCloud, type TestCloud } from '../support/local-cloud';
import { pointsKit, seedStoreAndStaff, type Any } from '../support/points-kit';

jest.setTimeout(60_000);

/**
 * Issue 26 item 7: item pictures are uploaded to cloud storage by the merchant's page, and the mall
 * function checks each new one (in storage, JPEG / PNG / WebP by its bytes, ≤ 2 MB) before the item
 * keeps its file id; lists show them through temporary URLs. And the shipping address of the last
 * order fills the next one.
 */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a464946000101', 'hex');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 ')]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
const padded = (head: Buffer, size: number) => Buffer.concat([head, Buffer.alloc(size - head.length)]);

describe('mall item pictures and the remembered address', () => {
  let cloud: TestCloud;
  let server: http.Server;
  const memberId = '700000000077';
  beforeEach(async () => {
    cloud = openTestCloud();
    seedStoreAndStaff(cloud);
    const lots = [{ id: `seed:${memberId}:a`, remaining: 5000, earnedOn: '2026-01-01', expiresOn: '2099-06-01' }];
    const member = {
      ...buildNewMember('o-mia', memberId, new Date()),
      points: { available: 5000, pending: 0, lots, pendingLots: [], debt: 0, nextEventOn: '2099-06-01', earnedDays: [], seq: 1, reconcileDue: true },
    };
    cloud.store.insert('members', member as unknown as { _id: string });
    cloud.store.insert('ledger', {
      _id: lots[0].id,
      memberId,
      kind: 'adjust',
      delta: 5000,
      pendingDelta: 0,
      reason: '测试',
      ref: { type: 'adjust', id: lots[0].id },
      balanceAfter: 5000,
      pendingAfter: 0,
      createdAt: new Date(),
    });
    server = createServer({ cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('s') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cloud.publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    closeTestCloud(cloud);
  });

  const { ok } = pointsKit(() => cloud);
  const call = async (data: Record<string, unknown>, openid = 'o-boss') => (await cloud.invoke('mall', data, { openid })) as Any;
  const mug = { action: 'createItem', kind: 'physical', title: '拾光马克杯', pointsPrice: 100, stock: 5, perMemberLimit: 5, category: '周边' };
  const upload = (name: string, bytes: Buffer) => cloud.storage.upload(`mall/${name}`, bytes);

  it('keeps JPEG, PNG and WebP pictures up to 2 MB and shows them through temporary URLs', async () => {
    const images = [upload('a.png', PNG), upload('b.jpg', JPEG), upload('c.webp', WEBP), upload('max.png', padded(PNG, MALL_IMAGE_MAX_BYTES))];
    const { itemId } = await ok('mall', { ...mug, images: [...images, 'https://img.example.com/mug.png'] }, 'o-boss');
    const admin = await ok('mall', { action: 'adminItems' }, 'o-boss');
    expect(admin.items[0].images).toEqual([...images, 'https://img.example.com/mug.png']);
    expect(Object.keys(admin.imageUrls).sort()).toEqual([...images].sort());
    const got = await fetch(admin.imageUrls[images[0]]);
    expect(got.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await got.arrayBuffer()), PNG)).toBe(0);

    // The shelf shows one thumbnail an item; the item page every picture.
    const shelf = await ok('mall', { action: 'listItems' }, 'o-mia');
    expect(Object.keys(shelf.imageUrls)).toEqual([images[0]]);
    expect((await fetch(shelf.imageUrls[images[0]])).status).toBe(200);
    const page = await ok('mall', { action: 'getItem', itemId }, 'o-mia');
    expect(Object.keys(page.imageUrls).sort()).toEqual([...images].sort());

    // A picture deleted from storage later has no URL (the page draws a placeholder); the rest still show.
    cloud.storage.remove([images[1]]);
    const after = (await ok('mall', { action: 'getItem', itemId }, 'o-mia')).imageUrls;
    expect(after[images[1]]).toBeUndefined();
    expect(after[images[0]]).toMatch(/^http/);
  });

  it('refuses a picture of another type, over 2 MB or not in storage with a stable code, and writes no item', async () => {
    const cases: [string, string][] = [
      [upload('cat.gif', GIF), 'MALL_IMAGE_TYPE'],
      // the name says png, the bytes do not: the bytes decide
      [upload('fake.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'MALL_IMAGE_TYPE'],
      [upload('big.png', padded(PNG, MALL_IMAGE_MAX_BYTES + 1)), 'MALL_IMAGE_TOO_LARGE'],
      [upload('ok.png', PNG).replace('ok.png', 'never-uploaded.png'), 'MALL_IMAGE_NOT_FOUND'],
      ['cloud://other-env.abc/mall/mug.png', 'MALL_IMAGE_NOT_FOUND'],
    ];
    for (const [fileId, code] of cases) {
      const r = await call({ ...mug, images: [upload('fine.png', PNG), fileId] });
      expect({ fileId, r }).toMatchObject({ fileId, r: { ok: false, code, message: expect.stringMatching(/[\u4e00-\u9fa5]/) } });
    }
    expect(cloud.store.scan('mall_items')).toHaveLength(0);
  });

  it('an edit checks only the pictures new to the item, and a refused edit changes nothing', async () => {
    const first = upload('first.png', PNG);
    const { itemId, version } = await ok('mall', { ...mug, images: [first] }, 'o-boss');
    const { action: _create, stock: _stock, ...fields } = mug;
    void _create;
    void _stock;
    const bad = upload('bad.gif', GIF);
    expect(await call({ ...fields, action: 'updateItem', itemId, expectedVersion: version, images: [first, bad] })).toMatchObject({
      ok: false,
      code: 'MALL_IMAGE_TYPE',
    });
    expect(cloud.store.get('mall_items', itemId)?.doc).toMatchObject({ images: [first], version: 1 });
    const second = upload('second.webp', WEBP);
    expect(await ok('mall', { ...fields, action: 'updateItem', itemId, expectedVersion: version, images: [second, first] }, 'o-boss')).toMatchObject({
      version: 2,
    });
    expect(cloud.store.get('mall_items', itemId)?.doc).toMatchObject({ images: [second, first], version: 2 });
  });

  it('the page uploads through the local stand-in of wx.cloud.uploadFile (signed in only), and the item keeps that file id', async () => {
    const base = cloud.publicUrl;
    const anonymous = await fetch(`${base}/api/storage?cloudPath=mall/x.png`, { method: 'POST', body: PNG });
    expect(anonymous.status).toBe(401);
    const login = await fetch(`${base}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'merchant', openid: 'o-boss' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const up = await fetch(`${base}/api/storage?cloudPath=${encodeURIComponent('mall/2026/杯子.png')}`, { method: 'POST', headers: { cookie }, body: PNG });
    const answer = (await up.json()) as Any;
    expect(answer).toMatchObject({ ok: true, data: { fileID: expect.stringMatching(/^cloud:\/\/.+\/mall\/2026\/杯子\.png$/) } });
    expect(await ok('mall', { ...mug, images: [answer.data.fileID] }, 'o-boss')).toMatchObject({ version: 1 });
    const escape = await fetch(`${base}/api/storage?cloudPath=../x.png`, { method: 'POST', headers: { cookie }, body: PNG });
    expect(escape.status).toBe(400);
  });

  it('remembers the last shipping address: from the last order that had one', async () => {
    expect(await ok('mall', { action: 'lastAddress' }, 'o-mia')).toEqual({ address: null });
    const { itemId } = await ok('mall', mug, 'o-boss');
    const first = { name: '林小姐', phone: '13912345678', region: '上海市 上海市 静安区', detail: '南京西路 1788 号' };
    const second = { ...first, region: '浙江省 杭州市 西湖区', detail: '文三路 90 号' };
    await ok('mall', { action: 'redeem', itemId, requestId: 'addr-redeem-1', address: first }, 'o-mia');
    expect(await ok('mall', { action: 'lastAddress' }, 'o-mia')).toEqual({ address: first });
    await ok('mall', { action: 'redeem', itemId, requestId: 'addr-redeem-2', address: second }, 'o-mia');
    expect(await ok('mall', { action: 'lastAddress' }, 'o-mia')).toEqual({ address: second });
    // A later order with no address (a virtual item) does not forget it.
    const { itemId: codeItem } = await ok('mall', { ...mug, kind: 'virtual', title: '视频月卡', stock: 1, codes: ['CODE-0001'] }, 'o-boss');
    await ok('mall', { action: 'redeem', itemId: codeItem, requestId: 'addr-redeem-3' }, 'o-mia');
    expect(await ok('mall', { action: 'lastAddress' }, 'o-mia')).toEqual({ address: second });
    // It is kept encrypted on the order, and erased with the order's address.
    const orders = cloud.store.scan('mall_orders').map((r) => r.doc);
    expect(JSON.stringify(orders)).not.toContain('文三路');
    for (const o of orders) cloud.store.replace('mall_orders', { ...o, address: null });
    expect(await ok('mall', { action: 'lastAddress' }, 'o-mia')).toEqual({ address: null });
    // Another member sees only their own.
    expect(await call({ action: 'lastAddress' }, 'o-boss')).toMatchObject({ ok: false, code: 'NOT_A_MEMBER' });
  });
});
