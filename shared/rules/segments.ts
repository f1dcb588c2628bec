import { z } from 'zod';
import { addBusinessDays, startOfBusinessDate } from '../calendar';
import { AppError } from '../errors';
import { businessDate } from '../schemas/common';
import { rfmSegmentSchema } from './rfm';

/**
 * Segments: a filter over members whose keys must all hold (`{}` is every member), saved by name and
 * versioned. The filter becomes a list of field conditions (`filterConditions`), each on an indexed or
 * precomputed field of the member document; the database query (cloudfunctions/_lib/crm) and the
 * in-memory check (`matchesFilter`, the tests' oracle) are both read from that one list, so a segment's
 * count and the members a campaign to it reaches are the same members.
 *
 * Invariants:
 * - S1 every key narrows: a member matches when every given key holds; `{}` matches every live member.
 * - S2 the any-of keys (`tierIds`, `rfmSegments`, `storeIds`, `interests`) hold when the member has at
 *   least one of the values; `tags` holds when the member has every one of them.
 * - S3 `daysSinceLastPurchase` counts whole business days to today (a purchase yesterday is 1 day); a
 *   member who never bought does not match it. Ranges are inclusive at both ends.
 * - S4 a save names the version it edited; an older one is refused (SEGMENT_VERSION_CONFLICT), so
 *   two editors never overwrite each other unseen.
 */

const tagName = z
  .string()
  .trim()
  .min(1)
  .max(12)
  .refine((t) => !t.startsWith('$') && !t.includes('.'), '标签不能以 $ 开头或包含 .');
const idList = (max: number) => z.array(z.string().min(1).max(64)).min(1).max(max);

function range<T extends z.ZodTypeAny>(bound: T, message: string) {
  return z
    .object({ min: bound.optional(), max: bound.optional() })
    .strict()
    .refine((r) => r.min !== undefined || r.max !== undefined, '请至少填写最小值或最大值')
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, message);
}

export const segmentFilterSchema = z
  .object({
    /** all of these tags (automatic or manual) */
    tags: z.array(tagName).min(1).max(10).optional(),
    tierIds: idList(20).optional(),
    rfmSegments: z.array(rfmSegmentSchema).min(1).max(8).optional(),
    /** bought at any of these stores within the RFM window */
    storeIds: idList(50).optional(),
    /** any of these interests (兴趣偏好) */
    interests: z.array(z.string().trim().min(1).max(20)).min(1).max(20).optional(),
    daysSinceLastPurchase: range(z.number().int().min(0).max(3650), '最少天数不能大于最多天数').optional(),
    pointsBalance: range(
      z
        .number()
        .int()
        .min(0)
        .max(10 ** 12),
      '最少积分不能大于最多积分',
    ).optional(),
    birthdayMonth: z.number().int().min(1).max(12).optional(),
    /** business dates, both inclusive */
    registeredAt: z
      .object({ from: businessDate.optional(), to: businessDate.optional() })
      .strict()
      .refine((r) => r.from !== undefined || r.to !== undefined, '请至少填写开始或结束日期')
      .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, '开始日期不能晚于结束日期')
      .optional(),
  })
  .strict();
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

export const segmentNameSchema = z.string().trim().min(1, '请填写分群名称').max(30, '分群名称最多 30 个字');

type Bound = number | string | Date;
/** One condition on one field of the member document. */
export type FieldCondition =
  | { field: string; op: 'all'; values: string[] }
  | { field: string; op: 'in'; values: string[] }
  | { field: string; op: 'range'; gte?: Bound; lt?: Bound; lte?: Bound };

/** The member fields the filter keys read (each declared as an index in cloudfunctions/database.json). */
const FILTER_FIELDS = {
  tags: 'crm.tags',
  tierIds: 'tierId',
  rfmSegments: 'crm.rfm.segment',
  storeIds: 'crm.storeIds',
  interests: 'interests',
  daysSinceLastPurchase: 'purchases.lastAt',
  pointsBalance: 'points.available',
  birthdayMonth: 'birthdayMD',
  registeredAt: 'registeredAt',
} as const satisfies Record<keyof SegmentFilter, string>;

/** The filter as field conditions on business day `today` (S1–S3). */
export function filterConditions(filter: SegmentFilter, today: string): FieldCondition[] {
  const f = FILTER_FIELDS;
  const out: FieldCondition[] = [];
  if (filter.tags) out.push({ field: f.tags, op: 'all', values: filter.tags });
  if (filter.tierIds) out.push({ field: f.tierIds, op: 'in', values: filter.tierIds });
  if (filter.rfmSegments) out.push({ field: f.rfmSegments, op: 'in', values: filter.rfmSegments });
  if (filter.storeIds) out.push({ field: f.storeIds, op: 'in', values: filter.storeIds });
  if (filter.interests) out.push({ field: f.interests, op: 'in', values: filter.interests });
  const days = filter.daysSinceLastPurchase;
  if (days) {
    out.push({
      field: f.daysSinceLastPurchase,
      op: 'range',
      // at least `max` days ago at the earliest; `min` days ago at the latest
      ...(days.max !== undefined ? { gte: startOfBusinessDate(addBusinessDays(today, -days.max)) } : {}),
      ...(days.min !== undefined ? { lt: startOfBusinessDate(addBusinessDays(today, -days.min + 1)) } : {}),
    });
  }
  const pts = filter.pointsBalance;
  if (pts)
    out.push({ field: f.pointsBalance, op: 'range', ...(pts.min !== undefined ? { gte: pts.min } : {}), ...(pts.max !== undefined ? { lte: pts.max } : {}) });
  if (filter.birthdayMonth) {
    const mm = String(filter.birthdayMonth).padStart(2, '0');
    out.push({ field: f.birthdayMonth, op: 'range', gte: `${mm}-01`, lte: `${mm}-31` });
  }
  const reg = filter.registeredAt;
  if (reg) {
    out.push({
      field: f.registeredAt,
      op: 'range',
      ...(reg.from ? { gte: startOfBusinessDate(reg.from) } : {}),
      ...(reg.to ? { lt: startOfBusinessDate(addBusinessDays(reg.to, 1)) } : {}),
    });
  }
  return out;
}

function valueAt(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), doc);
}

const comparable = (v: unknown): number | string | null => (v instanceof Date ? v.getTime() : typeof v === 'number' || typeof v === 'string' ? v : null);

/** Whether one condition holds for a document (the database's semantics: an array field matches by any element). */
function conditionHolds(doc: unknown, c: FieldCondition): boolean {
  const value = valueAt(doc, c.field);
  if (c.op === 'all') return Array.isArray(value) && c.values.every((v) => value.includes(v));
  if (c.op === 'in') return Array.isArray(value) ? value.some((v) => c.values.includes(v as string)) : c.values.includes(value as string);
  const v = comparable(value);
  if (v === null) return false;
  const at = (b: Bound) => comparable(b) as number | string;
  return (c.gte === undefined || v >= at(c.gte)) && (c.lt === undefined || v < at(c.lt)) && (c.lte === undefined || v <= at(c.lte));
}

/** The oracle: whether a live member matches the filter on `today`. */
export function matchesFilter(member: { deletedAt?: Date }, filter: SegmentFilter, today: string): boolean {
  return !member.deletedAt && filterConditions(filter, today).every((c) => conditionHolds(member, c));
}

/** A saved segment's version in force. */
interface SegmentVersion {
  name: string;
  filter: SegmentFilter;
  version: number;
}

/** S4: the version a save writes, or SEGMENT_VERSION_CONFLICT (with the version in force) when the editor's is stale. */
export function nextSegmentVersion(current: SegmentVersion | null, save: { name: string; filter: SegmentFilter; expectedVersion?: number }): SegmentVersion {
  const currentVersion = current?.version ?? 0;
  if ((save.expectedVersion ?? 0) !== currentVersion) throw new AppError('SEGMENT_VERSION_CONFLICT', undefined, { currentVersion });
  return { name: save.name, filter: save.filter, version: currentVersion + 1 };
}
