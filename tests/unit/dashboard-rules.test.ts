import { DEFAULT_DASHBOARD_SETTINGS, decideDashboard, netOf, pointsFlowOf, rateOf, type DashboardInput } from '../../shared/rules/dashboard';
import { RFM_SEGMENTS } from '../../shared/rules/rfm';
import { statsDailyDocSchema, type StatsDailyDoc } from '../../shared/schemas/stats';

/** A snapshot with the given figures (the rest zero), parsed by the schema as the job writes it. */
function snap(day: string, figures: Partial<StatsDailyDoc> = {}): StatsDailyDoc {
  return statsDailyDocSchema.parse({
    _id: day.replace(/-/g, ''),
    day,
    members: 0,
    newMembers: 0,
    orders: 0,
    checkins: 0,
    messagesSent: 0,
    at: new Date('2026-12-01T16:30:00Z'),
    ...figures,
  });
}

const input = (snapshots: StatsDailyDoc[], extra: Partial<DashboardInput> = {}): DashboardInput => ({
  from: '2026-10-30',
  to: '2026-11-02',
  snapshots,
  latest: null,
  outstandingNow: 0,
  settings: DEFAULT_DASHBOARD_SETTINGS,
  tierNames: { normal: '普通会员', silver: '银卡会员' },
  storeNames: { 'store-a': '静安寺店' },
  rfmSegments: RFM_SEGMENTS,
  today: '2026-12-07',
  ...extra,
});

describe('points flows from the ledger (D1)', () => {
  it('puts every delta in one of the four flows, so their net is the change of the balances', () => {
    const rows = [
      { kind: 'earn', positive: true, sum: 300 }, // registration bonus, check-ins: available at once
      { kind: 'mature', positive: true, sum: 1200 },
      { kind: 'adjust', positive: true, sum: 50 },
      { kind: 'adjust', positive: false, sum: -20 },
      { kind: 'spend', positive: false, sum: -700 },
      { kind: 'refund', positive: true, sum: 100 }, // a cancelled mall order gives points back
      { kind: 'refund', positive: false, sum: -80 }, // an order refund claws back
      { kind: 'expire', positive: false, sum: -150 },
      { kind: 'forfeit', positive: false, sum: -30 },
    ] as const;
    const flow = pointsFlowOf(rows);
    expect(flow).toEqual({ issued: 1550, redeemed: 600, expired: 150, forfeited: 130 });
    // 1550 − 600 − 150 − 130 = 670 = Σ deltas
    expect(netOf(flow)).toBe(670);
    expect(netOf(flow)).toBe(rows.reduce((s, r) => s + r.sum, 0));
  });

  it('nets redemptions against cancellations, even below zero on a day of returns only', () => {
    expect(pointsFlowOf([{ kind: 'refund', positive: true, sum: 500 }])).toEqual({ issued: 0, redeemed: -500, expired: 0, forfeited: 0 });
  });
});

describe('rates (D3)', () => {
  it('rounds to 4 decimals and answers null over nothing', () => {
    expect(rateOf(1, 3)).toBe(0.3333);
    expect(rateOf(0, 0)).toBeNull();
  });
});

describe('the dashboard from snapshots', () => {
  const days = [
    snap('2026-10-30', {
      members: 100,
      newMembers: 4,
      orders: 10,
      salesFen: 50000,
      stores: [{ storeId: 'store-a', orders: 10, amountFen: 50000, refundedFen: 0 }],
      points: { issued: 1000, redeemed: 100, expired: 0, forfeited: 0 },
      couponsIssued: 10,
      couponsUsed: 2,
      cohorts: [{ cohort: '2026-09', size: 20, active: 5 }],
    }),
    snap('2026-10-31', {
      members: 103,
      newMembers: 3,
      orders: 6,
      salesFen: 30000,
      stores: [
        { storeId: 'store-a', orders: 4, amountFen: 20000, refundedFen: 1000 },
        { storeId: 'store-b', orders: 2, amountFen: 10000, refundedFen: 0 },
      ],
      points: { issued: 500, redeemed: 50, expired: 200, forfeited: 10 },
      couponsIssued: 10,
      couponsUsed: 6,
      mallRedemptions: 2,
      mallPoints: 400,
      cohorts: [
        { cohort: '2026-09', size: 20, active: 8 },
        { cohort: '2026-10', size: 30, active: 12 },
      ],
    }),
    snap('2026-11-02', {
      members: 110,
      newMembers: 7,
      active30d: 40,
      buyers: 60,
      repurchasers: 27,
      points: { issued: 500, redeemed: 150, expired: 0, forfeited: 0 },
      expiring30: 90,
      expiring90: 300,
      tiers: { normal: 80, silver: 30 },
      rfm: { 重要价值: 6 },
      cohorts: [
        { cohort: '2026-09', size: 20, active: 1 },
        { cohort: '2026-10', size: 30, active: 3 },
        { cohort: '2026-11', size: 7, active: 2 },
      ],
    }),
  ];
  const view = decideDashboard(input(days, { outstandingNow: 12345, settings: { pointValueFen: 2, redemptionAlertPercent: 20 } }));

  it('sums the flows, members and sales of the range; states from its last snapshot', () => {
    expect(view.points).toEqual({ issued: 2000, redeemed: 300, expired: 200, forfeited: 10 });
    expect(view.members).toEqual({ total: 110, new: 14, active30d: 40 });
    expect(view.repurchaseRate).toBe(0.45); // 27 / 60
    expect(view.stores).toEqual([
      { storeId: 'store-a', name: '静安寺店', orders: 14, amountFen: 70000, refundedFen: 1000 },
      { storeId: 'store-b', name: 'store-b', orders: 2, amountFen: 10000, refundedFen: 0 },
    ]);
    expect(view.tiers).toEqual([
      { tierId: 'normal', name: '普通会员', count: 80 },
      { tierId: 'silver', name: '银卡会员', count: 30 },
    ]);
    expect(view.rfm.find((r) => r.segment === '重要价值')?.count).toBe(6);
    expect(view.rfm.find((r) => r.segment === '一般挽留')?.count).toBe(0);
    expect(view.coupons).toEqual({ issued: 20, used: 8, useRate: 0.4 });
    expect(view.mall).toEqual({ redemptions: 2, points: 400 });
  });

  it('values the liability at the configured fen per point, with what expires (D2)', () => {
    expect(view.pointsLiability).toEqual({ points: 12345, valueFen: 24690, expiring30: 90, expiring90: 300 });
  });

  it('rates redemption 300 / 2000 = 15% and breakage 200 / 2000 = 10%, and warns below 20%', () => {
    expect(view.redemptionRate).toBe(0.15);
    expect(view.breakageRate).toBe(0.1);
    expect(view.alerts.map((a) => a.kind)).toEqual(['low_redemption', 'missing_days']);
    expect(view.missingDays).toBe(1); // 2026-11-01 has no snapshot
  });

  it('groups months, and retention from each month’s last snapshot', () => {
    expect(view.months.map((m) => [m.month, m.issued, m.newMembers, m.members, m.salesFen])).toEqual([
      ['2026-10', 1500, 7, 103, 80000],
      ['2026-11', 500, 7, 110, 0],
    ]);
    expect(view.cohorts).toEqual([
      {
        cohort: '2026-09',
        size: 20,
        months: [
          { month: '2026-10', offset: 1, active: 8, rate: 0.4 },
          { month: '2026-11', offset: 2, active: 1, rate: 0.05 },
        ],
      },
      {
        cohort: '2026-10',
        size: 30,
        months: [
          { month: '2026-10', offset: 0, active: 12, rate: 0.4 },
          { month: '2026-11', offset: 1, active: 3, rate: 0.1 },
        ],
      },
      { cohort: '2026-11', size: 7, months: [{ month: '2026-11', offset: 0, active: 2, rate: 0.2857 }] },
    ]);
  });

  it('does not warn when redemption keeps up, and counts no day after yesterday as missing', () => {
    const healthy = decideDashboard(
      input([snap('2026-12-06', { points: { issued: 100, redeemed: 40, expired: 0, forfeited: 0 } })], { from: '2026-12-06', to: '2026-12-07' }),
    );
    expect(healthy.redemptionRate).toBe(0.4);
    expect(healthy.alerts).toEqual([]);
    expect(healthy.missingDays).toBe(0);
  });

  it('answers the state of the latest earlier snapshot when the range has none', () => {
    const empty = decideDashboard(input([], { latest: snap('2026-10-01', { members: 77 }), from: '2026-10-05', to: '2026-10-05' }));
    expect(empty.members.total).toBe(77);
    expect(empty.redemptionRate).toBeNull();
    expect(empty.asOf).toBe('2026-10-01');
  });
});
