import { segmentFilterSchema, type SegmentFilter } from '@shared/rules/segments'

/** A segment filter as the form edits it: every choice as picked, every number and date as typed. */
export interface FilterDraft {
  tierIds: string[]
  tags: string[]
  rfmSegments: string[]
  storeIds: string[]
  /** comma or 、 separated */
  interests: string
  daysMin: string
  daysMax: string
  pointsMin: string
  pointsMax: string
  /** '' = any month */
  birthdayMonth: string
  registeredFrom: string
  registeredTo: string
}

export const EMPTY_DRAFT: FilterDraft = {
  tierIds: [],
  tags: [],
  rfmSegments: [],
  storeIds: [],
  interests: '',
  daysMin: '',
  daysMax: '',
  pointsMin: '',
  pointsMax: '',
  birthdayMonth: '',
  registeredFrom: '',
  registeredTo: '',
}

type Range = { min?: number; max?: number }

function range(label: string, minText: string, maxText: string): Range | undefined | string {
  const out: Range = {}
  for (const [key, text] of [
    ['min', minText.trim()],
    ['max', maxText.trim()],
  ] as const) {
    if (text === '') continue
    if (!/^\d{1,13}$/.test(text)) return `${label}请填写整数`
    out[key] = Number(text)
  }
  return out.min === undefined && out.max === undefined ? undefined : out
}

/**
 * The filter a draft says (only the keys filled in: `{}` is every member), or the message of the
 * first thing wrong. The contract's own schema has the last word, so its message is shown as is.
 */
export function filterFromDraft(d: FilterDraft): SegmentFilter | string {
  const days = range('未消费天数', d.daysMin, d.daysMax)
  if (typeof days === 'string') return days
  const points = range('积分余额', d.pointsMin, d.pointsMax)
  if (typeof points === 'string') return points
  const interests = d.interests
    .split(/[,，、\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  const from = d.registeredFrom.trim()
  const to = d.registeredTo.trim()
  const raw = {
    ...(d.tags.length ? { tags: d.tags } : {}),
    ...(d.tierIds.length ? { tierIds: d.tierIds } : {}),
    ...(d.rfmSegments.length ? { rfmSegments: d.rfmSegments } : {}),
    ...(d.storeIds.length ? { storeIds: d.storeIds } : {}),
    ...(interests.length ? { interests } : {}),
    ...(days ? { daysSinceLastPurchase: days } : {}),
    ...(points ? { pointsBalance: points } : {}),
    ...(d.birthdayMonth ? { birthdayMonth: Number(d.birthdayMonth) } : {}),
    ...(from || to ? { registeredAt: { ...(from ? { from } : {}), ...(to ? { to } : {}) } } : {}),
  }
  const parsed = segmentFilterSchema.safeParse(raw)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = String(issue.path[0] ?? '')
  const label: Record<string, string> = {
    tags: '标签',
    tierIds: '等级',
    rfmSegments: 'RFM 分群',
    storeIds: '门店',
    interests: '兴趣',
    daysSinceLastPurchase: '未消费天数',
    pointsBalance: '积分余额',
    birthdayMonth: '生日月份',
    registeredAt: '注册日期',
  }
  // the schema's own words where it has them (Chinese); zod's English defaults become a plain sentence
  const message = /[\u4e00-\u9fa5]/.test(issue.message) ? issue.message : '超出范围或格式不正确'
  return `${label[where] ?? '筛选条件'}：${message}`
}

/** The filter back as a draft (a saved segment opened for editing). */
export function draftFromFilter(f: SegmentFilter): FilterDraft {
  return {
    tierIds: f.tierIds ?? [],
    tags: f.tags ?? [],
    rfmSegments: f.rfmSegments ?? [],
    storeIds: f.storeIds ?? [],
    interests: (f.interests ?? []).join('、'),
    daysMin: f.daysSinceLastPurchase?.min?.toString() ?? '',
    daysMax: f.daysSinceLastPurchase?.max?.toString() ?? '',
    pointsMin: f.pointsBalance?.min?.toString() ?? '',
    pointsMax: f.pointsBalance?.max?.toString() ?? '',
    birthdayMonth: f.birthdayMonth?.toString() ?? '',
    registeredFrom: f.registeredAt?.from ?? '',
    registeredTo: f.registeredAt?.to ?? '',
  }
}

/** The filter in words, for the saved segments list. */
export function describeFilter(f: SegmentFilter, tierName: (id: string) => string, storeName: (id: string) => string): string {
  const parts: string[] = []
  const r = (x: Range, unit: string) =>
    x.min !== undefined && x.max !== undefined ? `${x.min}–${x.max}${unit}` : x.min !== undefined ? `≥${x.min}${unit}` : `≤${x.max}${unit}`
  if (f.tierIds) parts.push(`等级 ${f.tierIds.map(tierName).join('/')}`)
  if (f.tags) parts.push(`标签 ${f.tags.join('+')}`)
  if (f.rfmSegments) parts.push(`RFM ${f.rfmSegments.join('/')}`)
  if (f.storeIds) parts.push(`门店 ${f.storeIds.map(storeName).join('/')}`)
  if (f.interests) parts.push(`兴趣 ${f.interests.join('/')}`)
  if (f.daysSinceLastPurchase) parts.push(`未消费 ${r(f.daysSinceLastPurchase, ' 天')}`)
  if (f.pointsBalance) parts.push(`积分 ${r(f.pointsBalance, '')}`)
  if (f.birthdayMonth) parts.push(`${f.birthdayMonth} 月生日`)
  if (f.registeredAt) parts.push(`注册 ${f.registeredAt.from ?? '…'} 至 ${f.registeredAt.to ?? '…'}`)
  return parts.length ? parts.join('；') : '全部会员'
}
