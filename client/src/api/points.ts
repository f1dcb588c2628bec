import type { InputOf } from '@shared/contract'
import type { pointsContract } from '@shared/contracts/points'
import { call } from './client'

type Points = typeof pointsContract
export type RecordOrderRequest = InputOf<Points, 'recordOrder'>
type UpdateRulesRequest = InputOf<Points, 'updateRules'>
export type { CreditResult, PosSecret, ReconcileResult } from '@shared/contracts/points'

/** The signed-in member's points: summary, pending and expiring lots, history newest first. */
export const getPointsHistory = (before?: string) => call('points', 'history', before ? { before } : {})

/** Staff (own store) or merchant: a paid order for a member; points are pending until T+N. */
export const recordOrder = (req: RecordOrderRequest) => call('points', 'recordOrder', req)

export const getRules = () => call('points', 'getRules')

export const updateRules = (req: UpdateRulesRequest) => call('points', 'updateRules', req)

export const listFraudFlags = (req: InputOf<Points, 'listFraudFlags'> = {}) => call('points', 'listFraudFlags', req)

export const reviewFraudFlag = (req: InputOf<Points, 'reviewFraudFlag'>) => call('points', 'reviewFraudFlag', req)

/** One page of the merchant's audit: balance == Σ ledger, per member. */
export const reconcile = (req: InputOf<Points, 'reconcile'> = {}) => call('points', 'reconcile', req)

export const getPosSecret = (storeId: string) => call('points', 'getPosSecret', { storeId })

/** The till: today's orders of this clerk at the store (the merchant: the store's), and when to ask before recording. */
export const tillOrders = (storeId: string) => call('points', 'tillOrders', { storeId })

/** 撤销 at the till: the whole order refunded through the refund path (clerk: own orders, within the window). */
export const revokeOrder = (orderId: string) => call('points', 'revokeOrder', { orderId })

/** 重置: a new POS secret for the store; the old one stops working at once. */
export const resetPosSecret = (storeId: string) => call('points', 'resetPosSecret', { storeId })

/** The merchant's manual adjustment (a reason is required); `requestId` is kept until answered, so a retried tap adjusts once. */
export const adjustPoints = (req: InputOf<Points, 'adjustPoints'>) => call('points', 'adjustPoints', req)
