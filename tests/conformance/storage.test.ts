import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEMP_URL_MAX_AGE_S } from '../../local-cloud/services';
import { createServer } from '../../local-cloud/server';
import { cloud, errText, failure, useCloud } from './sdk';

/**
 * Cloud storage (云开发文档 uploadFile / getTempFileURL / deleteFile / downloadFile), through
 * wx-server-sdk's own wrappers: files are named by `cloud://` file ids; getTempFileURL answers per
 * file `{ fileID, tempFileURL, maxAge, status: 0, errMsg: 'ok' }` (a missing file: status -503003
 * 'storage file not exists'), URLs last `maxAge` seconds, one day by default and at most, 50 files a
 * call; deleteFile answers per file too; downloadFile answers `{ fileContent: Buffer, statusCode: 200 }`.
 */
describe('conformance: cloud storage in a local folder', () => {
  const ctx = useCloud();
  let server: http.Server;

  beforeEach(async () => {
    server = createServer({ cloud: ctx.cloud, staticDir: '/nonexistent', sessionSecret: Buffer.from('s') });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ctx.cloud.publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => new Promise((r) => server.close(r)));

  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  it('uploadFile stores the bytes under a cloud:// file id; downloadFile reads them back', async () => {
    const up = await cloud.uploadFile({ cloudPath: 'avatars/m1.png', fileContent: png });
    expect(up).toMatchObject({ fileID: 'cloud://local.6c6f-local-1250000000/avatars/m1.png', statusCode: 200, errMsg: 'uploadFile:ok' });
    const down = await cloud.downloadFile({ fileID: up.fileID });
    expect(down).toMatchObject({ statusCode: 200, errMsg: 'downloadFile:ok' });
    expect(Buffer.compare(down.fileContent, png)).toBe(0);
    // An upload to the same path replaces the file, as on the cloud.
    await cloud.uploadFile({ cloudPath: 'avatars/m1.png', fileContent: Buffer.from('v2') });
    expect((await cloud.downloadFile({ fileID: up.fileID })).fileContent.toString()).toBe('v2');
  });

  it('getTempFileURL answers per file; the URL serves the bytes until it expires, and a tampered one is refused', async () => {
    const { fileID } = await cloud.uploadFile({ cloudPath: 'voice/p 1.png', fileContent: png });
    const missing = 'cloud://local.6c6f-local-1250000000/voice/none.png';
    const res = await cloud.getTempFileURL({ fileList: [fileID, { fileID, maxAge: 60 }, missing] });
    expect(res.errMsg).toBe('getTempFileURL:ok');
    const [a, b, c] = res.fileList as { fileID: string; tempFileURL: string; maxAge: number; status: number; errMsg: string }[];
    expect(a).toMatchObject({ fileID, status: 0, errMsg: 'ok', maxAge: TEMP_URL_MAX_AGE_S });
    expect(b).toMatchObject({ fileID, status: 0, maxAge: 60 });
    expect(c).toMatchObject({ fileID: missing, status: -503003, errMsg: 'storage file not exists', tempFileURL: '' });
    const got = await fetch(a.tempFileURL);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.compare(Buffer.from(await got.arrayBuffer()), png)).toBe(0);
    const tampered = a.tempFileURL.replace(/t=(\d+)/, (_m, t) => `t=${Number(t) + 3600}`);
    expect((await fetch(tampered)).status).toBe(403);
    const other = a.tempFileURL.replace('p%201.png', 'none.png');
    expect((await fetch(other)).status).toBe(403);
    // Ask for more than a day: the URL still lasts one day at most.
    const long = await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: 7 * 86400 }] });
    expect(long.fileList[0].maxAge).toBe(TEMP_URL_MAX_AGE_S);
  });

  it('an expired URL is refused', async () => {
    const { fileID } = await cloud.uploadFile({ cloudPath: 'items/cup.png', fileContent: png });
    const realNow = Date.now;
    const [{ tempFileURL }] = (await cloud.getTempFileURL({ fileList: [{ fileID, maxAge: 1 }] })).fileList;
    try {
      Date.now = () => realNow() + 5000;
      expect((await fetch(tempFileURL)).status).toBe(403);
    } finally {
      Date.now = realNow;
    }
    expect((await fetch(tempFileURL)).status).toBe(200);
  });

  it('deleteFile answers per file; a deleted file is gone for download and for its URL', async () => {
    const { fileID } = await cloud.uploadFile({ cloudPath: 'avatars/gone.png', fileContent: png });
    const [{ tempFileURL }] = (await cloud.getTempFileURL({ fileList: [fileID] })).fileList;
    const del = await cloud.deleteFile({ fileList: [fileID, 'cloud://local.6c6f-local-1250000000/avatars/never.png'] });
    expect(del.fileList).toEqual([
      { fileID, status: 0, errMsg: 'ok' },
      { fileID: 'cloud://local.6c6f-local-1250000000/avatars/never.png', status: -503003, errMsg: 'storage file not exists' },
    ]);
    const e = await failure(() => cloud.downloadFile({ fileID }));
    expect(e.errCode).toBe(-503003);
    expect((await fetch(tempFileURL)).status).toBe(404);
  });

  it('refuses more than 50 files a call, and a cloudPath that leaves the storage folder', async () => {
    const many = Array.from({ length: 51 }, (_, i) => `cloud://local.6c6f-local-1250000000/f${i}.png`);
    expect(errText(await failure(() => cloud.getTempFileURL({ fileList: many })))).toMatch(/50/);
    expect(errText(await failure(() => cloud.uploadFile({ cloudPath: '../escape.png', fileContent: png })))).toMatch(/cloudPath/);
    expect(errText(await failure(() => cloud.uploadFile({ cloudPath: '/abs.png', fileContent: png })))).toMatch(/cloudPath/);
  });
});
