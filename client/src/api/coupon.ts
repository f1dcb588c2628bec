import type { InputOf } from '@shared/contract'
import type { couponContract } from '@shared/contracts/coupon'
import { call } from './client'

export type { ClaimableTemplate, CouponCode, InspectedCoupon, VerificationResult } from '@shared/contracts/coupon'
type CreateTemplateRequest = InputOf<typeof couponContract, 'createTemplate'>

/** A request id for a claim, kept by the page until it is answered, so a retried tap claims once. */
export function newRequestId(prefix = 'req'): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
}

// ---- consumer
export const claimable = () => call('coupon', 'claimable')
export const claim = (templateId: string, requestId: string) => call('coupon', 'claim', { templateId, requestId })
export const listMine = (status: 'unused' | 'used' | 'expired') => call('coupon', 'listMine', { status })
export const getMine = (couponId: string) => call('coupon', 'getMine', { couponId })
export const couponSummary = () => call('coupon', 'summary')
export const getCouponCode = (couponId: string) => call('coupon', 'getCode', { couponId })

// ---- staff and merchant
export const inspectCoupon = (code: string, storeId?: string) => call('coupon', 'inspect', { code, ...(storeId ? { storeId } : {}) })
/** `requestId`: one per scanned code, kept across the clerk's retries (a verification whose answer was lost answers again). */
/** `orderAmountFen`: the order's amount, checked server-side against the coupon's threshold (满100). */
export const verifyCoupon = (v: { code: string; requestId: string; storeId?: string; orderId?: string; orderAmountFen: number }) =>
  call('coupon', 'verify', {
    code: v.code,
    requestId: v.requestId,
    orderAmountFen: v.orderAmountFen,
    ...(v.storeId ? { storeId: v.storeId } : {}),
    ...(v.orderId ? { orderId: v.orderId } : {}),
  })
export const undoVerify = (couponId: string) => call('coupon', 'undoVerify', { couponId })
export const myVerifications = () => call('coupon', 'myVerifications')

// ---- merchant
export const listTemplates = () => call('coupon', 'listTemplates')
export const createTemplate = (req: CreateTemplateRequest) => call('coupon', 'createTemplate', req)
export const couponAuditLog = () => call('coupon', 'auditLog', { limit: 50 })
export const grantCoupons = (templateId: string, memberIds: string[], requestId: string) => call('coupon', 'grant', { templateId, memberIds, requestId })
