import crypto from 'node:crypto';
import { SECRET_NAMES } from '../../cloudfunctions/_lib/platform/secrets';

beforeAll(() => {
  for (const name of SECRET_NAMES) process.env[name] = crypto.randomBytes(32).toString('hex');
});

// Imported after the keys are set (secretKey reads them at call time anyway).
import { checkMemberCode, issueMemberCode, verifyMemberCode } from '../../cloudfunctions/_lib/members/member-code';
import { decryptPhone, encryptPhone, maskPhone, phoneHash, protectPhone } from '../../cloudfunctions/_lib/platform/pii';
import { shortMemberCode } from '../../shared/rules/member-code';

const t = new Date('2026-11-23T08:00:00.000Z'); // on a window boundary
const plus = (ms: number) => new Date(t.getTime() + ms);

describe('dynamic member code', () => {
  it('is valid in its window and the next, expired after, and changes every 60 s', () => {
    const a = issueMemberCode('800000000042', plus(5_000));
    expect(a.code).toMatch(/^m1\.800000000042\.\d+\.[A-Za-z0-9_-]{22}$/);
    expect(verifyMemberCode(a.code, plus(5_000))).toEqual({ memberId: '800000000042' });
    expect(verifyMemberCode(a.code, plus(119_999))).toEqual({ memberId: '800000000042' });
    expect(verifyMemberCode(a.code, plus(120_000))).toBeNull();
    expect(checkMemberCode(a.code, plus(120_000))).toEqual({ ok: false, reason: 'expired' });
    expect(issueMemberCode('800000000042', plus(59_999)).code).toBe(a.code);
    expect(issueMemberCode('800000000042', plus(60_000)).code).not.toBe(a.code);
    expect(a.refreshAt).toEqual(plus(60_000));
    expect(a.expiresAt).toEqual(plus(120_000));
  });

  it('refuses forged, garbled and future codes as invalid', () => {
    const a = issueMemberCode('800000000042', t);
    const forged = a.code.replace('800000000042', '800000000043');
    expect(checkMemberCode(forged, t)).toEqual({ ok: false, reason: 'invalid' });
    const flipped = a.code.slice(0, -1) + (a.code.endsWith('A') ? 'B' : 'A');
    expect(verifyMemberCode(flipped, t)).toBeNull();
    expect(verifyMemberCode('hello', t)).toBeNull();
    expect(verifyMemberCode('', t)).toBeNull();
    const future = issueMemberCode('800000000042', plus(120_000));
    expect(checkMemberCode(future.code, t)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('has a 26-digit numeric form for the barcode that verifies the same way', () => {
    const a = issueMemberCode('800000000042', plus(1_000));
    expect(a.numeric).toMatch(/^800000000042\d{14}$/);
    const numeric = a.numeric as string;
    expect(verifyMemberCode(numeric, plus(1_000))).toEqual({ memberId: '800000000042' });
    expect(verifyMemberCode(numeric.replace(/(\d{4})/g, '$1 '), plus(61_000))).toEqual({ memberId: '800000000042' });
    expect(checkMemberCode(numeric, plus(121_000))).toEqual({ ok: false, reason: 'expired' });
    const wrong = numeric.slice(0, -1) + String((Number(numeric.slice(-1)) + 1) % 10);
    expect(checkMemberCode(wrong, t)).toEqual({ ok: false, reason: 'invalid' });
    expect(issueMemberCode('not-a-card', t).numeric).toBeNull();
  });

  it('has a short form for people', () => {
    expect(shortMemberCode(issueMemberCode('800000000042', t).code)).toMatch(/^0042 \d{6}$/);
  });
});

describe('phone numbers under PIPL', () => {
  it('round-trips through AES-256-GCM with a random IV and a versioned format', () => {
    const a = encryptPhone('13812341234');
    const b = encryptPhone('13812341234');
    expect(a).toMatch(/^v1:/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('13812341234');
    expect(decryptPhone(a)).toBe('13812341234');
    const tampered = a.slice(0, -2) + (a.endsWith('AA') ? 'BB' : 'AA');
    expect(() => decryptPhone(tampered)).toThrow();
  });
  it('hashes the normalised number with a key, and masks it', () => {
    expect(phoneHash('+86 138 1234 1234')).toBe(phoneHash('13812341234'));
    expect(phoneHash('13812341234')).toMatch(/^[0-9a-f]{64}$/);
    expect(phoneHash('13812341235')).not.toBe(phoneHash('13812341234'));
    expect(maskPhone('+8613812341234')).toBe('138****1234');
    expect(protectPhone('13812341234')).toMatchObject({ masked: '138****1234', hash: phoneHash('13812341234') });
  });
});
