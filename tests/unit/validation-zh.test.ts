import { type z } from 'zod';
import { describeIssues, ENGLISH_VALIDATOR_TEXT, installChineseErrors } from '../../shared/validation';
import { memberRequests } from '../../shared/schemas/member';
import { pointsRequests } from '../../shared/schemas/points';
import { tierRequests } from '../../shared/schemas/tiers';

installChineseErrors();

const refusal = (schema: z.ZodTypeAny, input: unknown): string => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('accepted');
  return describeIssues(r.error, schema);
};

describe('validation reads as sentences about the field a person sees', () => {
  it('the examples from the issue', () => {
    expect(refusal(memberRequests.setBirthday, { month: 5, day: 1, year: 2101 })).toBe('出生年份不能晚于 2100 年');
    expect(refusal(memberRequests.setBirthday, { month: 2, day: 31 })).toBe('日期不存在');
    expect(refusal(memberRequests.updateProfile, { nickname: '  ' })).toBe('昵称不能为空');
    const huge = refusal(pointsRequests.recordOrder, {
      storeId: 's',
      receiptNo: 'R1',
      items: [{ sku: 'A', category: 'c', priceFen: 100, quantity: 1 }],
      amountFen: 10 ** 12,
      paidAt: new Date().toISOString(),
      member: { memberId: 'm' },
    });
    expect(huge).toBe('金额不能超过 ¥100000000.00');
    const tiers = refusal(tierRequests.updateTierConfig, { expectedVersion: 1, settings: { basis: 'rolling12m', growthPerYuan: 1, graceDays: 30, tiers: [] } });
    expect(tiers).toMatch(/^(等级至少需要 1 项|至少需要一个等级)/);
  });

  it('no English reaches a person, whatever zod finds wrong', () => {
    const inputs: unknown[] = [null, 1, 'x', [], {}, { month: 'May' }, { month: 13, day: 0 }, { agree: false }, { a: 1 }];
    for (const schema of [...Object.values(memberRequests), ...Object.values(pointsRequests), ...Object.values(tierRequests)] as z.ZodTypeAny[]) {
      for (const input of inputs) {
        const r = schema.safeParse(input);
        if (r.success) continue;
        const text = describeIssues(r.error, schema);
        expect(text).not.toMatch(ENGLISH_VALIDATOR_TEXT);
        expect(text).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });
});
