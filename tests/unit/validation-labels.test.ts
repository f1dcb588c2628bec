import { z } from 'zod';
import { describeIssues, ENGLISH_VALIDATOR_TEXT, fieldLabel, GENERIC_FIELD_LABEL, installChineseErrors, labelFields } from '../../shared/validation';
import { memberRequests } from '../../shared/schemas/member';
import { pointsRequests } from '../../shared/schemas/points';
import { tierRequests } from '../../shared/schemas/tiers';
import { DEFAULT_EARNING_RULES } from '../../shared/schemas/points';
import { couponContract } from '../../shared/contracts/coupon';
import { mallContract } from '../../shared/contracts/mall';
import { checkinContract } from '../../shared/contracts/checkin';
import { crmContract } from '../../shared/contracts/crm';
import { marketingContract } from '../../shared/contracts/marketing';
import { memberContract } from '../../shared/contracts/member';
import { pointsContract } from '../../shared/contracts/points';
import { schedulerContract } from '../../shared/contracts/scheduler';
import type { Contract } from '../../shared/contract';

installChineseErrors();

const refusal = (schema: z.ZodTypeAny, input: unknown): string => {
  const r = schema.safeParse(input);
  if (r.success) throw new Error('accepted');
  return describeIssues(r.error, schema, 10);
};

const address = { name: '张三', phone: '13800138000', region: '上海市 浦东新区', detail: '世纪大道 100 号' };

describe('a refused field is named as its page calls it', () => {
  it('the mall: the address and shipping checks of the issue name 收货人, 所在地区, 快递公司 — never 请求', () => {
    const redeem = mallContract.redeem.input;
    const text = refusal(redeem, { itemId: 'i1', requestId: 'req-00000001', address: { ...address, name: '', region: 'x' } });
    expect(text).toBe('收货人不能为空；所在地区至少需要 2 个字');
    const ship = refusal(mallContract.ship.input, { orderId: 'o1', carrier: '', trackingNo: 'SF1234' });
    expect(ship).toBe('快递公司不能为空');
    expect(refusal(mallContract.createItem.input, { kind: 'physical', title: '', pointsPrice: 0, category: '周边', stock: 1 })).toBe(
      '名称不能为空；积分不能小于 1',
    );
  });

  it('the member profile, birthday and join', () => {
    expect(refusal(memberRequests.setBirthday, { month: 13, day: 1 })).toMatch(/^生日月份不能超过 12/);
    expect(refusal(memberRequests.updateProfile, { gender: 'x' })).toBe('性别不是可选的值');
    expect(refusal(memberRequests.join, { agree: true, invite: '' })).toBe('邀请链接不能为空');
    // one key, two meanings: the per-schema table wins over the function's
    expect(refusal(memberRequests.bindPhone, { code: '' })).toBe('微信手机号授权不能为空');
    expect(refusal(memberRequests.identifyByCode, { code: '' })).toBe('会员码不能为空');
  });

  it('the staff till, and a refund amount that is not the order amount', () => {
    const order = {
      storeId: 's1',
      receiptNo: 'R1',
      items: [{ sku: '', category: '饮品', name: 'x'.repeat(65), priceFen: -1, quantity: 1 }],
      amountFen: 100,
      paidAt: 'yesterday',
      member: { memberId: 'm1' },
    };
    expect(refusal(pointsRequests.recordOrder, order)).toBe('商品编码不能为空；商品名称不能超过 64 个字；商品单价不能为负数；支付时间时间格式不正确');
    expect(refusal(pointsRequests.refundOrder, { orderId: 'o1', refundId: 'refund-0001', amountFen: 0 })).toBe('退款金额必须大于 0');
  });

  it('the merchant’s points rules, tiers and coupons', () => {
    const rules = { ...DEFAULT_EARNING_RULES, dailyCapPerMember: 0, fraud: { ...DEFAULT_EARNING_RULES.fraud, splitBandPercent: 10 } };
    expect(refusal(pointsRequests.updateRules, { expectedVersion: 1, rules })).toBe('每日积分上限必须大于 0；拆单区间不能小于 50');
    const tier = {
      id: 'gold',
      name: '',
      threshold: 0,
      color: '#ffffff',
      benefits: { pointsMultiplier: 11, birthdayCouponTemplateId: null, memberDay: null, freeItems: [] },
    };
    expect(
      refusal(tierRequests.updateTierConfig, { expectedVersion: 1, settings: { basis: 'rolling12m', growthPerYuan: 1, graceDays: 30, tiers: [tier] } }),
    ).toMatch(/^等级名称不能为空；积分倍率不能超过 10/);
    const coupon = {
      title: '满100减10',
      kind: 'cash',
      valueFen: 1000,
      thresholdFen: 10000,
      validity: { type: 'relative', days: 0 },
      stock: -1,
      channels: ['claim_center'],
    };
    expect(refusal(couponContract.createTemplate.input, coupon)).toBe('有效天数不能小于 1；库存不能为负数');
  });

  it('a field’s own .describe() wins over the table; an unlabelled field is 该字段; the whole input is 提交的内容', () => {
    const schema = labelFields(z.object({ a: z.string().min(1).describe('收货人'), b: z.string().min(1), c: z.array(z.object({ d: z.number() })) }).strict(), {
      a: '表里的名字',
      c: '明细',
      'c.d': '数量',
    });
    expect(refusal(schema, { a: '', b: '', c: [{ d: 'x' }] })).toBe(`收货人不能为空；${GENERIC_FIELD_LABEL}不能为空；数量应为数字`);
    expect(refusal(schema, { a: 'x', b: 'y', c: ['x'] })).toBe('明细应为一组信息');
    expect(refusal(schema, [])).toBe('提交的内容应为一组信息');
    // description survives optional / default / refine wrappers and unions
    const wrapped = z.object({ x: z.union([z.object({ y: z.string().describe('门牌号') }), z.object({ z: z.number() })]).optional() });
    expect(fieldLabel(wrapped, ['x', 'y'])).toBe('门牌号');
    expect(fieldLabel(z.object({ p: z.string().describe('电话').optional().default('') }), ['p'])).toBe('电话');
    // a record's keys are data, not fields: the record names them
    expect(fieldLabel(pointsRequests.updateRules, ['rules', 'skuMultipliers', 'COF-LAT'])).toBe('商品倍数');
  });

  it('no action of any function answers 请求 for a field, nor English, whatever is wrong', () => {
    const contracts: Contract[] = [
      memberContract,
      pointsContract,
      couponContract,
      mallContract,
      checkinContract,
      crmContract,
      marketingContract,
      schedulerContract,
    ];
    const inputs: unknown[] = [
      {},
      { a: 1 },
      { limit: 0 },
      { expectedVersion: -1, settings: {}, rules: {} },
      { items: [{}], member: {} },
      { address: {} },
      { code: '' },
    ];
    for (const contract of contracts) {
      for (const [action, spec] of Object.entries(contract)) {
        for (const input of inputs) {
          const r = spec.input.safeParse(input);
          if (r.success) continue;
          const text = describeIssues(r.error, spec.input, 12);
          expect({ action, text, english: ENGLISH_VALIDATOR_TEXT.test(text) }).toEqual({ action, text, english: false });
          expect({ action, text }).not.toEqual({ action, text: expect.stringMatching(/(^|；)请求(?!编号)/) });
        }
      }
    }
  });
});
