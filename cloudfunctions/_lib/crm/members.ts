/**
 * The merchant's members: search (phone through the keyed hash, card number, nickname prefix, and
 * any segment filter), the member's page (every look written to the access log, PIPL), and manual
 * tags. Phones are shown masked only.
 */
import type { MemberDetailView, MemberPageView, MemberSort, MemberSummaryView } from '../../../shared/contracts/crm';
import type { AccessLogEntry } from '../../../shared/contracts/member';
import { AppError } from '../../../shared/errors';
import { decideTagChange, tagRules } from '../../../shared/rules/member-tags';
import { SEGMENT_GUIDE } from '../../../shared/rules/rfm';
import type { SegmentFilter } from '../../../shared/rules/segments';
import type { CouponDoc } from '../../../shared/schemas/coupon';
import type { CheckinStateDoc } from '../../../shared/schemas/engagement';
import type { MallOrderDoc } from '../../../shared/schemas/mall';
import type { AccessLogDoc, MemberDoc } from '../../../shared/schemas/member';
import type { OrderDoc } from '../../../shared/schemas/orders';
import type { LedgerEntry } from '../../../shared/schemas/points';
import type { TierChangeDoc } from '../../../shared/schemas/tiers';
import { logAccess } from '../platform/access-log';
import type { RoleDoc } from '../platform/auth';
import { database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet } from '../platform/db';
import { normalisePhone, phoneHash } from '../platform/pii';
import { liveMember, phoneHolderId } from '../members';
import { loadLifecycleSettings, memberLifecycle } from '../lifecycle';
import { filterWhere, pageMembers, PAGE_SIZE } from './query';
import { recentNotes } from './notes';

const iso = (d: Date | string) => new Date(d).toISOString();

export function summaryOf(m: MemberDoc): MemberSummaryView {
  return {
    memberId: m._id,
    cardNo: m.cardNo,
    nickname: m.nickname,
    avatarUrl: m.avatarUrl,
    tierId: m.tierId,
    phoneMasked: m.phone?.masked ?? null,
    pointsAvailable: m.points.available,
    growth: m.growth,
    registeredAt: iso(m.registeredAt),
    lastPurchaseAt: m.purchases ? iso(m.purchases.lastAt) : null,
    purchaseCount: m.purchases?.count ?? 0,
    amountFen: m.purchases?.amountFen ?? 0,
    tags: m.crm?.tags ?? [],
    rfmSegment: m.crm?.rfm?.segment ?? null,
  };
}

const PHONE = /^(?:\+?86|0086)?1\d{10}$/;
const CARD_NO = /^8\d{11}$/;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The orders of the sorts besides `cardNo` (by `_id`): a field always present, descending, ties by `_id`. */
const SORT_FIELDS: Record<Exclude<MemberSort, 'cardNo'>, { field: 'registeredAt' | 'points.available'; date: boolean }> = {
  newest: { field: 'registeredAt', date: true },
  points: { field: 'points.available', date: false },
};

interface SortCursor {
  v: string | number;
  id: string;
}
const encodeCursor = (c: SortCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(after: string): SortCursor {
  try {
    const c = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as SortCursor;
    if ((typeof c.v === 'string' || typeof c.v === 'number') && typeof c.id === 'string') return c;
  } catch {
    // answered below
  }
  throw new AppError('VALIDATION_FAILED', '翻页参数 after 无效');
}

/** A page in a sorted order: the ties of the cursor's value after its id, then the values below it. */
async function pageSorted(where: Record<string, unknown>, sort: Exclude<MemberSort, 'cardNo'>, after: string | undefined): Promise<MemberPageView> {
  const db = database();
  const _ = db.command;
  const { field, date } = SORT_FIELDS[sort];
  const ordered = (w: unknown, n: number) =>
    queryDocs<MemberDoc>(
      db
        .collection('members')
        .where(w as object)
        .orderBy(field, 'desc')
        .orderBy('_id', 'asc')
        .limit(n),
    );
  let members: MemberDoc[];
  if (!after) members = await ordered(where, PAGE_SIZE);
  else {
    const c = decodeCursor(after);
    const value = date ? new Date(c.v) : c.v;
    const ties = await queryDocs<MemberDoc>(
      db
        .collection('members')
        .where(_.and([where, { [field]: value, _id: _.gt(c.id) }]))
        .orderBy('_id', 'asc')
        .limit(PAGE_SIZE),
    );
    const rest = ties.length < PAGE_SIZE ? await ordered(_.and([where, { [field]: _.lt(value) }]), PAGE_SIZE - ties.length) : [];
    members = [...ties, ...rest];
  }
  const last = members[members.length - 1];
  const v = (m: MemberDoc) => (date ? iso(m.registeredAt) : m.points.available);
  return { members: members.map(summaryOf), nextAfter: members.length === PAGE_SIZE ? encodeCursor({ v: v(last), id: last._id }) : null };
}

/** The member a phone or card number names, if they also match the filter: one page at most. */
async function exactly(where: Record<string, unknown>, memberId: string | null): Promise<MemberPageView> {
  if (!memberId) return { members: [], nextAfter: null };
  const found = await queryDocs<MemberDoc>(
    database()
      .collection('members')
      .where({ ...where, _id: memberId })
      .limit(1),
  );
  return { members: found.map(summaryOf), nextAfter: null };
}

export async function searchMembers(
  input: { query?: string; filter?: SegmentFilter; sort: MemberSort; after?: string },
  today: string,
): Promise<MemberPageView> {
  const where = filterWhere(input.filter ?? {}, today);
  const q = input.query?.replace(/[\s-]/g, '');
  if (q && PHONE.test(q)) return exactly(where, await phoneHolderId(phoneHash(normalisePhone(q))));
  if (q && CARD_NO.test(q)) return exactly(where, q);
  // A nickname's start: a prefix regular expression, which the `nickname` index serves on the cloud.
  const named = input.query ? { ...where, nickname: database().RegExp({ regexp: `^${escapeRegExp(input.query)}` }) } : where;
  if (input.sort === 'cardNo') {
    const page = await pageMembers(named, input.after);
    return { members: page.members.map(summaryOf), nextAfter: page.nextAfter };
  }
  return pageSorted(named, input.sort, input.after);
}

const RECENT = 20;

/** The member's page; the look is written to the access log before anything is answered. */
export async function memberDetail(role: RoleDoc, memberId: string, now: Date): Promise<MemberDetailView> {
  const db = database();
  const member = liveMember(await getById<MemberDoc>('members', memberId));
  const byMember = { memberId };
  const [{ settings }, lifecycle, orders, ledger, coupons, mallOrders, checkin, tierChanges, notes] = await Promise.all([
    loadLifecycleSettings(),
    memberLifecycle(memberId, now),
    queryDocs<OrderDoc>(db.collection('orders').where(byMember).orderBy('paidAt', 'desc').limit(RECENT)),
    queryDocs<LedgerEntry>(db.collection('ledger').where(byMember).orderBy('createdAt', 'desc').limit(RECENT)),
    queryDocs<CouponDoc>(db.collection('coupons').where(byMember).limit(100)),
    queryDocs<MallOrderDoc>(db.collection('mall_orders').where(byMember).orderBy('createdAt', 'desc').limit(RECENT)),
    getById<CheckinStateDoc>('checkin_state', memberId),
    queryDocs<TierChangeDoc>(db.collection('tier_changes').where(byMember).orderBy('at', 'desc').limit(RECENT)),
    recentNotes(memberId),
  ]);
  await logAccess(role, memberId, 'console', now);
  const access = await queryDocs<AccessLogDoc>(db.collection('access_log').where(byMember).orderBy('at', 'desc').limit(RECENT));

  const rules = new Map(tagRules(settings.dormancy).map((r) => [r.tag as string, r.rule]));
  const auto = new Set(member.crm?.autoTags ?? []);
  const rfm = member.crm?.rfm ?? null;
  return {
    member: {
      ...summaryOf(member),
      gender: member.gender ?? null,
      birthday: member.birthday ? { month: member.birthday.month, day: member.birthday.day } : null,
      pointsPending: member.points.pending,
      interests: member.interests ?? [],
    },
    tags: (member.crm?.tags ?? []).map((tag) => (auto.has(tag) ? { tag, kind: 'auto', rule: rules.get(tag) ?? null } : { tag, kind: 'manual', rule: null })),
    rfm: rfm ? { ...rfm, ...SEGMENT_GUIDE[rfm.segment] } : null,
    lifecycle,
    orders: orders.map((o) => ({
      orderId: o._id,
      storeId: o.storeId,
      receiptNo: o.receiptNo,
      amountFen: o.amountFen,
      refundedFen: o.refundedFen,
      points: o.points,
      paidAt: iso(o.paidAt),
    })),
    ledger: ledger.map((e) => ({ entryId: e._id, kind: e.kind, delta: e.delta, reason: e.reason, balanceAfter: e.balanceAfter, createdAt: iso(e.createdAt) })),
    coupons: coupons
      .sort((a, b) => new Date(b.issuedAt).getTime() - new Date(a.issuedAt).getTime())
      .slice(0, RECENT)
      .map((c) => ({ couponId: c._id, title: c.terms.title, status: c.status, endsAt: iso(c.endsAt), usedAt: c.used ? iso(c.used.at) : null })),
    mallOrders: mallOrders.map((o) => ({
      orderId: o._id,
      title: o.title,
      quantity: o.quantity,
      pointsSpent: o.pointsSpent,
      status: o.status,
      createdAt: iso(o.createdAt),
    })),
    checkin: checkin ? { streak: checkin.streak, longest: checkin.longest, total: checkin.total, lastDay: checkin.lastDay } : null,
    tierChanges: tierChanges.map((t) => ({ kind: t.kind, fromTierId: t.fromTierId, toTierId: t.toTierId, reason: t.reason, at: iso(t.at) })),
    notes,
    accessLog: access.map((e): AccessLogEntry => ({ _id: e._id, memberId: e.memberId, actor: e.actor, by: e.by, at: iso(e.at) })),
  };
}

/**
 * Manual tags on a list of members: every member's change decided on one read first (a change over
 * the per-member limit refuses the whole request before anything is written), then one transaction
 * per member that decides again on the member as it is then.
 */
export async function tagMembers(
  input: { memberIds: string[]; add?: string[]; remove?: string[] },
  today: string,
): Promise<{ updated: number; notFound: string[] }> {
  const db = database();
  const ids = [...new Set(input.memberIds)];
  const { settings } = await loadLifecycleSettings();
  const found = await queryDocs<MemberDoc>(
    db
      .collection('members')
      .where({ _id: db.command.in(ids) })
      .limit(ids.length),
  );
  const live = new Map(found.filter((m) => !m.deletedAt).map((m) => [m._id, m]));
  for (const m of live.values()) decideTagChange(m, input, today, settings.dormancy);
  let updated = 0;
  for (const id of ids) {
    if (!live.has(id)) continue;
    const changed = await inTransaction(async (tx) => {
      const m = await txGet<MemberDoc>(tx, 'members', id);
      if (!m || m.deletedAt) return false;
      const next = decideTagChange(m, input, today, settings.dormancy);
      if (!next) return false;
      await tx
        .collection('members')
        .doc(id)
        .update({ data: { 'crm.autoTags': next.autoTags, 'crm.manualTags': next.manualTags, 'crm.tags': next.tags } });
      return true;
    });
    if (changed) updated += 1;
  }
  return { updated, notFound: ids.filter((id) => !live.has(id)) };
}
