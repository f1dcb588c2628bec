import { act } from '../contract';
import { pointsRequests, type EarningRules, type PointsHistory } from '../schemas/points';
import type { FraudKind } from '../rules/fraud';
import type { JobRunState } from '../schemas/jobs';

/** `recordOrder` (and the POS order route): what the order earned. */
export interface CreditResult {
  orderId: string;
  memberId: string;
  /** points this order earned (pending until maturesOn) */
  points: number;
  growth: number;
  maturesOn: string | null;
  /** a fraud flag holds the points until the merchant reviews it */
  held: boolean;
  flags: FraudKind[];
  /** the receipt was already recorded: nothing credited this time */
  duplicate: boolean;
}

export interface RefundResult {
  refundId: string;
  orderId: string;
  pointsClawed: number;
  growthClawed: number;
  shortfall: number;
  duplicate: boolean;
}

/** An order on the till's list of today. */
export interface TillOrder {
  orderId: string;
  receiptNo: string;
  amountFen: number;
  refundedFen: number;
  points: number;
  /** the member's card number, last 4 digits only */
  cardTail: string;
  staffName: string;
  createdAt: string;
  /** until when the caller may 撤销 it (null: no limit); the order must still be unrefunded */
  revocableUntil: string | null;
  revocable: boolean;
}

export interface TillView {
  businessDate: string;
  orders: TillOrder[];
  confirmAboveFen: number;
}

export interface EntryResult {
  entryId: string;
  balanceAfter: number;
  duplicate: boolean;
}

interface RulesView {
  version: number;
  rules: EarningRules;
}

/** A risk flag as the merchant's console lists it. */
export interface FraudFlagView {
  _id: string;
  kind: FraudKind;
  reason: string;
  orderId: string;
  memberId: string;
  storeId: string;
  /** names as the merchant knows them (not ids) */
  storeName: string;
  staffOpenid: string | null;
  /** the clerk who recorded the order; null for a POS order */
  staffName: string | null;
  amountFen: number;
  points: number;
  held: boolean;
  status: 'open' | 'released' | 'confirmed';
  createdAt: string;
  /** set once the merchant reviewed the flag (their name) */
  reviewedBy: string | null;
  reviewedAt: string | null;
  note: string;
}

export interface ReviewFlagResult {
  flagId: string;
  status: string;
  changed: boolean;
  stillHeldBy?: string[];
  forfeited?: number;
  closed?: string[];
}

export interface Drift {
  memberId: string;
  seq: number;
  problems: string[];
}

export interface ReconcileResult {
  checked: number;
  drifts: Drift[];
  nextAfter: string | null;
}

export interface PosSecret {
  storeId: string;
  secret: string;
  algorithm: string;
  headers: string[];
}

/** The nightly job's own counters; the runner adds its state (runId, status, step, cursor, chunks, failures). */
export interface NightlyCounters {
  day: string;
  settled: number;
  matured: number;
  expired: number;
  reconciled: number;
  drifts: Drift[];
  purgedNonces: number;
}
export type NightlyReport = NightlyCounters & JobRunState;

export const pointsContract = {
  history: act(pointsRequests.history).returns<PointsHistory>(),
  recordOrder: act(pointsRequests.recordOrder).returns<CreditResult>(),
  refundOrder: act(pointsRequests.refundOrder).returns<RefundResult>(),
  tillOrders: act(pointsRequests.tillOrders).returns<TillView>(),
  revokeOrder: act(pointsRequests.revokeOrder).returns<RefundResult>(),
  redeemPoints: act(pointsRequests.redeemPoints).returns<EntryResult>(),
  adjustPoints: act(pointsRequests.adjustPoints).returns<EntryResult>(),
  getRules: act(pointsRequests.getRules).returns<RulesView>(),
  updateRules: act(pointsRequests.updateRules).returns<{ version: number }>(),
  getPosSecret: act(pointsRequests.getPosSecret).returns<PosSecret>(),
  resetPosSecret: act(pointsRequests.resetPosSecret).returns<PosSecret>(),
  listFraudFlags: act(pointsRequests.listFraudFlags).returns<FraudFlagView[]>(),
  reviewFraudFlag: act(pointsRequests.reviewFraudFlag).returns<ReviewFlagResult>(),
  reconcile: act(pointsRequests.reconcile).returns<ReconcileResult>(),
};
