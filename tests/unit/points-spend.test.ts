import { decideAdjustment, decideRedemption, pointsMoveDecisionSchema } from '../../shared/rules/points-spend';
import { DEFAULT_EARNING_RULES, type MemberPoints } from '../../shared/schemas/points';

/** Redemptions and adjustments decided without a database. */
const P: MemberPoints = {
  available: 300,
  pending: 0,
  lots: [
    { id: 'late', remaining: 200, earnedOn: '2026-06-01', expiresOn: '2027-06-01' },
    { id: 'soon', remaining: 100, earnedOn: '2025-12-01', expiresOn: '2026-12-01' },
  ],
  pendingLots: [],
  debt: 0,
  nextEventOn: '2026-12-01',
  earnedDays: [],
  seq: 3,
  reconcileDue: false,
};

describe('decideRedemption', () => {
  it('spends from the lots that expire first, keyed redeem:<requestId>', () => {
    const d = decideRedemption({ points: P, amount: 150, requestId: 'req-00000001', reason: '抵现', fingerprint: 'fp' });
    expect(pointsMoveDecisionSchema.parse(d)).toEqual(d);
    if (d.kind !== 'move') throw new Error('refused');
    expect(d.entry).toEqual({
      id: 'redeem:req-00000001',
      kind: 'spend',
      movement: { delta: -150, pendingDelta: 0 },
      reason: '抵现',
      ref: { type: 'redeem', id: 'req-00000001' },
      fingerprint: 'fp',
    });
    expect(d.points.lots).toEqual([{ id: 'late', remaining: 150, earnedOn: '2026-06-01', expiresOn: '2027-06-01' }]);
    expect(d.points.available).toBe(150);
  });

  it('refuses more than is available with the code only (no balance in a message)', () => {
    expect(decideRedemption({ points: P, amount: 301, requestId: 'req-00000002', reason: '抵现', fingerprint: 'fp' })).toEqual({
      kind: 'refused',
      code: 'INSUFFICIENT_POINTS',
    });
  });
});

describe('decideAdjustment', () => {
  const adjust = (delta: number) =>
    decideAdjustment({ points: P, delta, requestId: 'adj-00000001', reason: '补偿', fingerprint: 'fp', rules: DEFAULT_EARNING_RULES, today: '2026-11-23' });

  it('adds an available lot expiring by the rules, or takes from the lots that expire first', () => {
    const up = adjust(50);
    expect(up).toMatchObject({
      kind: 'move',
      entry: { id: 'adjust:adj-00000001', kind: 'adjust', reason: '商家调整：补偿', movement: { delta: 50, pendingDelta: 0 } },
    });
    if (up.kind !== 'move') throw new Error('refused');
    expect(up.points.lots).toContainEqual({ id: 'adjust:adj-00000001', remaining: 50, earnedOn: '2026-11-23', expiresOn: '2027-11-23' });
    const down = adjust(-120);
    expect(down).toMatchObject({ kind: 'move', points: { available: 180, lots: [{ id: 'late', remaining: 180 }] } });
  });

  it('refuses taking more than is available', () => {
    expect(adjust(-301)).toEqual({ kind: 'refused', code: 'INSUFFICIENT_POINTS' });
  });
});
