import { z } from 'zod';
import { businessDate } from '../calendar';
import { AppError } from '../errors';
import { daysBetween, dormancyStage, episodeStart, STAGE_LABELS, type LifecycleSettings, type Purchases } from './lifecycle';

/**
 * Member tags: automatic ones a nightly job recomputes from the member document (lifecycle stage,
 * registration, birthday, RFM scores), and manual ones the merchant sets. Each automatic tag carries
 * the rule the merchant is shown.
 *
 * Invariants:
 * - T1 the stage tags (活跃, 预警, 沉睡, 流失) are exactly the lifecycle stage of the day
 *   (shared/rules/lifecycle.ts `dormancyStage`): one of them, always.
 * - T2 a manual tag never takes an automatic tag's name, so removing a manual tag never removes a
 *   computed one and the nightly job never overwrites the merchant's.
 * - T3 `tags` (what filters query) is the automatic tags followed by the manual ones, without repeats.
 */

export const AUTO_TAGS = ['新会员', '活跃', '预警', '沉睡', '流失', '高价值', '高频', '本月生日'] as const;
type AutoTag = (typeof AUTO_TAGS)[number];
const AUTO_TAG_SET: ReadonlySet<string> = new Set(AUTO_TAGS);

/** A member is 新会员 for this many days from registration. */
const NEW_MEMBER_DAYS = 30;
const MAX_MANUAL_TAGS = 20;

export const manualTagSchema = z
  .string()
  .trim()
  .min(1, '标签不能为空')
  .max(12, '标签最多 12 个字')
  .refine((t) => !AUTO_TAG_SET.has(t), '这是系统自动标签，不能手动设置')
  .refine((t) => !t.startsWith('$') && !t.includes('.'), '标签不能以 $ 开头或包含 .');

interface TagRule {
  tag: AutoTag;
  rule: string;
}

/** The automatic tags and their rules as the merchant's settings make them. */
export function tagRules(dormancy: LifecycleSettings['dormancy']): TagRule[] {
  const { warningDays: w, sleepingDays: s, lostDays: l } = dormancy;
  return [
    { tag: '新会员', rule: `注册不满 ${NEW_MEMBER_DAYS} 天` },
    { tag: '活跃', rule: `${w} 天内有消费（从未消费的会员自注册日起算，下同）` },
    { tag: '预警', rule: `${w}–${s - 1} 天未消费` },
    { tag: '沉睡', rule: `${s}–${l - 1} 天未消费` },
    { tag: '流失', rule: `${l} 天及以上未消费` },
    { tag: '高价值', rule: 'RFM 消费金额得分 5（统计窗口内消费金额位于前 20%）' },
    { tag: '高频', rule: 'RFM 消费频次得分 5（统计窗口内消费次数位于前 20%）' },
    { tag: '本月生日', rule: '生日在本月' },
  ];
}

/** What the automatic tags read from a member. */
interface TaggedMember {
  registeredAt: Date;
  purchases?: Purchases;
  /** 'MM-DD' */
  birthdayMD?: string;
  crm?: { rfm?: { f: number; m: number } | null };
}

/** The member's automatic tags on business day `today`, in `AUTO_TAGS` order. */
export function autoTags(member: TaggedMember, today: string, dormancy: LifecycleSettings['dormancy']): AutoTag[] {
  const stage = STAGE_LABELS[dormancyStage(episodeStart(member), today, dormancy)] as AutoTag;
  const has = new Set<AutoTag>([stage]);
  if (daysBetween(businessDate(member.registeredAt), today) < NEW_MEMBER_DAYS) has.add('新会员');
  const rfm = member.crm?.rfm;
  if (rfm?.m === 5) has.add('高价值');
  if (rfm?.f === 5) has.add('高频');
  if (member.birthdayMD && member.birthdayMD.slice(0, 2) === today.slice(5, 7)) has.add('本月生日');
  return AUTO_TAGS.filter((t) => has.has(t));
}

/** T3: the tags filters query. */
export function allTags(auto: readonly string[], manual: readonly string[]): string[] {
  return [...new Set([...auto, ...manual])];
}

/** The manual tags after the merchant's change: `remove` first, then `add` (kept in the order added). */
export function applyManualTags(current: readonly string[], change: { add?: readonly string[]; remove?: readonly string[] }): string[] {
  const removed = new Set(change.remove ?? []);
  const next = current.filter((t) => !removed.has(t));
  for (const t of change.add ?? []) if (!next.includes(t)) next.push(t);
  if (next.length > MAX_MANUAL_TAGS) throw new AppError('VALIDATION_FAILED', `每位会员最多 ${MAX_MANUAL_TAGS} 个手动标签`);
  return next;
}

export const sameTags = (a: readonly string[] | undefined, b: readonly string[]): boolean =>
  (a ?? []).length === b.length && (a ?? []).every((t, i) => t === b[i]);

interface MemberTagFields {
  autoTags: string[];
  manualTags: string[];
  tags: string[];
}

/**
 * The merchant tags or untags a member: the tag fields to write (the automatic tags of the day
 * recomputed with them), or null when nothing changes.
 */
export function decideTagChange(
  member: TaggedMember & { crm?: { autoTags?: string[]; manualTags?: string[]; tags?: string[] } },
  change: { add?: readonly string[]; remove?: readonly string[] },
  today: string,
  dormancy: LifecycleSettings['dormancy'],
): MemberTagFields | null {
  const manualTags = applyManualTags(member.crm?.manualTags ?? [], change);
  const auto = autoTags(member, today, dormancy);
  const tags = allTags(auto, manualTags);
  if (sameTags(member.crm?.manualTags, manualTags) && sameTags(member.crm?.autoTags, auto) && sameTags(member.crm?.tags, tags)) return null;
  return { autoTags: auto, manualTags, tags };
}
