import { z } from 'zod';
import { act, MERCHANT_ONLY } from '../contract';
import { labelRequests } from '../validation';
import type { MemberLifecycleView } from './marketing';
import type { AccessLogEntry } from './member';
import type { RfmSegment } from '../rules/rfm';
import { manualTagSchema } from '../rules/member-tags';
import { noteTextSchema } from '../rules/member-notes';
import { segmentFilterSchema, segmentNameSchema, type SegmentFilter } from '../rules/segments';
import { DASHBOARD_MAX_DAYS, daysInRange, type DashboardView } from '../rules/dashboard';
import { businessDate } from '../schemas/common';

const memberId = z.string().min(1).max(64);
/** a paging cursor as answered in `nextAfter` */
const after = z.string().min(1).max(200);

export const MEMBER_SORTS = ['cardNo', 'newest', 'points'] as const;
export type MemberSort = (typeof MEMBER_SORTS)[number];

/** `crm` requests: the merchant's members, tags and segments (issue 21). */
const crmRequests = {
  /**
   * `query`: an 11-digit phone (found through the keyed hash), a card number, or the start of a
   * nickname; `filter`: a segment filter; both may be given (both must hold).
   */
  searchMembers: z
    .object({
      query: z.string().trim().min(1).max(32).optional(),
      filter: segmentFilterSchema.optional(),
      sort: z.enum(MEMBER_SORTS).default('cardNo'),
      after: after.optional(),
    })
    .strict(),
  memberDetail: z.object({ memberId }).strict(),
  tagMembers: z
    .object({
      memberIds: z.array(memberId).min(1).max(100),
      add: z.array(manualTagSchema).min(1).max(10).optional(),
      remove: z.array(manualTagSchema).min(1).max(10).optional(),
    })
    .strict()
    .refine((t) => t.add || t.remove, '请填写要添加或移除的标签'),
  /** a note on a member (备注); `requestId` keys it, so a retried tap writes it once */
  noteMember: z.object({ memberId, text: noteTextSchema, requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'requestId 应为 8–64 位字母数字') }).strict(),
  listTags: z.object({}).strict(),
  countSegment: z.object({ filter: segmentFilterSchema }).strict(),
  saveSegment: z.object({ name: segmentNameSchema, filter: segmentFilterSchema, expectedVersion: z.number().int().min(0).optional() }).strict(),
  listSegments: z.object({}).strict(),
  segmentMembers: z.object({ segmentId: z.string().min(1).max(64), after: after.optional() }).strict(),
  /** business dates (Asia/Shanghai), both included, at most 400 days */
  dashboard: z
    .object({ from: businessDate, to: businessDate })
    .strict()
    .refine((r) => r.to >= r.from, { message: '结束日期不能早于开始日期', path: ['to'] })
    .refine((r) => r.to < r.from || daysInRange(r.from, r.to) <= DASHBOARD_MAX_DAYS, { message: `日期范围最多 ${DASHBOARD_MAX_DAYS} 天`, path: ['to'] }),
};

// The fields as the merchant's 会员 and 分群 pages name them (shared/validation.ts: fieldLabel).
labelRequests(crmRequests, {
  query: '搜索内容',
  filter: '筛选条件',
  sort: '排序方式',
  after: '起始位置',
  memberId: '会员',
  memberIds: '会员',
  add: '添加的标签',
  remove: '移除的标签',
  name: '分群名称',
  segmentId: '分群',
  expectedVersion: '当前版本',
  tags: '标签',
  interests: '兴趣',
  rfmSegments: '价值分层',
  birthdayMonth: '生日月份',
  tierIds: '等级',
  storeIds: '门店',
  daysSinceLastPurchase: '未消费天数',
  'daysSinceLastPurchase.min': '未消费天数下限',
  'daysSinceLastPurchase.max': '未消费天数上限',
  pointsBalance: '积分余额',
  'pointsBalance.min': '积分余额下限',
  'pointsBalance.max': '积分余额上限',
  registeredAt: '开卡时间',
  'registeredAt.from': '开卡开始日期',
  'registeredAt.to': '开卡结束日期',
});

/** One member in the merchant's lists: the phone masked, never in full. */
export interface MemberSummaryView {
  memberId: string;
  cardNo: string;
  nickname: string;
  avatarUrl: string;
  tierId: string;
  phoneMasked: string | null;
  pointsAvailable: number;
  growth: number;
  registeredAt: string;
  lastPurchaseAt: string | null;
  purchaseCount: number;
  amountFen: number;
  tags: string[];
  rfmSegment: RfmSegment | null;
}

export interface MemberPageView {
  members: MemberSummaryView[];
  /** pass as `after` for the next page; null: the last page */
  nextAfter: string | null;
}

export interface MemberTagView {
  tag: string;
  kind: 'auto' | 'manual';
  /** the rule of an automatic tag, as the merchant reads it */
  rule: string | null;
}

/** The member's page for the merchant (reading it is written to the access log). */
export interface MemberDetailView {
  member: MemberSummaryView & {
    gender: 'male' | 'female' | 'unknown' | null;
    /** month and day only: the year is the member's own */
    birthday: { month: number; day: number } | null;
    pointsPending: number;
    interests: string[];
  };
  tags: MemberTagView[];
  rfm: { r: number; f: number; m: number; segment: RfmSegment; who: string; todo: string } | null;
  lifecycle: MemberLifecycleView;
  orders: { orderId: string; storeId: string; receiptNo: string; amountFen: number; refundedFen: number; points: number; paidAt: string }[];
  ledger: { entryId: string; kind: string; delta: number; reason: string; balanceAfter: number; createdAt: string }[];
  coupons: { couponId: string; title: string; status: string; endsAt: string; usedAt: string | null }[];
  mallOrders: { orderId: string; title: string; quantity: number; pointsSpent: number; status: string; createdAt: string }[];
  checkin: { streak: number; longest: number; total: number; lastDay: string | null } | null;
  tierChanges: { kind: string; fromTierId: string; toTierId: string; reason: string; at: string }[];
  /** the merchant's notes, newest first (the latest 20) */
  notes: MemberNoteView[];
  /** the latest looks at this member by staff and the merchant (this one included) */
  accessLog: AccessLogEntry[];
}

export interface MemberNoteView {
  noteId: string;
  text: string;
  byName: string;
  at: string;
}

/** The tags page: every automatic tag with its rule, every manual tag used, each with its member count. */
export interface TagListView {
  auto: { tag: string; rule: string; count: number }[];
  manual: { tag: string; count: number }[];
}

export interface SegmentView {
  segmentId: string;
  name: string;
  filter: SegmentFilter;
  version: number;
  updatedAt: string;
  updatedByName: string;
}

/** `crm`: merchant only (staff and consumers are FORBIDDEN, before their input is looked at). */
export const crmContract = {
  searchMembers: act(crmRequests.searchMembers, MERCHANT_ONLY).returns<MemberPageView>(),
  memberDetail: act(crmRequests.memberDetail, MERCHANT_ONLY).returns<MemberDetailView>(),
  /** manual tags on up to 100 members; the answer counts the members changed */
  tagMembers: act(crmRequests.tagMembers, MERCHANT_ONLY).returns<{ updated: number; notFound: string[] }>(),
  noteMember: act(crmRequests.noteMember, MERCHANT_ONLY).returns<{ note: MemberNoteView; duplicate: boolean }>(),
  listTags: act(crmRequests.listTags, MERCHANT_ONLY).returns<TagListView>(),
  countSegment: act(crmRequests.countSegment, MERCHANT_ONLY).returns<{ count: number }>(),
  saveSegment: act(crmRequests.saveSegment, MERCHANT_ONLY).returns<{ segmentId: string; version: number }>(),
  listSegments: act(crmRequests.listSegments, MERCHANT_ONLY).returns<SegmentView[]>(),
  segmentMembers: act(crmRequests.segmentMembers, MERCHANT_ONLY).returns<MemberPageView>(),
  /** the dashboard from the daily snapshots (shared/rules/dashboard.ts); the liability is live */
  dashboard: act(crmRequests.dashboard, MERCHANT_ONLY).returns<DashboardView>(),
};
