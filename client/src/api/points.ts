import type { z } from 'zod'
import type { EarningRules, PointsHistory, pointsRequests } from '@shared/schemas/points'
import type { FraudKind } from '@shared/rules/fraud'
import { callFunction } from './call'

/** Request types are the functions' own zod schemas (input side: defaults may be left out). */
export type RecordOrderRequest = z.input<typeof pointsRequests.recordOrder>
export type UpdateRulesRequest = z.input<typeof pointsRequests.updateRules>
export type ListFraudFlagsRequest = z.input<typeof pointsRequests.listFraudFlags>
export type ReviewFraudFlagRequest = z.input<typeof pointsRequests.reviewFraudFlag>
export type ReconcileRequest = z.input<typeof pointsRequests.reconcile>

/** `recordOrder`'s answer (cloudfunctions/points/orders.ts `CreditResult`). */
export interface CreditResult {
  orderId: string
  memberId: string
  /** points this order earned, pending until `maturesOn` */
  points: number
  growth: number
  maturesOn: string | null
  /** a fraud flag holds the points until the merchant reviews it */
  held: boolean
  flags: FraudKind[]
  /** the receipt was already recorded: nothing credited this time */
  duplicate: boolean
}

export interface RulesView {
  version: number
  rules: EarningRules
}

/** A `fraud_flags` document as listed to the merchant (dates arrive as ISO strings or EJSON). */
export interface FraudFlag {
  _id: string
  kind: FraudKind
  reason: string
  orderId: string
  memberId: string
  storeId: string
  staffOpenid: string | null
  amountFen: number
  points: number
  held: boolean
  status: 'open' | 'released' | 'confirmed'
  createdAt: unknown
}

export interface ReconcileResult {
  checked: number
  drifts: { memberId: string; seq: number; problems: string[] }[]
  nextAfter: string | null
}

export interface PosSecret {
  storeId: string
  secret: string
  algorithm: string
  headers: string[]
}

/** The signed-in member's points: summary, pending and expiring lots, history newest first. */
export function getPointsHistory(before?: string) {
  return callFunction<PointsHistory>('points', before ? { action: 'history', before } : { action: 'history' })
}

/** Staff (own store) or merchant: a paid order for a member; points are pending until T+N. */
export function recordOrder(req: RecordOrderRequest) {
  return callFunction<CreditResult>('points', { action: 'recordOrder', ...req })
}

export function getRules() {
  return callFunction<RulesView>('points', { action: 'getRules' })
}

export function updateRules(req: UpdateRulesRequest) {
  return callFunction<{ version: number }>('points', { action: 'updateRules', ...req })
}

export function listFraudFlags(req: ListFraudFlagsRequest = {}) {
  return callFunction<FraudFlag[]>('points', { action: 'listFraudFlags', ...req })
}

export function reviewFraudFlag(req: ReviewFraudFlagRequest) {
  return callFunction<{ flagId: string; status: string; changed: boolean }>('points', { action: 'reviewFraudFlag', ...req })
}

/** One page of the merchant's audit: balance == Σ ledger, per member. */
export function reconcile(req: ReconcileRequest = {}) {
  return callFunction<ReconcileResult>('points', { action: 'reconcile', ...req })
}

export function getPosSecret(storeId: string) {
  return callFunction<PosSecret>('points', { action: 'getPosSecret', storeId })
}
