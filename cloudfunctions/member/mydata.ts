import { AppError } from '../../shared/errors';
import type { CollectionName } from '../../shared/schemas/collections';
import type { AccessLogDoc, MemberDoc } from '../../shared/schemas/member';
import { DEFAULT_TIER_CONFIG } from '../../shared/rules/tiers';
import type { MyDataExport, Wire } from '../../shared/rules/data-export';
import type { OrderDoc } from '../../shared/schemas/orders';
import type { LedgerEntry } from '../../shared/schemas/points';
import type { CouponDoc } from '../../shared/schemas/coupon';
import type { TierChangeDoc } from '../../shared/schemas/tiers';
import type { Address, MallOrderDoc } from '../../shared/schemas/mall';
import type { CheckinMonthDoc } from '../../shared/schemas/engagement';
import { storeName } from '../_lib/orders';
import { loadTierConfig } from '../_lib/tiers';
import { database } from '../_lib/platform/cloud';
import { findOne, inTransaction, queryDocs, txGet, withRetry } from '../_lib/platform/db';
import { releasePhoneClaim } from '../_lib/members';
import { forfeitAllPoints } from '../_lib/points';
import { decryptPhone, decryptText } from '../_lib/platform/pii';
import { recordDeparture } from './join';

async function allOf<T>(collection: CollectionName, memberId: string): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await queryDocs<T>(database().collection(collection).where({ memberId }).skip(skip).limit(1000));
    out.push(...page);
    if (page.length < 1000) break;
  }
  return out;
}

/** A document as the answer carries it: every Date an ISO string, the same on the cloud and locally. */
function toWire<T>(value: T): Wire<T> {
  if (value instanceof Date) return value.toISOString() as Wire<T>;
  if (Array.isArray(value)) return value.map((v: unknown) => toWire(v)) as Wire<T>;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toWire(v);
    return out as Wire<T>;
  }
  return value as Wire<T>;
}

/** Store names for the stores the export mentions (cached per instance: a few reads at most). */
async function storeNames(ids: Iterable<string | null>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const id of new Set(ids)) {
    if (!id) continue;
    const name = await storeName(id);
    if (name) out[id] = name;
  }
  return out;
}

/**
 * Everything the system holds about the member (PIPL right of access), phone decrypted for them:
 * the documents as stored (for machines; the client turns them into a readable file with
 * shared/rules/data-export.ts), with the names of the stores and tiers they mention.
 */
export async function exportMyData(member: MemberDoc, now: Date): Promise<MyDataExport> {
  const { openid: _openid, phone, ...rest } = member;
  const [orders, ledger, coupons, tierChanges, mallOrders, checkins, accessLog, tierConfig] = await Promise.all([
    allOf<OrderDoc>('orders', member._id),
    allOf<LedgerEntry>('ledger', member._id),
    allOf<CouponDoc>('coupons', member._id),
    allOf<TierChangeDoc>('tier_changes', member._id),
    allOf<MallOrderDoc>('mall_orders', member._id),
    allOf<CheckinMonthDoc>('checkin_months', member._id),
    // who at the merchant looked the member up (staff names and stores; their openids are not the member's data)
    allOf<AccessLogDoc>('access_log', member._id).then((rows) =>
      rows.map(({ actor, by, at }) => ({ by, at: new Date(at).toISOString(), staff: actor.name, role: actor.role, storeId: actor.storeId })),
    ),
    loadTierConfig(),
  ]);
  const stores = await storeNames([...orders.map((o) => o.storeId), ...accessLog.map((a) => a.storeId)]);
  return {
    exportedAt: now.toISOString(),
    format: 'huiyuan-member-export/1',
    member: { ...toWire(rest), wechatOpenid: member.openid, phone: phone ? decryptPhone(phone.cipher) : null },
    orders: orders.map(toWire),
    ledger: ledger.map(toWire),
    coupons: coupons.map(toWire),
    tierChanges: tierChanges.map(toWire),
    mallOrders: mallOrders.map(({ address, ...o }) => ({ ...toWire(o), address: address ? (JSON.parse(decryptText(address.cipher)) as Address) : null })),
    checkins: checkins.map(toWire),
    accessLog,
    names: { stores, tiers: Object.fromEntries(tierConfig.tiers.map((t) => [t.id, t.name])) },
  };
}

/**
 * What erasure does to each collection holding the member's personal data beyond the card number
 * (docs/privacy.md lists every collection and why the others keep what they keep). Each step is a
 * where-update or where-remove, so a re-run finds nothing left to do.
 */
async function scrubCollections(memberId: string): Promise<void> {
  const db = database();
  const steps: (() => Promise<unknown>)[] = [
    // The delivery address (name, phone, street): the order stays for the books, the address goes.
    () =>
      db
        .collection('mall_orders')
        .where({ memberId })
        .update({ data: { address: null } }) as Promise<unknown>,
    // Consent to subscribe messages: nothing is sent to an erased member.
    () => db.collection('subscribe_credits').where({ memberId }).remove() as Promise<unknown>,
    // Habits: the check-in streak and calendar, the dormancy stage, the learned repurchase cycles.
    () => db.collection('checkin_state').where({ memberId }).remove() as Promise<unknown>,
    () => db.collection('checkin_months').where({ memberId }).remove() as Promise<unknown>,
    () => db.collection('member_lifecycle').where({ memberId }).remove() as Promise<unknown>,
    () => db.collection('purchase_cycles').where({ memberId }).remove() as Promise<unknown>,
    // What the merchant's staff wrote about the person (crm.noteMember).
    () => db.collection('crm_notes').where({ memberId }).remove() as Promise<unknown>,
  ];
  for (const step of steps) await withRetry(step, { retryConflicts: false });
}

/** Voids the member's unused coupons, each conditional on `unused` (a retry after a lost reply voids nothing twice). */
async function voidOpenCoupons(memberId: string, now: Date): Promise<number> {
  let voided = 0;
  const open = await queryDocs<{ _id: string }>(database().collection('coupons').where({ memberId, status: 'unused' }).limit(1000));
  for (const c of open) {
    const res = (await withRetry(
      () =>
        database()
          .collection('coupons')
          .where({ _id: c._id, status: 'unused' })
          .update({ data: { status: 'void', voidedAt: now, voidReason: 'account_deleted' } }) as Promise<unknown>,
      { retryConflicts: false },
    )) as { stats?: { updated?: number } };
    voided += res.stats?.updated ?? 0;
  }
  return voided;
}

/**
 * Account deletion (PIPL right to erasure). First the erasure is marked begun on the member (one
 * transaction): no coupon or mall redemption commits for them after it. Then open coupons are voided;
 * the other collections are scrubbed (`scrubCollections`); points are forfeited with a ledger entry
 * (the books stay balanced, kept under the member id, a card number and not personal data); the
 * OPENID is replaced by a pseudonym (so opening the card again creates a fresh member) and nickname,
 * avatar, phone, gender, birthday and consent are erased. Orders, ledger entries and tier changes
 * stay, keyed by the card number only. Re-runnable: each step is idempotent.
 */
export async function deleteAccount(openid: string, now: Date): Promise<{ memberId: string; couponsVoided: number; pointsForfeited: number }> {
  const found = await findOne<MemberDoc>('members', { openid });
  if (!found) throw new AppError('NOT_A_MEMBER');
  const memberId = found._id;
  // Before the OPENID is erased: a keyed hash and the date, so a rejoin earns no second registration bonus.
  await recordDeparture(openid, now);
  const _ = database().command;
  // Before anything is voided: issuing transactions read it first and refuse (the mall's also writes
  // the member, so it cannot commit past it); what committed before is voided below, and again at the end.
  await inTransaction(async (tx) => {
    const member = await txGet<MemberDoc>(tx, 'members', memberId);
    if (!member) throw new AppError('MEMBER_NOT_FOUND');
    if (!member.erasureBegunAt)
      await tx
        .collection('members')
        .doc(memberId)
        .update({ data: { erasureBegunAt: now } });
  });

  let couponsVoided = await voidOpenCoupons(memberId, now);
  await scrubCollections(memberId);

  const forfeited = await inTransaction(async (tx) => {
    const member = await txGet<MemberDoc>(tx, 'members', memberId);
    if (!member) throw new AppError('MEMBER_NOT_FOUND');
    const entry = await forfeitAllPoints(tx, { ...member, _id: memberId }, '注销账户，积分作废', now);
    // The number is free again for whoever binds it next.
    await releasePhoneClaim(tx, memberId, member.phone?.hash);
    await tx
      .collection('members')
      .doc(memberId)
      .update({
        data: {
          openid: `deleted:${memberId}`,
          nickname: '已注销会员',
          avatarUrl: '',
          phone: _.remove(),
          gender: _.remove(),
          birthday: _.remove(),
          birthdayMD: _.remove(),
          birthdayChangedAt: _.remove(),
          privacy: _.remove(),
          terms: _.remove(),
          // the merchant's tags and notes about the person, their interests, their RFM profile
          crm: _.remove(),
          interests: _.remove(),
          tierId: DEFAULT_TIER_CONFIG.tiers[0].id,
          growth: 0,
          graceStartedAt: null,
          tierReviewDueOn: null,
          deletedAt: now,
          updatedAt: now,
        },
      });
    return entry ? -(entry.delta + entry.pendingDelta) : 0;
  });
  // Again at the end: an issuing transaction that read the member before the mark (its snapshot
  // older) may have committed after the first sweep; none can start unrefused now.
  couponsVoided += await voidOpenCoupons(memberId, now);
  return { memberId, couponsVoided, pointsForfeited: forfeited };
}
