import { z } from 'zod';

/**
 * RFM: recency, frequency and monetary value of each member's purchases over a window (default the
 * last 12 months), each scored 1–5 by quintiles of the members who bought in the window, and the
 * eight segments of the classic model by R, F and M above or below the mean score.
 *
 * Invariants:
 * - Q1 scores are computed from a histogram of the population's values (value → members), so the
 *   nightly job can build it chunk by chunk and score the same way the fixture tests do by hand.
 * - Q2 a value's score is 1 + the number of cut points it exceeds, cut k (k = 1..4) being the value
 *   of the member at rank ⌈k·n/5⌉ in ascending order: the top fifth scores 5, ties score alike.
 * - Q3 recency is scored on the negated days since the last purchase (fewer days, higher score), so
 *   every score reads "higher is better".
 * - Q4 a score is high when strictly above the population's mean score of that letter.
 * - Q5 members without a purchase in the window have no scores and no segment.
 */

export const rfmSettingsSchema = z
  .object({
    /** the purchases counted: the last this many months (1–36) */
    windowMonths: z.number().int().min(1).max(36),
  })
  .strict();
type RfmSettings = z.infer<typeof rfmSettingsSchema>;
export const DEFAULT_RFM_SETTINGS: RfmSettings = { windowMonths: 12 };

export const RFM_SEGMENTS = ['重要价值', '重要发展', '重要保持', '重要挽留', '一般价值', '一般发展', '一般保持', '一般挽留'] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];
export const rfmSegmentSchema = z.enum(RFM_SEGMENTS);

/** What the merchant reads beside each segment: who they are and what to do. */
export const SEGMENT_GUIDE: Record<RfmSegment, { who: string; todo: string }> = {
  重要价值: { who: '最近消费、消费频繁、消费金额高', todo: '最好的会员：提供专属礼遇与优先服务，保持满意度，不必用大额折扣' },
  重要发展: { who: '最近消费、金额高但次数少', todo: '推送会员权益与复购券，提升消费频次，培养成忠实会员' },
  重要保持: { who: '消费频繁、金额高，但近期未到店', todo: '主动关怀召回：专属优惠与一对一回访，防止流失' },
  重要挽留: { who: '金额高，但次数少且久未到店', todo: '重点挽回：老友回归礼，了解未到店的原因' },
  一般价值: { who: '最近消费、次数多，但金额低', todo: '推荐加购与升级套餐，提升客单价' },
  一般发展: { who: '最近消费，次数少、金额低', todo: '新近到店的普通顾客：推送新品与入会礼，培养消费习惯' },
  一般保持: { who: '次数多，但金额低且久未到店', todo: '低成本唤醒：签到、积分活动与到期提醒' },
  一般挽留: { who: '久未到店，次数少、金额低', todo: '价值较低：低成本批量触达，不宜投入过多' },
};

/** A member's windowed purchase figures (what RFM scores). */
export interface RfmInput {
  /** whole business days since the last purchase in the window */
  recencyDays: number;
  /** purchases in the window */
  frequency: number;
  /** spent in the window, fen */
  monetaryFen: number;
}

interface RfmScores {
  r: number;
  f: number;
  m: number;
}

/** value → how many members have it (JSON-friendly pairs, so a job's checkpoint can hold it). */
export type Histogram = [value: number, members: number][];

/** The four cut points of a histogram (Q2); empty histogram: none. */
export function quintileCuts(histogram: Histogram): number[] {
  const sorted = histogram.filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return [];
  const cuts: number[] = [];
  for (let k = 1; k <= 4; k += 1) {
    const rank = Math.ceil((k * total) / 5);
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (seen >= rank) {
        cuts.push(value);
        break;
      }
    }
  }
  return cuts;
}

/** 1–5: one more than the cut points the value exceeds (Q2). */
function scoreOf(value: number, cuts: readonly number[]): number {
  return 1 + cuts.filter((c) => value > c).length;
}

/**
 * Monetary values are bucketed to three significant digits of the yuan amount (¥12,345.67 → ¥12,300)
 * before they are counted or scored: the nightly histogram stays small at any membership, and a
 * member's bucket is scored against cuts of the same buckets, so ranks stay consistent.
 */
export function monetaryBucket(fen: number): number {
  const yuan = Math.floor(Math.max(0, fen) / 100);
  if (yuan < 1000) return yuan;
  const scale = 10 ** (Math.floor(Math.log10(yuan)) - 2);
  return Math.floor(yuan / scale) * scale;
}

/** The three values histograms and scores are kept on (Q3: recency negated). */
function rfmKeys(x: RfmInput): { r: number; f: number; m: number } {
  return { r: -x.recencyDays, f: x.frequency, m: monetaryBucket(x.monetaryFen) };
}

export interface RfmModel {
  cuts: { r: number[]; f: number[]; m: number[] };
  /** mean score of each letter over the population (Q4) */
  mean: { r: number; f: number; m: number };
  members: number;
}

/** The model of a population given as histograms of its `rfmKeys`. */
export function rfmModel(h: { r: Histogram; f: Histogram; m: Histogram }): RfmModel {
  const cuts = { r: quintileCuts(h.r), f: quintileCuts(h.f), m: quintileCuts(h.m) };
  const meanOf = (hist: Histogram, c: number[]) => {
    const n = hist.reduce((s, [, k]) => s + k, 0);
    return n === 0 ? 0 : hist.reduce((s, [v, k]) => s + k * scoreOf(v, c), 0) / n;
  };
  return {
    cuts,
    mean: { r: meanOf(h.r, cuts.r), f: meanOf(h.f, cuts.f), m: meanOf(h.m, cuts.m) },
    members: h.r.reduce((s, [, k]) => s + k, 0),
  };
}

/** The histograms of a population (the job adds page by page with `addToHistograms`). */
export function histogramsOf(inputs: readonly RfmInput[]): { r: Histogram; f: Histogram; m: Histogram } {
  const h = { r: [] as Histogram, f: [] as Histogram, m: [] as Histogram };
  addToHistograms(h, inputs);
  return h;
}

/** Adds a batch of members to the histograms (through maps: a page costs its size plus the distinct values). */
export function addToHistograms(h: { r: Histogram; f: Histogram; m: Histogram }, inputs: Iterable<RfmInput>): void {
  const maps = { r: new Map(h.r), f: new Map(h.f), m: new Map(h.m) };
  const add = (map: Map<number, number>, value: number) => map.set(value, (map.get(value) ?? 0) + 1);
  for (const x of inputs) {
    const k = rfmKeys(x);
    add(maps.r, k.r);
    add(maps.f, k.f);
    add(maps.m, k.m);
  }
  h.r = [...maps.r];
  h.f = [...maps.f];
  h.m = [...maps.m];
}

export function rfmScores(x: RfmInput, model: RfmModel): RfmScores {
  const k = rfmKeys(x);
  return { r: scoreOf(k.r, model.cuts.r), f: scoreOf(k.f, model.cuts.f), m: scoreOf(k.m, model.cuts.m) };
}

/** The segment of scores against the model's means (Q4). */
export function rfmSegment(s: RfmScores, model: Pick<RfmModel, 'mean'>): RfmSegment {
  const r = s.r > model.mean.r;
  const f = s.f > model.mean.f;
  const m = s.m > model.mean.m;
  const head = m ? '重要' : '一般';
  const tail = r ? (f ? '价值' : '发展') : f ? '保持' : '挽留';
  return `${head}${tail}` as RfmSegment;
}

/** The first business date of the window that ends on `today` (`windowMonths` calendar months back, the next day). */
export function rfmWindowStart(today: string, windowMonths: number): string {
  const [y, m, d] = today.split('-').map(Number);
  const back = new Date(Date.UTC(y, m - 1 - windowMonths, 1));
  const lastDay = new Date(Date.UTC(back.getUTCFullYear(), back.getUTCMonth() + 1, 0)).getUTCDate();
  const day = new Date(Date.UTC(back.getUTCFullYear(), back.getUTCMonth(), Math.min(d, lastDay) + 1));
  return day.toISOString().slice(0, 10);
}
