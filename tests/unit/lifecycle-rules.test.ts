import {
  addPurchase,
  currentStage,
  daysBetween,
  dormancyStage,
  refundPurchase,
  stageCutoff,
  DEFAULT_LIFECYCLE_SETTINGS,
  lifecycleSettingsSchema,
} from '../../shared/rules/lifecycle';
import { addPurchaseDay, estimateCycle, histogramMedian, median, moveInHistogram, typicalInterval, MAX_DAYS_KEPT } from '../../shared/rules/repurchase';

const at = (iso: string) => new Date(iso);
const dormancy = DEFAULT_LIFECYCLE_SETTINGS.dormancy;
const cycleRules = { leadDays: 3, minPurchases: 3, maxIntervalDays: 90 };

describe('purchase statistics', () => {
  it('count, amount, first and last purchase; an older receipt recorded late leaves lastAt', () => {
    const one = addPurchase(undefined, 1500, at('2026-03-10T04:00:00Z'));
    expect(one).toEqual({ count: 1, amountFen: 1500, firstAt: at('2026-03-10T04:00:00Z'), lastAt: at('2026-03-10T04:00:00Z') });
    const two = addPurchase(one, 500, at('2026-03-20T04:00:00Z'));
    const late = addPurchase(two, 700, at('2026-03-01T04:00:00Z'));
    expect(late).toEqual({ count: 3, amountFen: 2700, firstAt: at('2026-03-01T04:00:00Z'), lastAt: at('2026-03-20T04:00:00Z') });
  });

  it('a refund lowers the amount (never below 0), a revoked order the count; nothing without statistics', () => {
    const p = { count: 2, amountFen: 1000, firstAt: at('2026-03-01T00:00:00Z'), lastAt: at('2026-03-02T00:00:00Z') };
    expect(refundPurchase(p, 300, false)).toMatchObject({ count: 2, amountFen: 700, lastAt: p.lastAt });
    expect(refundPurchase(p, 5000, true)).toMatchObject({ count: 1, amountFen: 0 });
    expect(refundPurchase({ ...p, count: 0 }, 10, true)).toMatchObject({ count: 0 });
    expect(refundPurchase(undefined, 10, true)).toBeUndefined();
  });
});

describe('dormancy stages', () => {
  // 10 March 2026, 20:00 Shanghai
  const lastAt = at('2026-03-10T12:00:00Z');
  it('counts whole business days from the last purchase: 30 → 预警, 90 → 沉睡, 180 → 流失', () => {
    expect(daysBetween('2026-03-10', '2026-04-09')).toBe(30);
    expect(dormancyStage(lastAt, '2026-04-08', dormancy)).toBe('active');
    expect(dormancyStage(lastAt, '2026-04-09', dormancy)).toBe('warning');
    expect(dormancyStage(lastAt, '2026-06-07', dormancy)).toBe('warning');
    expect(dormancyStage(lastAt, '2026-06-08', dormancy)).toBe('sleeping');
    expect(dormancyStage(lastAt, '2026-09-06', dormancy)).toBe('lost');
  });

  it('the cutoff of a stage: instants before it are that many days idle today', () => {
    const cut = stageCutoff('2026-04-09', 30);
    expect(cut.toISOString()).toBe('2026-03-10T16:00:00.000Z'); // the start of 11 March in Shanghai
    expect(lastAt < cut).toBe(true);
    expect(stageCutoff('2026-04-08', 30) <= lastAt).toBe(true);
  });

  it('a purchase since the recorded episode makes the member active again', () => {
    const member = { registeredAt: at('2026-01-01T00:00:00Z'), purchases: { count: 1, amountFen: 1, firstAt: lastAt, lastAt } };
    expect(currentStage(member, { stage: 'sleeping', episodeLastAt: lastAt })).toBe('sleeping');
    expect(
      currentStage({ ...member, purchases: { ...member.purchases, lastAt: at('2026-07-01T00:00:00Z') } }, { stage: 'sleeping', episodeLastAt: lastAt }),
    ).toBe('active');
    expect(currentStage({ registeredAt: at('2026-01-01T00:00:00Z') }, { stage: 'warning', episodeLastAt: at('2026-01-01T00:00:00Z') })).toBe('warning');
    expect(currentStage(member, null)).toBe('active');
  });

  it('settings keep the stages in order', () => {
    expect(lifecycleSettingsSchema.safeParse(DEFAULT_LIFECYCLE_SETTINGS).success).toBe(true);
    expect(lifecycleSettingsSchema.safeParse({ ...DEFAULT_LIFECYCLE_SETTINGS, dormancy: { ...dormancy, sleepingDays: 20 } }).success).toBe(false);
  });
});

describe('repurchase cycles', () => {
  it('purchase days are a set, ascending, the latest kept', () => {
    expect(addPurchaseDay(['2026-03-01', '2026-03-08'], '2026-03-08')).toEqual(['2026-03-01', '2026-03-08']);
    expect(addPurchaseDay(['2026-03-08'], '2026-03-01')).toEqual(['2026-03-01', '2026-03-08']);
    let days: string[] = [];
    for (let d = 1; d <= 20; d += 1) days = addPurchaseDay(days, `2026-03-${String(d).padStart(2, '0')}`);
    expect(days).toHaveLength(MAX_DAYS_KEPT);
    expect(days[days.length - 1]).toBe('2026-03-20');
  });

  it('the typical interval is the median gap (a long break does not move it)', () => {
    expect(median([])).toBeNull();
    expect(median([7, 1, 30])).toBe(7);
    expect(median([6, 8])).toBe(7);
    expect(typicalInterval(['2026-03-01'])).toBeNull();
    expect(typicalInterval(['2026-03-01', '2026-03-08', '2026-03-15', '2026-05-01', '2026-05-08'])).toBe(7);
  });

  it('coffee every 7 days: expected on day 7 after the last, reminded on day 4', () => {
    expect(estimateCycle(['2026-03-01', '2026-03-08', '2026-03-15'], null, cycleRules)).toEqual({
      ownIntervalDays: 7,
      intervalDays: 7,
      source: 'own',
      expectedOn: '2026-03-22',
      remindOn: '2026-03-19',
    });
  });

  it('too few purchases: the category median; unknown, too short or too long: no reminder', () => {
    expect(estimateCycle(['2026-03-15'], 10, cycleRules)).toMatchObject({
      ownIntervalDays: null,
      intervalDays: 10,
      source: 'category',
      remindOn: '2026-03-22',
    });
    expect(estimateCycle(['2026-03-08', '2026-03-15'], 10, cycleRules)).toMatchObject({ source: 'category', expectedOn: '2026-03-25' });
    expect(estimateCycle(['2026-03-15'], null, cycleRules)).toMatchObject({ intervalDays: null, remindOn: null });
    expect(estimateCycle(['2026-03-01', '2026-03-03', '2026-03-05'], null, cycleRules)).toMatchObject({ ownIntervalDays: 2, remindOn: null });
    expect(estimateCycle(['2025-01-01', '2025-07-01', '2026-01-01'], null, cycleRules)).toMatchObject({ remindOn: null });
  });

  it('the category histogram moves a member exactly and answers its median', () => {
    let h = moveInHistogram({}, null, 7);
    h = moveInHistogram(h, null, 7);
    h = moveInHistogram(h, null, 14);
    expect(histogramMedian(h)).toBe(7);
    h = moveInHistogram(h, 7, 14);
    expect(h).toEqual({ 7: 1, 14: 2 });
    expect(histogramMedian(h)).toBe(14);
    expect(histogramMedian(moveInHistogram({ 7: 1 }, null, 10))).toBe(9); // the mean of the middle two, rounded
    expect(histogramMedian(moveInHistogram({ 7: 1 }, 7, null))).toBeNull();
  });
});
