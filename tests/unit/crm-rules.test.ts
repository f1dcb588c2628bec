import { DEFAULT_LIFECYCLE_SETTINGS } from '../../shared/rules/lifecycle';
import { AUTO_TAGS, applyManualTags, autoTags, decideTagChange, manualTagSchema, tagRules } from '../../shared/rules/member-tags';
import {
  histogramsOf,
  monetaryBucket,
  quintileCuts,
  rfmModel,
  rfmScores,
  rfmSegment,
  rfmWindowStart,
  RFM_SEGMENTS,
  SEGMENT_GUIDE,
} from '../../shared/rules/rfm';
import { filterConditions, matchesFilter, nextSegmentVersion, segmentFilterSchema } from '../../shared/rules/segments';
import { startOfBusinessDate } from '../../shared/calendar';
import { EXPECTED_COUNTS, EXPECTED_SCORES, EXPECTED_SEGMENTS, RFM_FIXTURE } from '../support/crm-fixture';

describe('RFM scores and the eight segments', () => {
  const model = rfmModel(histogramsOf(Object.values(RFM_FIXTURE)));

  it('cuts at the quintile ranks and means as worked out by hand', () => {
    expect(model.cuts).toEqual({ r: [-55, -21, -8, -3], f: [1, 2, 7, 9], m: [50, 200, 600, 1000] });
    expect(model.mean).toEqual({ r: 3, f: 3, m: 3 });
    expect(model.members).toBe(10);
  });

  it('scores and segments every member as worked out by hand; the counts of the eight segments', () => {
    const counts = Object.fromEntries(RFM_SEGMENTS.map((s) => [s, 0]));
    for (const [name, input] of Object.entries(RFM_FIXTURE)) {
      const s = rfmScores(input, model);
      expect([name, s.r, s.f, s.m]).toEqual([name, ...EXPECTED_SCORES[name]]);
      const segment = rfmSegment(s, model);
      expect([name, segment]).toEqual([name, EXPECTED_SEGMENTS[name]]);
      counts[segment] += 1;
    }
    expect(counts).toEqual(EXPECTED_COUNTS);
  });

  it('ties score alike; an empty population has no cuts; buckets keep three significant digits', () => {
    expect(quintileCuts([[7, 10]])).toEqual([7, 7, 7, 7]);
    expect(quintileCuts([])).toEqual([]);
    expect(monetaryBucket(1_234_567)).toBe(12_300);
    expect(monetaryBucket(99_999)).toBe(999);
    expect(monetaryBucket(100_000)).toBe(1000);
    expect(monetaryBucket(123_456_789)).toBe(1_230_000);
    expect(monetaryBucket(-5)).toBe(0);
  });

  it('every segment has a hint; the window is calendar months back', () => {
    for (const s of RFM_SEGMENTS) expect(SEGMENT_GUIDE[s].todo.length).toBeGreaterThan(5);
    expect(rfmWindowStart('2026-12-07', 12)).toBe('2025-12-08');
    expect(rfmWindowStart('2026-03-31', 1)).toBe('2026-03-01');
    expect(rfmWindowStart('2026-01-15', 12)).toBe('2025-01-16');
  });
});

describe('automatic and manual tags', () => {
  const dormancy = DEFAULT_LIFECYCLE_SETTINGS.dormancy; // 30 / 90 / 180
  const today = '2026-12-07';
  const at = (date: string) => startOfBusinessDate(date);
  const bought = (lastOn: string) => ({ count: 1, amountFen: 100, firstAt: at(lastOn), lastAt: at(lastOn) });

  it('one stage tag from the lifecycle, 新会员 under 30 days, 本月生日, 高价值 and 高频 from RFM', () => {
    expect(autoTags({ registeredAt: at('2026-11-20') }, today, dormancy)).toEqual(['新会员', '活跃']);
    expect(autoTags({ registeredAt: at('2026-11-07'), purchases: bought('2026-11-07') }, today, dormancy)).toEqual(['预警']);
    expect(autoTags({ registeredAt: at('2026-11-08') }, today, dormancy)).toEqual(['新会员', '活跃']);
    expect(autoTags({ registeredAt: at('2025-01-01'), purchases: bought('2026-09-08') }, today, dormancy)).toEqual(['沉睡']);
    expect(autoTags({ registeredAt: at('2025-01-01'), purchases: bought('2026-06-10') }, today, dormancy)).toEqual(['流失']);
    expect(
      autoTags({ registeredAt: at('2025-01-01'), purchases: bought('2026-12-01'), birthdayMD: '12-25', crm: { rfm: { f: 5, m: 5 } } }, today, dormancy),
    ).toEqual(['活跃', '高价值', '高频', '本月生日']);
    expect(
      autoTags({ registeredAt: at('2025-01-01'), purchases: bought('2026-12-01'), birthdayMD: '11-25', crm: { rfm: { f: 4, m: 5 } } }, today, dormancy),
    ).toEqual(['活跃', '高价值']);
  });

  it('every automatic tag has its rule; manual tags never take an automatic name', () => {
    expect(tagRules(dormancy).map((r) => r.tag)).toEqual([...AUTO_TAGS]);
    expect(tagRules(dormancy).find((r) => r.tag === '预警')?.rule).toBe('30–89 天未消费');
    expect(manualTagSchema.safeParse('沉睡').success).toBe(false);
    expect(manualTagSchema.safeParse(' 咖啡控 ').success).toBe(true);
    expect(manualTagSchema.safeParse('$x').success).toBe(false);
  });

  it('manual changes keep the automatic tags first and refuse more than 20', () => {
    expect(applyManualTags(['a', 'b'], { add: ['c', 'a'], remove: ['b'] })).toEqual(['a', 'c']);
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`);
    expect(() => applyManualTags(twenty, { add: ['x'] })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    const m = { registeredAt: at('2026-11-20'), crm: { autoTags: ['新会员', '活跃'], manualTags: ['VIP'], tags: ['新会员', '活跃', 'VIP'] } };
    expect(decideTagChange(m, { add: ['VIP'] }, today, dormancy)).toBeNull();
    expect(decideTagChange(m, { add: ['咖啡控'], remove: ['VIP'] }, today, dormancy)).toEqual({
      autoTags: ['新会员', '活跃'],
      manualTags: ['咖啡控'],
      tags: ['新会员', '活跃', '咖啡控'],
    });
  });
});

describe('segment filters', () => {
  const today = '2026-12-07';
  const at = (date: string) => startOfBusinessDate(date);
  const base = {
    _id: 'm1',
    tierId: 'silver',
    registeredAt: at('2026-03-15'),
    birthdayMD: '05-20',
    points: { available: 300 },
    purchases: { count: 3, amountFen: 9000, firstAt: at('2026-01-01'), lastAt: new Date(at('2026-11-27').getTime() + 20 * 3600_000) },
    interests: ['咖啡', '甜点'],
    crm: { tags: ['活跃', 'VIP'], rfm: { r: 5, f: 3, m: 2, segment: '一般价值' }, storeIds: ['store-a'] },
  };
  const holds = (filter: unknown, doc: object = base) => matchesFilter(doc, segmentFilterSchema.parse(filter), today);

  it('{} is every live member; each key narrows', () => {
    expect(holds({})).toBe(true);
    expect(holds({}, { ...base, deletedAt: new Date() })).toBe(false);
    expect(holds({ tags: ['活跃', 'VIP'] })).toBe(true);
    expect(holds({ tags: ['活跃', '高频'] })).toBe(false);
    expect(holds({ tierIds: ['gold', 'silver'] })).toBe(true);
    expect(holds({ tierIds: ['gold'] })).toBe(false);
    expect(holds({ rfmSegments: ['一般价值'] })).toBe(true);
    expect(holds({ rfmSegments: ['重要价值'] })).toBe(false);
    expect(holds({ storeIds: ['store-b', 'store-a'] })).toBe(true);
    expect(holds({ interests: ['茶', '甜点'] })).toBe(true);
    expect(holds({ interests: ['茶'] })).toBe(false);
    expect(holds({ birthdayMonth: 5 })).toBe(true);
    expect(holds({ birthdayMonth: 6 })).toBe(false);
    expect(holds({ pointsBalance: { min: 300, max: 300 } })).toBe(true);
    expect(holds({ pointsBalance: { min: 301 } })).toBe(false);
    expect(holds({ registeredAt: { from: '2026-03-15', to: '2026-03-15' } })).toBe(true);
    expect(holds({ registeredAt: { from: '2026-03-16' } })).toBe(false);
    expect(holds({ tags: ['活跃'], tierIds: ['silver'], birthdayMonth: 6 })).toBe(false);
  });

  it('days since the last purchase count business days, both ends inclusive; no purchase never matches', () => {
    // the last purchase was on 2026-11-27 (Shanghai) at 20:00: 10 days before 2026-12-07
    expect(holds({ daysSinceLastPurchase: { min: 10, max: 10 } })).toBe(true);
    expect(holds({ daysSinceLastPurchase: { min: 11 } })).toBe(false);
    expect(holds({ daysSinceLastPurchase: { max: 9 } })).toBe(false);
    expect(holds({ daysSinceLastPurchase: { min: 0 } }, { ...base, purchases: undefined })).toBe(false);
    expect(filterConditions({ daysSinceLastPurchase: { min: 10, max: 10 } }, today)).toEqual([
      { field: 'purchases.lastAt', op: 'range', gte: at('2026-11-27'), lt: at('2026-11-28') },
    ]);
  });

  it('refuses unknown keys, empty lists, reversed ranges and unknown segments', () => {
    for (const bad of [
      { colour: 'red' },
      { tags: [] },
      { daysSinceLastPurchase: { min: 10, max: 5 } },
      { daysSinceLastPurchase: {} },
      { pointsBalance: { min: -1 } },
      { rfmSegments: ['超级会员'] },
      { birthdayMonth: 13 },
      { registeredAt: { from: '2026-05-01', to: '2026-04-01' } },
      { registeredAt: { from: '2026/05/01' } },
    ]) {
      expect([bad, segmentFilterSchema.safeParse(bad).success]).toEqual([bad, false]);
    }
  });

  it('a save names the version it edited', () => {
    expect(nextSegmentVersion(null, { name: 'a', filter: {} })).toEqual({ name: 'a', filter: {}, version: 1 });
    expect(nextSegmentVersion({ name: 'a', filter: {}, version: 1 }, { name: 'a', filter: { birthdayMonth: 1 }, expectedVersion: 1 })).toMatchObject({
      version: 2,
    });
    expect(() => nextSegmentVersion({ name: 'a', filter: {}, version: 2 }, { name: 'a', filter: {}, expectedVersion: 1 })).toThrow(
      expect.objectContaining({ code: 'SEGMENT_VERSION_CONFLICT', details: { currentVersion: 2 } }),
    );
    expect(() => nextSegmentVersion({ name: 'a', filter: {}, version: 1 }, { name: 'a', filter: {} })).toThrow(
      expect.objectContaining({ code: 'SEGMENT_VERSION_CONFLICT' }),
    );
  });
});
