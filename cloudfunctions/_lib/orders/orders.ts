/**
 * Orders earn points: read, decide, write. The call reads what the order needs (the rules, the store's
 * hour, the tier ladder, then in the transaction the member and, on a birthday, the engagement
 * settings); `decideOrderCredit` (shared/rules/order.ts) decides the whole effect as one value; one
 * transaction writes it: the order, the earn entry `order:<orderId>:earn`, the member's points,
 * growth, tier and order counters, the fraud flags, and (POS) the request's nonce.
 * Idempotent on (storeId, receiptNo): the order's `_id` is `pos:<storeId>:<receiptNo>` and carries
 * the fingerprint of the sale (member, amount) and the result it answered, so a replayed receipt
 * answers exactly the first result (held and flags included) and credits nothing; the same receipt
 * number for another sale is IDEMPOTENCY_KEY_REUSED.
 */
import { AppError, isAppError } from '../../../shared/errors';
import type { CreditResult, RefundResult } from '../../../shared/contracts/points';
import type { MemberDoc } from '../../../shared/schemas/member';
import type { EarningRules, LedgerEntry, OrderInput } from '../../../shared/schemas/points';
import { businessDate } from '../../../shared/calendar';
import { isBirthday } from '../../../shared/rules/engagement';
import { decideOrderCredit, decideRefund, type OrderCredit, type OrderRefund, type Refusal } from '../../../shared/rules/order';
import type { TierConfig } from '../../../shared/rules/tiers';
import { database } from '../platform/cloud';
import { loadEngagementSettings } from '../engagement';
import { inTransaction, isDuplicateKey, memberTurn, txGet, type Tx } from '../platform/db';
import { commitPoints, txEntry, txMember, loadRules } from '../points';
import { loadTierConfig, recordTierStep } from '../tiers';
import { isKeyRecorded, KeyRecorded, replayOf, fingerprint } from '../platform/idempotency';
import { countStoreOrder, storeHourState } from './store-hours';
import type { Actor } from '../platform/auth';
import { rewardFirstPurchase } from '../referral';
import { log } from '../platform/log';
import type { OrderDoc } from '../../../shared/schemas/orders';
export type { OrderDoc };

export const orderIdFor = (storeId: string, receiptNo: string) => `pos:${storeId}:${receiptNo}`;

/** A POS request's nonce, recorded in the order's transaction so it is never accepted twice. */
interface NonceClaim {
  id: string;
  expiresAt: Date;
  /** the invocation that claims it: our own retry after a lost reply is not a reuse */
  invocation: string;
}

/** Records a POS nonce in the caller's transaction; POS_NONCE_REUSED if another request used it. */
async function claimNonce(tx: Tx, claim: NonceClaim, ref: string): Promise<void> {
  const seen = await txGet<NonceClaim>(tx, 'pos_nonces', claim.id);
  if (seen && seen.invocation !== claim.invocation) throw new AppError('POS_NONCE_REUSED');
  if (!seen) await tx.collection('pos_nonces').add({ data: { _id: claim.id, expiresAt: claim.expiresAt, invocation: claim.invocation, ref } });
}

/** A sale is its member and amount, not the payment time: a POS that re-sends may re-stamp it. */
const saleOf = (memberId: string, amountFen: number) => ({ memberId, amountFen });

/** The first answer, from the stored order (orders written before `held`/`maturesOn` were kept: derived). */
function replayed(order: OrderDoc, holdFlagged: boolean): CreditResult {
  return {
    orderId: order._id,
    memberId: order.memberId,
    points: order.points,
    growth: order.growth,
    maturesOn: order.maturesOn ?? null,
    held: order.held ?? (order.flags.length > 0 && holdFlagged),
    flags: order.flags ?? [],
    duplicate: true,
  };
}

/** The member read in the transaction; null when missing or erased (the decision refuses it). */
async function liveMemberOrNull(tx: Tx, memberId: string): Promise<MemberDoc | null> {
  try {
    return await txMember(tx, memberId, { live: true });
  } catch (e) {
    if (isAppError(e) && e.code === 'MEMBER_NOT_FOUND') return null;
    throw e;
  }
}

const errorOf = (r: Refusal) => new AppError(r.code, r.message, r.details);

interface CreditOptions {
  channel: 'pos' | 'staff';
  actor?: Actor;
  storeName?: string;
  nonce?: NonceClaim;
  now: Date;
}

/** What the call read before its transaction, and who the order is for. */
interface CreditRead {
  memberId: string;
  orderId: string;
  sale: OrderInput;
  options: CreditOptions;
  rules: EarningRules;
  rulesVersion: number;
  store: { orders: number; limit: number };
  tiers: TierConfig;
}

export async function creditOrder(memberId: string, input: OrderInput, options: CreditOptions): Promise<CreditResult> {
  const { now } = options;
  const { version, rules } = await loadRules();
  const read: CreditRead = {
    memberId,
    orderId: orderIdFor(input.storeId, input.receiptNo),
    sale: input,
    options,
    rules,
    rulesVersion: version,
    store: await storeHourState(input.storeId, now, rules),
    // The one source of the member's points multiplier and growth per yuan: the earning and the upgrade use this version.
    tiers: await loadTierConfig(),
  };
  // Orders on one member in this instance commit one after another (two tills, a POS resending).
  const turn = memberTurn(memberId);
  let result: CreditResult;
  try {
    result = await inTransaction(async (tx): Promise<CreditResult> => {
      if (options.nonce) await claimNonce(tx, options.nonce, read.orderId);
      return creditInTx(tx, read);
    }, turn);
  } catch (e) {
    // The order's `_id` already there (its add fails, or a refusal found it): a replay, or our own
    // write whose reply was lost. No read of it on the way in: the common case pays nothing for it.
    if (isKeyRecorded(e, isDuplicateKey)) return replayCredit(read, turn);
    throw e;
  }
  try {
    await countStoreOrder(input.storeId, now);
  } catch (e) {
    // The order is committed; a lost count only softens the store's velocity signal.
    log.error('[orders] store hour not counted', input.storeId, e);
  }
  return result;
}

/** Read the member (and, on their birthday, the multiplier), decide, write: one transaction. */
async function creditInTx(tx: Tx, read: CreditRead): Promise<CreditResult> {
  const { sale, options } = read;
  const member = await liveMemberOrNull(tx, read.memberId);
  // On the member's birthday (Shanghai), the engagement settings' multiplier; one more read only then.
  const birthday = member !== null && isBirthday(member.birthdayMD, businessDate(new Date(sale.paidAt)));
  const decision = decideOrderCredit({
    orderId: read.orderId,
    sale,
    member,
    channel: options.channel,
    staffOpenid: options.channel === 'staff' && options.actor ? options.actor.openid : null,
    storeName: options.storeName,
    store: read.store,
    rules: read.rules,
    rulesVersion: read.rulesVersion,
    tiers: read.tiers,
    birthdayMultiplier: birthday ? (await loadEngagementSettings()).settings.birthday.pointsMultiplier : 1,
    fingerprint: fingerprint(saleOf(read.memberId, sale.amountFen)),
    now: options.now,
  });
  if (decision.kind === 'refused' || !member) {
    // A replay of a recorded receipt is answered as always, whatever the refusal: look first.
    if (await txGet<OrderDoc>(tx, 'orders', read.orderId)) throw new KeyRecorded(read.orderId);
    throw decision.kind === 'refused' ? errorOf(decision) : new AppError('MEMBER_NOT_FOUND');
  }
  await writeCredit(tx, member, decision, read);
  return decision.result;
}

/** Writes a decided credit. The order did not exist, so no earlier entry can: its add is the idempotency check. */
async function writeCredit(tx: Tx, member: MemberDoc, d: OrderCredit, read: CreditRead): Promise<void> {
  const { now, actor } = read.options;
  const _ = database().command;
  await tx.collection('orders').add({ data: d.order });
  await commitPoints(tx, member, d.points, [{ ...d.entry, actor }], now, {
    ...(d.tier ? d.tier.fields : {}),
    orderDay: d.orderDay,
    purchases: _.set(d.purchases),
    ...(d.settlesReferral ? { referralDue: _.remove() } : {}),
  });
  if (d.tier) await recordTierStep(tx, member._id, d.tier, read.tiers.version);
  // An invited member's first order rewards the inviter, once: only a member carrying the marker costs requests here.
  if (d.settlesReferral) await rewardFirstPurchase(tx, member._id, now, { earning: read.rules });
  for (const flag of d.flags) await tx.collection('fraud_flags').add({ data: flag });
}

/** A replay: the stored order answers (and its nonce is claimed), or the key is refused for another sale. */
function replayCredit(read: CreditRead, turn: ReturnType<typeof memberTurn>): Promise<CreditResult> {
  const { orderId, memberId, sale, options } = read;
  return inTransaction(async (tx): Promise<CreditResult> => {
    if (options.nonce) await claimNonce(tx, options.nonce, orderId);
    const known = await txGet<OrderDoc>(tx, 'orders', orderId);
    if (!known) throw new AppError('CONFLICT');
    // A receipt number names one sale: a replay must be that sale, not another one under its number.
    replayOf(known, saleOf(memberId, sale.amountFen), {
      key: orderId,
      message: '该小票号已录入另一笔订单',
      legacySame: (o) => o.memberId === memberId && o.amountFen === sale.amountFen,
    });
    return replayed({ ...known, _id: orderId }, read.rules.fraud.holdFlagged);
  }, turn);
}

/**
 * Refund ids live in separate namespaces: a clerk's `refundId` (`refund:staff:<id>`) can never name a
 * POS refund (`refund:pos:<storeId>:<refundNo>`, per store: ':' is in neither id's alphabet).
 */
type RefundKey = { kind: 'staff'; refundId: string } | { kind: 'pos'; storeId: string; refundNo: string };
const refundEntryId = (k: RefundKey) => (k.kind === 'staff' ? `refund:staff:${k.refundId}` : `refund:pos:${k.storeId}:${k.refundNo}`);

interface RefundRequest {
  orderId: string;
  key: RefundKey;
  amountFen: number;
  /** the clerk or merchant (none for a POS) */
  actor?: Actor;
  now: Date;
  /** a clerk's or a POS's own store: another store's order is ORDER_NOT_FOUND */
  storeId?: string;
  nonce?: NonceClaim;
}

/** The first answer of a refund, from its entry. */
function refundReplayed(existing: LedgerEntry, refundId: string, orderId: string): RefundResult {
  return {
    refundId,
    orderId,
    pointsClawed: -(existing.delta + existing.pendingDelta) + (existing.shortfall?.policy === 'forfeit' ? existing.shortfall.points : 0),
    growthClawed: existing.refund?.growth ?? 0,
    shortfall: existing.shortfall?.points ?? 0,
    duplicate: true,
  };
}

/**
 * Full or partial refund (shared/rules/order.ts `decideRefund`): read the refund's key, the order and
 * its member; decide; write the order, the refund entry, the member's points, growth and purchase
 * statistics in one transaction. A refund id reused for another order or amount is refused.
 */
export async function refundOrder(req: RefundRequest): Promise<RefundResult> {
  const { rules } = await loadRules();
  const tiers = await loadTierConfig();
  const entryId = refundEntryId(req.key);
  const refundId = req.key.kind === 'staff' ? req.key.refundId : req.key.refundNo;
  const params = { orderId: req.orderId, amountFen: req.amountFen };
  return inTransaction(async (tx) => {
    if (req.nonce) await claimNonce(tx, req.nonce, entryId);
    const existing = await txEntry(tx, entryId);
    const seen = replayOf(existing, params, {
      key: refundId,
      message: '退款编号已用于另一笔退款',
      legacySame: (x) => x.ref.id === req.orderId && x.refund?.amountFen === req.amountFen,
    });
    if (seen === 'replay' && existing) return refundReplayed(existing, refundId, req.orderId);
    const order = await txGet<OrderDoc>(tx, 'orders', req.orderId);
    const member = order ? await liveMemberOrNull(tx, order.memberId) : null;
    const decision = decideRefund({
      ...req,
      order: order && { ...order, _id: req.orderId },
      member,
      refundId,
      entryId,
      rules,
      tiers,
      fingerprint: fingerprint(params),
    });
    if (decision.kind === 'refused') throw errorOf(decision);
    if (!member) throw new AppError('MEMBER_NOT_FOUND');
    await writeRefund(tx, member, decision, { ...req, tiers });
    return decision.result;
  });
}

async function writeRefund(tx: Tx, member: MemberDoc, d: OrderRefund, req: RefundRequest & { tiers: TierConfig }): Promise<void> {
  await tx.collection('orders').doc(req.orderId).update({ data: d.orderUpdate });
  await commitPoints(tx, member, d.points, [{ ...d.entry, actor: req.actor }], req.now, {
    ...d.tier.fields,
    ...(d.purchases ? { purchases: database().command.set(d.purchases) } : {}),
  });
  await recordTierStep(tx, member._id, d.tier, req.tiers.version);
}
