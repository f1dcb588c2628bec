import { describePointsLine, type PointsLineInput } from '../../shared/rules/points-label';

/** A row as the history answers it; each case below is one entry type the ledger writes (see the rule's head). */
const row = (over: Partial<PointsLineInput> & Pick<PointsLineInput, 'kind' | 'refType' | 'points' | 'reason'>): PointsLineInput => ({
  createdAt: '2026-12-01T02:00:00.000Z',
  maturesOn: null,
  held: false,
  ...over,
});

describe('describePointsLine: every ledger entry type reads as what happened', () => {
  const cases: [string, PointsLineInput, { title: string; amount: string; note: string | null }][] = [
    [
      'order earning',
      row({ kind: 'earn', refType: 'order', points: 120, reason: '消费 ¥120.00 @旗舰店' }),
      { title: '消费得积分', amount: '+120', note: null },
    ],
    [
      'order earning still pending',
      row({ kind: 'earn', refType: 'order', points: 30, reason: '消费 ¥30.00', maturesOn: '2026-12-02' }),
      { title: '消费得积分', amount: '+30', note: '待生效，2026年12月2日可用' },
    ],
    [
      'order earning held for review',
      row({ kind: 'earn', refType: 'order', points: 900, reason: '消费 ¥900.00', held: true }),
      { title: '消费得积分', amount: '+900', note: '审核中，审核通过后发放' },
    ],
    [
      'order under the step: in the ledger with 0 points',
      row({ kind: 'earn', refType: 'order', points: 0, reason: '消费 ¥34.00 @徐汇滨江店' }),
      { title: '消费未得积分', amount: '0', note: '本单未得积分' },
    ],
    ['registration bonus', row({ kind: 'earn', refType: 'register', points: 100, reason: '注册礼' }), { title: '开卡礼', amount: '+100', note: null }],
    ['daily check-in', row({ kind: 'earn', refType: 'checkin', points: 5, reason: '每日签到' }), { title: '签到奖励', amount: '+5', note: null }],
    ['make-up check-in', row({ kind: 'earn', refType: 'checkin', points: 5, reason: '补签 2026-11-30' }), { title: '补签奖励', amount: '+5', note: null }],
    ['make-up cost', row({ kind: 'spend', refType: 'checkin', points: -20, reason: '补签 2026-11-30' }), { title: '补签消耗', amount: '\u221220', note: null }],
    ['invitation', row({ kind: 'earn', refType: 'referral', points: 50, reason: '邀请好友注册奖励' }), { title: '邀请好友奖励', amount: '+50', note: null }],
    [
      'friend first order',
      row({ kind: 'earn', refType: 'referral', points: 100, reason: '好友首单奖励' }),
      { title: '好友首单奖励', amount: '+100', note: null },
    ],
    ['maturity', row({ kind: 'mature', refType: 'lot', points: 0, reason: '积分生效' }), { title: '积分生效', amount: '0', note: null }],
    [
      'mall redemption',
      row({ kind: 'spend', refType: 'mall', points: -500, reason: '积分兑换：保温杯' }),
      { title: '积分兑换', amount: '\u2212500', note: null },
    ],
    ['till redemption', row({ kind: 'spend', refType: 'redeem', points: -200, reason: '抵扣 ¥2' }), { title: '积分抵扣', amount: '\u2212200', note: null }],
    [
      'refund clawback',
      row({ kind: 'refund', refType: 'order', points: -800, reason: '退款 ¥800.00，扣回积分' }),
      { title: '退款扣回', amount: '\u2212800', note: null },
    ],
    [
      'refund clawback partly spent (debt)',
      row({
        kind: 'refund',
        refType: 'order',
        points: -800,
        reason: '退款 ¥800.00，扣回积分（300 积分已使用，计为待抵扣）',
        shortfall: { points: 300, policy: 'debt' },
      }),
      { title: '退款扣回', amount: '\u2212800', note: '其中 300 积分已使用，将从之后获得的积分中扣除' },
    ],
    [
      'refund clawback partly spent (forfeit)',
      row({ kind: 'refund', refType: 'order', points: -500, reason: '退款', shortfall: { points: 300, policy: 'forfeit' } }),
      { title: '退款扣回', amount: '\u2212500', note: '其中 300 积分已使用，不再追回' },
    ],
    [
      'mall cancellation',
      row({ kind: 'refund', refType: 'mall', points: 500, reason: '取消兑换：保温杯' }),
      { title: '取消兑换退回', amount: '+500', note: null },
    ],
    [
      // written by the nightly job just after midnight Shanghai (16:05 UTC the day before)
      'expiry, with its date in Shanghai',
      row({ kind: 'expire', refType: 'lot', points: -40, reason: '积分过期（2025-11-30 获得）', createdAt: '2026-11-30T16:05:00.000Z' }),
      { title: '积分过期', amount: '\u221240', note: '2026年12月1日到期' },
    ],
    [
      'merchant grant',
      row({ kind: 'adjust', refType: 'adjust', points: 300, reason: '商家调整：活动补偿' }),
      { title: '商家赠送', amount: '+300', note: null },
    ],
    [
      'merchant deduction',
      row({ kind: 'adjust', refType: 'adjust', points: -300, reason: '商家调整：误发' }),
      { title: '商家扣减', amount: '\u2212300', note: null },
    ],
    [
      'fraud forfeit',
      row({ kind: 'forfeit', refType: 'order', points: -900, reason: '风险订单积分作废：商家确认' }),
      { title: '风险订单积分作废', amount: '\u2212900', note: null },
    ],
    [
      'account deletion',
      row({ kind: 'forfeit', refType: 'member', points: -1200, reason: '注销会员' }),
      { title: '注销会员积分清零', amount: '\u22121200', note: null },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(describePointsLine(input)).toEqual(expected);
  });

  it('an order that earned nothing says the threshold from the rules', () => {
    const under = row({ kind: 'earn', refType: 'order', points: 0, reason: '消费 ¥34.00' });
    expect(describePointsLine(under, { stepFen: 10000 })).toEqual({ title: '消费未得积分', amount: '0', note: '消费满 ¥100 才得积分' });
    expect(describePointsLine(under, { stepFen: 2550 }).note).toBe('消费满 ¥25.50 才得积分');
    // an order that earned keeps its own note with rules given
    expect(describePointsLine({ ...under, points: 12 }, { stepFen: 10000 }).note).toBeNull();
  });

  it('an entry type it does not know still reads by its kind, never blank', () => {
    expect(describePointsLine(row({ kind: 'earn', refType: 'campaign', points: 10, reason: '活动' })).title).toBe('获得积分');
    expect(describePointsLine(row({ kind: 'refund', refType: 'pos', points: -10, reason: '退款' })).title).toBe('退款扣回');
    expect(describePointsLine(row({ kind: 'spend', refType: 'pos', points: -10, reason: 'x' })).title).toBe('使用积分');
  });
});
