import crypto from 'node:crypto';
import { AppError } from '../../shared/errors';
import { businessDate, startOfBusinessDate } from '../../shared/calendar';
import type { VerificationView } from '../../shared/contracts/coupon';
import type { CouponAuditDoc, CouponDoc, CouponUse } from '../../shared/schemas/coupon';
import { effectiveStatus } from '../../shared/rules/coupons';
import { decideVerification, refusalOf, thresholdRefusal } from '../../shared/rules/coupon-verify';
import type { RoleDoc } from '../_lib/platform/auth';
import { database } from '../_lib/platform/cloud';
import { getById, inTransaction, queryDocs, txGet } from '../_lib/platform/db';
import { fingerprint, replayOf } from '../_lib/platform/idempotency';
import { toVerificationView } from './views';
import { storeName as cachedStoreName } from '../_lib/orders';

/** A verification may be undone for this long, by the merchant or a store manager of its store. */
const UNDO_WINDOW_MS = 10 * 60_000;

/** `roles` documents may mark a clerk as the store's manager (undo rights at their store). */
export type StaffDoc = RoleDoc & { storeManager?: boolean };

/** The store a verification happens at: a clerk's own (another is FORBIDDEN); the merchant's choice. */
export function storeOf(role: StaffDoc, requested: string | undefined): string | null {
  if (role.role === 'staff') {
    if (!role.storeId) throw new AppError('FORBIDDEN', '店员未绑定门店');
    if (requested && requested !== role.storeId) throw new AppError('FORBIDDEN', '只能在本门店核销');
    return role.storeId;
  }
  return requested ?? null;
}

export async function storeNames(): Promise<Map<string, string>> {
  const stores = await queryDocs<{ _id: string; name?: string }>(database().collection('stores').where({}).limit(200));
  return new Map(stores.map((s) => [s._id, s.name ?? s._id]));
}

const actorOf = (role: StaffDoc, storeId: string | null) => ({ openid: role.openid, name: role.name, role: role.role, storeId });

const hashed = (prefix: string, parts: (string | number | null)[]) =>
  `${prefix}-${crypto
    .createHash('sha256')
    .update(parts.map((p) => String(p)).join('\n'))
    .digest('hex')
    .slice(0, 32)}`;

/**
 * The idempotency key of a verification (platform/idempotency.ts: one key, one request): the till's
 * `requestId` when it sends one, else the natural key of the request — this clerk, this coupon, this
 * store, this order, in the coupon's current life (the number of undos: after an undo a scan is a new
 * verification). Either way the key derives from the staff member, so another clerk's never matches.
 */
function verificationKey(role: StaffDoc, c: CouponDoc, storeId: string | null, orderId: string | null, requestId: string | undefined) {
  const id = requestId ? hashed('r', [role.openid, requestId]) : hashed('n', [role.openid, c._id, storeId, orderId, c.undone?.length ?? 0]);
  return { id, params: { couponId: c._id, storeId, orderId } };
}

/**
 * unused → used exactly once: one transaction conditional on the coupon being unused, writing the use
 * (staff, store, time, order) and the audit entry `verify:<key>` together. The audit entry is the
 * key's record: a retry after a lost reply (the same key, the same parameters) answers the first
 * verification instead of COUPON_ALREADY_USED; a key reused for another coupon or order, or for a
 * verification undone since, is IDEMPOTENCY_KEY_REUSED.
 */
interface VerifyRequest {
  couponId: string;
  storeId: string | null;
  orderId: string | null;
  /** the order's amount for the threshold; null: the caller sent none (not checked) */
  orderAmountFen: number | null;
  requestId?: string;
}

export async function verifyCoupon(role: StaffDoc, request: VerifyRequest, now: Date) {
  const { couponId, storeId, orderId, orderAmountFen, requestId } = request;
  // The store's name from the instance's copy (_lib/orders/stores.ts): it only labels the use.
  const storeName = storeId ? ((await cachedStoreName(storeId)) ?? storeId) : '商家后台';
  // A coupon already used by someone else (the second till, the 200th scan) is answered from a plain read, with no transaction.
  const before = await getById<CouponDoc>('coupons', couponId);
  if (!before) throw new AppError('COUPON_CODE_INVALID');
  const early = refusalOf(before, storeId, now) ?? thresholdRefusal(before, orderAmountFen);
  if (early && before.used?.verificationId !== verificationKey(role, before, storeId, orderId, requestId).id) throw early;
  return inTransaction(async (tx) => {
    const c = await txGet<CouponDoc>(tx, 'coupons', couponId);
    if (!c) throw new AppError('COUPON_CODE_INVALID');
    const key = verificationKey(role, c, storeId, orderId, requestId);
    // A request id may have been spent on another coupon: its record is read. A natural key names this
    // coupon in its current life and all the parameters: it is recorded exactly when it is the coupon's
    // own use (no read).
    const seen = requestId
      ? replayOf(await txGet<CouponAuditDoc>(tx, 'coupon_audit', `verify:${key.id}`), key.params, {
          key: key.id,
          message: '该核销请求号已用于另一次核销，请重新扫码',
          legacySame: (r) => r.couponId === c._id && r.storeId === storeId && r.orderId === orderId,
        })
      : c.used?.verificationId === key.id
        ? 'replay'
        : 'new';
    const decision = decideVerification({
      coupon: c,
      seen,
      key: key.id,
      fingerprint: fingerprint(key.params),
      staff: { openid: role.openid, name: role.name, role: role.role },
      storeId,
      storeName,
      orderId,
      orderAmountFen,
      now,
    });
    if (decision.kind === 'refused') throw decision.error;
    if (decision.kind === 'replay') return decision.answer;
    await tx
      .collection('coupons')
      .doc(couponId)
      .update({ data: { status: 'used', used: database().command.set(decision.use) } });
    await tx.collection('coupon_audit').add({ data: decision.audit });
    return decision.answer;
  });
}

function mayUndo(role: StaffDoc, use: CouponUse): boolean {
  if (role.role === 'merchant') return true;
  return role.storeManager === true && !!role.storeId && use.storeId === role.storeId;
}

/** The merchant, or a store manager at the coupon's store, within 10 minutes: the coupon is unused again. */
export async function undoVerification(role: StaffDoc, couponId: string, now: Date) {
  const undoId = crypto.randomUUID();
  return inTransaction(async (tx) => {
    const c = await txGet<CouponDoc>(tx, 'coupons', couponId);
    if (!c) throw new AppError('NOT_FOUND', '优惠券不存在');
    const last = c.undone?.[c.undone.length - 1];
    if (c.status !== 'used' && last?.undoId === undoId) return { couponId, status: effectiveStatus(c, now), undoneAt: now.toISOString() };
    if (c.status !== 'used' || !c.used) throw new AppError('COUPON_NOT_USED');
    if (!mayUndo(role, c.used)) throw new AppError('FORBIDDEN', '仅商家或本店店长可撤销核销');
    if (now.getTime() - new Date(c.used.at).getTime() > UNDO_WINDOW_MS) throw new AppError('COUPON_UNDO_WINDOW_PASSED');
    const _ = database().command;
    const undone = [...(c.undone ?? []), { use: c.used, at: now, by: role.name, undoId }];
    await tx
      .collection('coupons')
      .doc(couponId)
      .update({ data: { status: 'unused', used: _.set(null), undone: _.set(undone) } });
    const audit: CouponAuditDoc = {
      _id: `undo:${undoId}`,
      action: 'undo',
      couponId,
      memberId: c.memberId,
      title: c.terms.title,
      actor: actorOf(role, role.storeId ?? null),
      storeId: c.used.storeId,
      storeName: c.used.storeName,
      orderId: c.used.orderId,
      at: now,
    };
    await tx.collection('coupon_audit').add({ data: audit });
    return { couponId, status: effectiveStatus({ status: 'unused', endsAt: c.endsAt }, now), undoneAt: now.toISOString() };
  });
}

/** Audit entries as views: whether each verification still stands and whether `role` may undo it now. */
export async function verificationViews(entries: CouponAuditDoc[], role: StaffDoc, now: Date): Promise<VerificationView[]> {
  const ids = [...new Set(entries.filter((e) => e.action === 'verify').map((e) => e.couponId))];
  const _ = database().command;
  const coupons = ids.length
    ? await queryDocs<CouponDoc>(
        database()
          .collection('coupons')
          .where({ _id: _.in(ids) })
          .limit(ids.length),
      )
    : [];
  const byId = new Map(coupons.map((c) => [c._id, c]));
  return entries.map((e) => {
    const c = byId.get(e.couponId);
    const active = e.action === 'verify' && c?.status === 'used' && `verify:${c.used?.verificationId}` === e._id;
    const canUndo = active && !!c?.used && mayUndo(role, c.used) && now.getTime() - new Date(e.at).getTime() <= UNDO_WINDOW_MS;
    return toVerificationView(e, { active, canUndo });
  });
}

/** The caller's own verifications and undos of today (Shanghai), newest first. */
export async function myVerifications(role: StaffDoc, now: Date) {
  const day = businessDate(now);
  const _ = database().command;
  const entries = await queryDocs<CouponAuditDoc>(
    database()
      .collection('coupon_audit')
      .where({ 'actor.openid': role.openid, at: _.gte(startOfBusinessDate(day)) })
      .orderBy('at', 'desc')
      .limit(200),
  );
  return { day, entries: await verificationViews(entries, role, now) };
}
