import { AppError } from '../../shared/errors';
import type { CollectionName } from '../../shared/schemas/collections';
import type { AccessLogDoc, MemberDoc } from '../../shared/schemas/member';
import { DEFAULT_TIER_CONFIG } from '../../shared/rules/tiers';
import { database } from '../_lib/platform/cloud';
import { findOne, inTransaction, queryDocs, txGet, withRetry } from '../_lib/platform/db';
import { releasePhoneClaim } from '../_lib/members';
import { forfeitAllPoints } from '../_lib/points';
import { decryptPhone } from '../_lib/platform/pii';
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

/** Everything the system holds about the member (PIPL right of access), phone decrypted for them. */
export async function exportMyData(member: MemberDoc, now: Date) {
  const { openid: _openid, phone, ...rest } = member;
  const [orders, ledger, coupons, tierChanges, accessLog] = await Promise.all([
    allOf<Record<string, unknown>>('orders', member._id),
    allOf<Record<string, unknown>>('ledger', member._id),
    allOf<Record<string, unknown>>('coupons', member._id),
    allOf<Record<string, unknown>>('tier_changes', member._id),
    // who at the merchant looked the member up (staff names and stores; their openids are not the member's data)
    allOf<AccessLogDoc>('access_log', member._id).then((rows) =>
      rows.map(({ actor, by, at }) => ({ by, at: new Date(at).toISOString(), staff: actor.name, role: actor.role, storeId: actor.storeId })),
    ),
  ]);
  return {
    exportedAt: now.toISOString(),
    format: 'huiyuan-member-export/1',
    member: { ...rest, wechatOpenid: member.openid, phone: phone ? decryptPhone(phone.cipher) : null },
    orders,
    ledger,
    coupons,
    tierChanges,
    accessLog,
  };
}

/**
 * Account deletion (PIPL right to erasure). Open coupons are voided; points are forfeited with a
 * ledger entry (the books stay balanced, kept under the member id, a card number and not personal
 * data); the OPENID is replaced by a pseudonym (so opening the card again creates a fresh member) and
 * nickname, avatar, phone, gender, birthday and consent are erased. Orders, ledger entries and tier
 * changes stay, keyed by the card number only. Re-runnable: each step is idempotent.
 */
export async function deleteAccount(openid: string, now: Date): Promise<{ memberId: string; couponsVoided: number; pointsForfeited: number }> {
  const found = await findOne<MemberDoc>('members', { openid });
  if (!found) throw new AppError('NOT_A_MEMBER');
  const memberId = found._id;
  // Before the OPENID is erased: a keyed hash and the date, so a rejoin earns no second registration bonus.
  await recordDeparture(openid, now);
  const _ = database().command;

  let couponsVoided = 0;
  const open = await queryDocs<{ _id: string }>(database().collection('coupons').where({ memberId, status: 'unused' }).limit(1000));
  for (const c of open) {
    // Conditional on `unused`: a retry after a lost reply voids nothing twice.
    const res = (await withRetry(
      () =>
        database()
          .collection('coupons')
          .where({ _id: c._id, status: 'unused' })
          .update({ data: { status: 'void', voidedAt: now, voidReason: 'account_deleted' } }) as Promise<unknown>,
      { retryConflicts: false },
    )) as { stats?: { updated?: number } };
    couponsVoided += res.stats?.updated ?? 0;
  }

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
  return { memberId, couponsVoided, pointsForfeited: forfeited };
}
