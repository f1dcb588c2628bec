/**
 * The coupons the request-count figures verify at the till, arranged the same way by the integration
 * test (tests/integration/request-counts.test.ts) and the bench (bench/local-cloud.bench.ts), so the
 * two count the same work. Plain calls, no jest: the bench imports it too.
 */

import type { InputOf } from '../../shared/contract';
import type { couponContract } from '../../shared/contracts/coupon';

type TemplateInput = InputOf<typeof couponContract, 'createTemplate'>;

/**
 * `coupon.createTemplate` for the merchant's 满100减20 cash coupon (valid 14 days from issue, 100 in
 * stock, 1 per member, claimable in the centre, granted by hand and sold in the mall), with `over` changed.
 */
export function cashTemplateInput(over: Partial<TemplateInput> = {}): TemplateInput & { action: 'createTemplate' } {
  return {
    action: 'createTemplate',
    title: '满100减20',
    kind: 'cash',
    thresholdFen: 10000,
    valueFen: 2000,
    validity: { type: 'relative', days: 14 },
    stock: 100,
    perMemberLimit: 1,
    channels: ['claim_center', 'manual', 'points_mall'],
    ...over,
  };
}

/** Calls function `fn` as `openid`: its data, or throws with the error code (the kit's `ok`, the bench's measured call). */
type CallOk = (fn: string, data: Record<string, unknown>, openid: string) => Promise<Record<string, unknown>>;

/**
 * The merchant creates the 满100减20 template (`cashTemplateInput`, 3 per member) and the
 * member `openid` claims one coupon per request id and opens each one's code, as shown at the till:
 * the template's id and the codes, in the order of `requestIds`.
 */
export async function claimCouponsToVerify(
  ok: CallOk,
  merchant: string,
  openid: string,
  requestIds: readonly string[],
): Promise<{ templateId: string; codes: string[] }> {
  const template = await ok('coupon', cashTemplateInput({ perMemberLimit: 3 }), merchant);
  const templateId = String(template.templateId);
  const codes: string[] = [];
  for (const requestId of requestIds) {
    const { couponId } = await ok('coupon', { action: 'claim', templateId, requestId }, openid);
    codes.push(String((await ok('coupon', { action: 'getCode', couponId }, openid)).code));
  }
  return { templateId, codes };
}
