import crypto from 'node:crypto';
import { AppError, isAppError } from '../../shared/errors';
import { couponContract, type ClaimableTemplate } from '../../shared/contracts/coupon';
import type { CouponDoc, CouponHoldingDoc, CouponTemplateDoc } from '../../shared/schemas/coupon';
import type { MemberDoc } from '../../shared/schemas/member';
import { conditionsText, effectiveStatus, EXPIRING_SOON_DAYS, faceValue, templateIssuable } from '../../shared/rules/coupons';
import { createMain, requireOpenid, type ActionContext } from '../_lib/platform/router';
import { requireRole } from '../_lib/platform/auth';
import { logAccess } from '../_lib/platform/access-log';
import { database } from '../_lib/platform/cloud';
import { count, getById, inTransaction, queryDocs, txGet, withRetry } from '../_lib/platform/db';
import {
  checkCouponCode,
  countWrongCode,
  couponIdFor,
  issueCoupon,
  requireCodeAttemptsLeft,
  issueCouponCode,
  isIssueRefusal,
  refreshNewMemberGifts,
  termsOf,
} from '../_lib/coupons';
import { memberByOpenid } from '../_lib/members';
import { toCouponView, toTemplateView } from './views';
import { myVerifications, storeNames, storeOf, undoVerification, verificationViews, verifyCoupon, type StaffDoc } from './verify';
import { refusalOf } from '../../shared/rules/coupon-verify';
import type { CouponAuditDoc } from '../../shared/schemas/coupon';

const staffOrMerchant = (ctx: ActionContext) => requireRole(requireOpenid(ctx), ['staff', 'merchant']) as Promise<StaffDoc>;
const merchant = (ctx: ActionContext) => requireRole(requireOpenid(ctx), ['merchant']) as Promise<StaffDoc>;

/** STORE_NOT_FOUND unless every store a template names exists (a coupon valid only at no store helps nobody). */
async function requireStores(storeIds: readonly string[] | null | undefined): Promise<void> {
  if (!storeIds?.length) return;
  const names = await storeNames();
  const missing = storeIds.filter((id) => !names.has(id));
  if (missing.length > 0) throw new AppError('STORE_NOT_FOUND', `门店不存在：${missing.join('、')}`, { storeIds: missing });
}

/** The calling consumer's member document: NOT_A_MEMBER before 开卡 (the wallet shows the 开卡 prompt). */
const me = (ctx: ActionContext): Promise<MemberDoc> => memberByOpenid(requireOpenid(ctx));

async function myCoupon(ctx: ActionContext, couponId: string): Promise<CouponDoc> {
  const member = await me(ctx);
  const c = await getById<CouponDoc>('coupons', couponId);
  if (!c || c.memberId !== member._id) throw new AppError('NOT_FOUND', '优惠券不存在');
  return c;
}

/** The coupon a scanned code names; the code's own refusals first (forged, rotated out). */
async function couponByCode(code: string, now: Date): Promise<CouponDoc> {
  const check = checkCouponCode(code, now);
  if (!check.ok) throw new AppError(check.reason === 'expired' ? 'COUPON_CODE_EXPIRED' : 'COUPON_CODE_INVALID');
  const c = await getById<CouponDoc>('coupons', check.couponId);
  if (!c) throw new AppError('COUPON_CODE_INVALID');
  return c;
}

/**
 * A clerk's code check, rate limited: refused (TOO_MANY_ATTEMPTS) after a run of wrong codes in the
 * window, and a wrong code counted (an expired one is an old screen, not a guess: not counted).
 */
async function checkedByClerk<T>(role: StaffDoc, now: Date, work: () => Promise<T>): Promise<T> {
  await requireCodeAttemptsLeft(role.openid, now);
  try {
    return await work();
  } catch (e) {
    if (isAppError(e) && e.code === 'COUPON_CODE_INVALID') await countWrongCode(role.openid, now);
    throw e;
  }
}

export const main = createMain(couponContract, {
  // ---------------------------------------------------------------- merchant: templates
  createTemplate: async (input, ctx) => {
    const role = await merchant(ctx);
    await requireStores(input.storeIds);
    const templateId = `tpl_${crypto.randomBytes(6).toString('hex')}`;
    const doc: CouponTemplateDoc = {
      _id: templateId,
      ...input,
      version: 1,
      issued: 0,
      status: 'active',
      createdAt: ctx.now,
      updatedAt: ctx.now,
      updatedBy: role.name,
    };
    const { _id, ...data } = doc;
    await withRetry(() => database().collection('coupon_templates').doc(_id).set({ data }) as Promise<unknown>);
    if (doc.newMemberGift) await refreshNewMemberGifts();
    return { templateId, version: 1 };
  },

  /** A new version of the terms (coupons already issued keep theirs); stock never below what was issued. */
  updateTemplate: async (input, ctx) => {
    const role = await merchant(ctx);
    const { templateId, expectedVersion, ...terms } = input;
    await requireStores(terms.storeIds);
    const version = await inTransaction(async (tx) => {
      const current = await txGet<CouponTemplateDoc>(tx, 'coupon_templates', templateId);
      if (!current) throw new AppError('NOT_FOUND', '优惠券不存在');
      if (current.version !== expectedVersion) throw new AppError('TEMPLATE_VERSION_CONFLICT');
      if (terms.stock < current.issued) throw new AppError('VALIDATION_FAILED', `库存不能少于已发放的 ${current.issued} 张`);
      const { _id, ...previous } = { ...current, _id: templateId };
      await tx
        .collection('coupon_template_history')
        .doc(`${templateId}@${current.version}`)
        .set({ data: { ...previous, templateId } });
      await tx
        .collection('coupon_templates')
        .doc(templateId)
        .update({
          data: {
            ...terms,
            storeIds: database().command.set(terms.storeIds),
            validity: database().command.set(terms.validity),
            channels: database().command.set(terms.channels),
            version: current.version + 1,
            updatedAt: ctx.now,
            updatedBy: role.name,
          },
        });
      return current.version + 1;
    });
    await refreshNewMemberGifts();
    return { templateId, version };
  },

  listTemplates: async (_input, ctx) => {
    await merchant(ctx);
    const [templates, names] = await Promise.all([
      queryDocs<CouponTemplateDoc>(database().collection('coupon_templates').where({}).orderBy('createdAt', 'desc').limit(200)),
      storeNames(),
    ]);
    return { templates: templates.map((t) => toTemplateView(t, (id) => names.get(id) ?? id)) };
  },

  /** Manual grant to named members, one coupon each, keyed `grant:<requestId>:<memberId>`. */
  grant: async (input, ctx) => {
    await merchant(ctx);
    const results = [];
    let issued = 0;
    for (const memberId of [...new Set(input.memberIds)]) {
      const member = await getById<MemberDoc>('members', memberId);
      if (!member || member.deletedAt) {
        results.push({ memberId, couponId: null, code: 'MEMBER_NOT_FOUND', duplicate: false });
        continue;
      }
      try {
        const r = await issueCoupon({ templateId: input.templateId, memberId, key: `grant:${input.requestId}:${memberId}`, channel: 'manual', now: ctx.now });
        if (!r.duplicate) issued += 1;
        results.push({ memberId, couponId: r.couponId, code: null, duplicate: r.duplicate });
      } catch (e) {
        if (!isIssueRefusal(e) && !(isAppError(e) && e.code === 'IDEMPOTENCY_KEY_REUSED')) throw e;
        results.push({ memberId, couponId: null, code: e.code, duplicate: false });
      }
    }
    return { results, issued };
  },

  auditLog: async (input, ctx) => {
    const role = await merchant(ctx);
    const where: Record<string, unknown> = {};
    if (input.before) where.at = database().command.lt(new Date(input.before));
    const entries = await queryDocs<CouponAuditDoc>(database().collection('coupon_audit').where(where).orderBy('at', 'desc').limit(input.limit));
    return { entries: await verificationViews(entries, role, ctx.now) };
  },

  // ---------------------------------------------------------------- consumer: the wallet
  /** 领券中心: the templates open for claiming, with what the caller already holds of each. */
  claimable: async (_input, ctx) => {
    const member = await me(ctx);
    const [templates, names] = await Promise.all([
      queryDocs<CouponTemplateDoc>(
        database().collection('coupon_templates').where({ status: 'active', channels: 'claim_center' }).orderBy('createdAt', 'desc').limit(100),
      ),
      storeNames(),
    ]);
    const open = templates.filter((t) => templateIssuable(t.validity, ctx.now));
    const holdings = await Promise.all(open.map((t) => getById<CouponHoldingDoc>('coupon_holdings', `${t._id}:${member._id}`)));
    const views: ClaimableTemplate[] = open.map((t, i) => {
      const claimed = holdings[i]?.count ?? 0;
      const remaining = Math.max(0, t.stock - t.issued);
      return {
        templateId: t._id,
        title: t.title,
        description: t.description ?? '',
        kind: t.kind,
        face: faceValue(t),
        conditions: conditionsText(termsOf(t), (id) => names.get(id) ?? id),
        validity: t.validity,
        remaining,
        perMemberLimit: t.perMemberLimit,
        claimed,
        canClaim: remaining > 0 && claimed < t.perMemberLimit,
      };
    });
    return { templates: views };
  },

  /** One coupon from the claim centre; a retried `requestId` answers the first coupon. */
  claim: async (input, ctx) => {
    const member = await me(ctx);
    const key = `claim:${input.requestId}`;
    // The answer to a retry, even once the template has sold out since.
    const prior = await getById<CouponDoc>('coupons', couponIdFor(key));
    if (prior && prior.issueKey === key) {
      if (prior.memberId !== member._id || prior.templateId !== input.templateId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { couponId: prior._id, duplicate: true };
    }
    // Sold out: answered from a plain read, without joining the queue of transactions on the template.
    const template = await getById<CouponTemplateDoc>('coupon_templates', input.templateId);
    if (!template) throw new AppError('NOT_FOUND', '优惠券不存在');
    if (template.issued >= template.stock) throw new AppError('COUPON_OUT_OF_STOCK');
    const r = await issueCoupon({ templateId: input.templateId, memberId: member._id, key, channel: 'claim_center', now: ctx.now });
    return { couponId: r.couponId, duplicate: r.duplicate };
  },

  /** 我的券: 未使用 / 已使用 / 已过期, status as of now (an unused coupon past its end is expired at once). */
  listMine: async (input, ctx) => {
    const member = await me(ctx);
    const db = database();
    const _ = db.command;
    const names = await storeNames();
    const q = (where: Record<string, unknown>) =>
      queryDocs<CouponDoc>(
        db
          .collection('coupons')
          .where({ memberId: member._id, ...where })
          .limit(200),
      );
    let docs: CouponDoc[];
    if (input.status === 'unused') docs = (await q({ status: 'unused', endsAt: _.gt(ctx.now) })).sort((a, b) => +new Date(a.endsAt) - +new Date(b.endsAt));
    else if (input.status === 'used') docs = (await q({ status: 'used' })).sort((a, b) => +new Date(b.used?.at ?? 0) - +new Date(a.used?.at ?? 0));
    else
      docs = [...(await q({ status: 'expired' })), ...(await q({ status: 'unused', endsAt: _.lte(ctx.now) }))].sort(
        (a, b) => +new Date(b.endsAt) - +new Date(a.endsAt),
      );
    return { coupons: docs.map((c) => toCouponView(c, ctx.now, (id) => names.get(id) ?? id)) };
  },

  getMine: async (input, ctx) => {
    const [c, names] = await Promise.all([myCoupon(ctx, input.couponId), storeNames()]);
    return toCouponView(c, ctx.now, (id) => names.get(id) ?? id);
  },

  /** For the member card: unused coupons, and how many of them end within 3 days. */
  summary: async (_input, ctx) => {
    const member = await me(ctx);
    const db = database();
    const _ = db.command;
    const soon = new Date(ctx.now.getTime() + EXPIRING_SOON_DAYS * 86_400_000);
    const [unused, expiringSoon] = await Promise.all([
      count(db.collection('coupons').where({ memberId: member._id, status: 'unused', endsAt: _.gt(ctx.now) })),
      count(db.collection('coupons').where({ memberId: member._id, status: 'unused', endsAt: _.and(_.gt(ctx.now), _.lte(soon)) })),
    ]);
    return { unused, expiringSoon };
  },

  /** The coupon's code for now: rotates every period; only an unused, current coupon has one. */
  getCode: async (input, ctx) => {
    const c = await myCoupon(ctx, input.couponId);
    const refusal = refusalOf(c, null, ctx.now);
    if (refusal && refusal.code !== 'COUPON_NOT_VALID_HERE' && refusal.code !== 'COUPON_NOT_STARTED') throw refusal;
    const issued = issueCouponCode(c._id, ctx.now);
    return {
      code: issued.code,
      digits: issued.digits,
      expiresAt: issued.expiresAt.toISOString(),
      refreshAt: issued.refreshAt.toISOString(),
      periodMs: issued.periodMs,
    };
  },

  // ---------------------------------------------------------------- staff (own store) and merchant
  /**
   * What the till shows before confirming: the coupon, its conditions, the member masked, and any
   * refusal. It discloses who holds the coupon, so it is logged like any identification (PIPL).
   */
  inspect: async (input, ctx) => {
    const role = await staffOrMerchant(ctx);
    const storeId = storeOf(role, input.storeId);
    const c = await checkedByClerk(role, ctx.now, () => couponByCode(input.code, ctx.now));
    const [member, names] = await Promise.all([getById<MemberDoc>('members', c.memberId), storeNames(), logAccess(role, c.memberId, 'coupon', ctx.now)]);
    const refusal = refusalOf(c, storeId, ctx.now);
    return {
      coupon: toCouponView(c, ctx.now, (id) => names.get(id) ?? id),
      thresholdFen: c.terms.thresholdFen,
      member: { memberId: c.memberId, cardNo: member?.cardNo ?? c.memberId, nickname: member?.nickname ?? '会员', phoneMasked: member?.phone?.masked ?? null },
      refusal: refusal ? { code: refusal.code, message: refusal.message } : null,
    };
  },

  verify: async (input, ctx) => {
    const role = await staffOrMerchant(ctx);
    const storeId = storeOf(role, input.storeId);
    const check = await checkedByClerk(role, ctx.now, async () => {
      const checked = checkCouponCode(input.code, ctx.now);
      if (!checked.ok) throw new AppError(checked.reason === 'expired' ? 'COUPON_CODE_EXPIRED' : 'COUPON_CODE_INVALID');
      return checked;
    });
    return verifyCoupon(
      role,
      { couponId: check.couponId, storeId, orderId: input.orderId ?? null, orderAmountFen: input.orderAmountFen ?? null, requestId: input.requestId },
      ctx.now,
    );
  },

  undoVerify: async (input, ctx) => undoVerification(await staffOrMerchant(ctx), input.couponId, ctx.now),

  myVerifications: async (_input, ctx) => myVerifications(await staffOrMerchant(ctx), ctx.now),
});

export { effectiveStatus };
