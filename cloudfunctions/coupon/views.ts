import type { CouponTemplateView, CouponView, VerificationView } from '../../shared/contracts/coupon';
import type { CouponAuditDoc, CouponDoc, CouponTemplateDoc } from '../../shared/schemas/coupon';
import { conditionsText, effectiveStatus, expiringSoon, faceValue } from '../../shared/rules/coupons';
import { termsOf } from '../_lib/coupons';

const iso = (d: Date | string) => new Date(d).toISOString();

/** A stored coupon as the member and the till see it: status as of `now`, never the stored document. */
export function toCouponView(c: CouponDoc, now: Date, storeName: (id: string) => string = (id) => id): CouponView {
  return {
    couponId: c._id,
    templateId: c.templateId,
    title: c.terms.title,
    description: c.terms.description ?? '',
    kind: c.terms.kind,
    face: faceValue(c.terms),
    conditions: conditionsText(c.terms, storeName),
    status: effectiveStatus(c, now),
    expiringSoon: expiringSoon(c, now),
    issuedAt: iso(c.issuedAt),
    startsAt: iso(c.startsAt),
    endsAt: iso(c.endsAt),
    channel: c.channel,
    used: c.used ? { at: iso(c.used.at), storeName: c.used.storeName, orderId: c.used.orderId } : null,
  };
}

export function toTemplateView(t: CouponTemplateDoc, storeName: (id: string) => string = (id) => id): CouponTemplateView {
  return {
    templateId: t._id,
    version: t.version,
    title: t.title,
    description: t.description ?? '',
    kind: t.kind,
    thresholdFen: t.thresholdFen,
    valueFen: t.valueFen,
    discountPercent: t.discountPercent ?? null,
    maxDiscountFen: t.maxDiscountFen ?? null,
    validity: t.validity,
    stock: t.stock,
    issued: t.issued,
    remaining: Math.max(0, t.stock - t.issued),
    perMemberLimit: t.perMemberLimit,
    storeIds: t.storeIds ?? null,
    channels: t.channels,
    stackable: t.stackable,
    newMemberGift: t.newMemberGift,
    status: t.status,
    face: faceValue(t),
    conditions: conditionsText(termsOf(t), storeName),
    updatedAt: iso(t.updatedAt),
  };
}

export function toVerificationView(a: CouponAuditDoc, extra: { active: boolean; canUndo: boolean }): VerificationView {
  return {
    auditId: a._id,
    action: a.action,
    couponId: a.couponId,
    memberId: a.memberId,
    title: a.title,
    staffName: a.actor.name,
    storeName: a.storeName,
    orderId: a.orderId,
    orderAmountFen: a.orderAmountFen ?? null,
    at: iso(a.at),
    ...extra,
  };
}
