import { addressSchema } from '../../shared/schemas/mall';
import { mallContract } from '../../shared/contracts/mall';
import { addressLabel, addressProblem, imageRefusal, MALL_IMAGE_MAX_BYTES, sniffImageType } from '../../shared/rules/mall';

/** Issue 26 items 7 and 5: what a mall picture may be, and the address form's messages naming its fields. */
describe('mall pictures: the bytes decide the type, 2 MB the size', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

  it('knows JPEG, PNG and WebP by their magic numbers, and nothing else', () => {
    expect(sniffImageType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffImageType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('png');
    expect(sniffImageType(ascii('RIFF\x24\x00\x00\x00WEBPVP8 '))).toBe('webp');
    // a WAV is RIFF too; a GIF, an SVG, a PDF, an empty file, a truncated PNG are not pictures we keep
    for (const other of ['RIFF\x24\x00\x00\x00WAVEfmt ', 'GIF89a', '<svg xmlns="http://www.w3.org/2000/svg"/>', '%PDF-1.7', '', '\x89PNG'])
      expect({ other, t: sniffImageType(ascii(other)) }).toEqual({ other, t: null });
  });

  it('refuses the type first, then a size over 2 MB (2 MB itself is kept)', () => {
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    expect(MALL_IMAGE_MAX_BYTES).toBe(2 * 1024 * 1024);
    expect(imageRefusal({ head: png, sizeBytes: MALL_IMAGE_MAX_BYTES })).toBeNull();
    expect(imageRefusal({ head: png, sizeBytes: MALL_IMAGE_MAX_BYTES + 1 })).toBe('MALL_IMAGE_TOO_LARGE');
    expect(imageRefusal({ head: ascii('GIF89a'), sizeBytes: MALL_IMAGE_MAX_BYTES + 1 })).toBe('MALL_IMAGE_TYPE');
  });
});

describe('the shipping address names its fields as the form does', () => {
  const ok = { name: '林小姐', phone: '13912345678', region: '上海市 上海市 静安区', detail: '南京西路 1788 号' };

  it('every field carries its label (what the shared zod message mapping reads)', () => {
    expect(Object.fromEntries(Object.keys(addressSchema.shape).map((k) => [k, addressLabel(k as keyof typeof ok)]))).toEqual({
      name: '收货人',
      phone: '手机号',
      region: '所在地区',
      detail: '详细地址',
    });
    const shape = mallContract.ship.input.shape;
    expect(shape.carrier.description).toBe('快递公司');
    expect(shape.trackingNo.description).toBe('运单号');
  });

  it('says which field is wrong, in the words of the form', () => {
    expect(addressProblem(ok)).toBeNull();
    expect(addressProblem({ ...ok, name: ' ' })).toBe('收货人不能为空');
    expect(addressProblem({ ...ok, detail: '1' })).toBe('详细地址至少需要 2 个字');
    expect(addressProblem({ ...ok, region: '' })).toBe('所在地区至少需要 2 个字');
    expect(addressProblem({ ...ok, phone: '123' })).toBe('手机号格式不正确');
    expect(addressProblem({ ...ok, detail: '长'.repeat(121) })).toBe('详细地址不能超过 120 个字');
  });
});
