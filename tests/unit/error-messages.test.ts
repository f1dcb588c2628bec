import fs from 'node:fs';
import path from 'node:path';
import { ERROR_MESSAGES, type ErrorCode } from '../../shared/errors';
import { ERROR_NEXT_STEPS, personMessage } from '../../shared/rules/error-text';

const CHINESE = /[\u4e00-\u9fff]/;
// English a person should not meet; POS and nonce are the POS integrator's own words, JPG/PNG/WebP the picture formats a merchant picks by name.
const ENGLISH = /\b(?!POS\b|nonce\b|JPG\b|PNG\b|WebP\b)[A-Za-z]{3,}\b/;

/** Every code the functions' source throws or answers (`new AppError('X'`, `fail('X'`). */
function codesInSource(dir: string, found = new Set<string>()): Set<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') codesInSource(full, found);
    } else if (/\.tsx?$/.test(entry.name)) {
      for (const m of fs.readFileSync(full, 'utf8').matchAll(/(?:new AppError|\bfail)\(\s*'([A-Z_]+)'/g)) found.add(m[1]);
    }
  }
  return found;
}

describe('every error code reads as Chinese: what happened, and what to do next', () => {
  const codes = Object.keys(ERROR_MESSAGES) as ErrorCode[];

  it('each code in the registry has a Chinese message and a Chinese next step', () => {
    const lacking = codes.filter((c) => !CHINESE.test(ERROR_MESSAGES[c]) || !CHINESE.test(ERROR_NEXT_STEPS[c] ?? ''));
    expect(lacking).toEqual([]);
    expect(Object.keys(ERROR_NEXT_STEPS).sort()).toEqual([...codes].sort());
    const english = codes.filter((c) => ENGLISH.test(ERROR_MESSAGES[c]) || ENGLISH.test(ERROR_NEXT_STEPS[c]));
    expect(english).toEqual([]);
  });

  it('every code the functions and the local cloud answer is in the registry', () => {
    const root = path.join(__dirname, '../..');
    const used = new Set([...codesInSource(path.join(root, 'cloudfunctions')), ...codesInSource(path.join(root, 'shared'))]);
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((c) => !(c in ERROR_MESSAGES))).toEqual([]);
  });

  it('a failure shows what happened, then what to do — once', () => {
    expect(personMessage('COUPON_ALREADY_USED', '已于 2026-07-01 10:00 在 二号店 核销')).toBe('已于 2026-07-01 10:00 在 二号店 核销，请换一张券，或按原价结账');
    expect(personMessage('VALIDATION_FAILED', '收货人不能为空')).toBe('收货人不能为空，请修改后重新提交');
    // a message that already says what to do is left alone
    expect(personMessage('RULES_VERSION_CONFLICT', ERROR_MESSAGES.RULES_VERSION_CONFLICT)).toBe('积分规则已被他人修改，请刷新后重试');
    expect(personMessage('UNAVAILABLE', '网络异常，请稍后重试')).toBe('网络异常，请稍后重试');
    // an empty message falls back to the registry's; an unknown code keeps its message
    expect(personMessage('NOT_A_MEMBER', '')).toBe('您还不是会员，请先开卡');
    expect(personMessage('SOMETHING_NEW', '出了点问题')).toBe('出了点问题');
  });
});
