/**
 * `pos`: the offline stores' endpoint, an HTTP-triggered function (WeChat cloud development's
 * HTTP access service; locally `POST /api/pos/<path>`). Each request is signed per store
 * (see signature.ts); refused requests change nothing:
 *   401 POS_BAD_SIGNATURE / POS_STALE_TIMESTAMP (±5 minutes) / POS_UNKNOWN_STORE,
 *   409 POS_NONCE_REUSED (a nonce is accepted once: recorded in the order's transaction),
 *   400 POS_MALFORMED (not JSON, or not an order), 404 MEMBER_NOT_FOUND, 422 MEMBER_CODE_INVALID /
 *   ORDER_AMOUNT_EXCEEDS_ITEMS, 409 IDEMPOTENCY_KEY_REUSED (a receipt or refund number reused for another sale).
 * Routes: GET /health (the smoke check: { ok, version }),
 *         POST /orders (idempotent on storeId + receiptNo: a replay credits once),
 *         POST /refunds (idempotent on storeId + refundNo).
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { AppError, ERROR_MESSAGES, type ErrorCode } from '../../shared/errors';
import { fen } from '../../shared/schemas/common';
import { memberRefSchema, ORDER_FIELD_LABELS, orderInputSchema } from '../../shared/schemas/points';
import { getById } from '../_lib/platform/db';
import { failureOf } from '../_lib/platform/failure';
import { health } from '../_lib/platform/router';
import { posSecret } from '../_lib/platform/pos-secret';
import { resolveMemberId } from '../_lib/members';
import { creditOrder, orderIdFor, refundOrder } from '../_lib/orders';
import { signatureMatches, signPosRequest } from './signature';
import { describeIssues, installChineseErrors, labelFields } from '../../shared/validation';

installChineseErrors();

export const WINDOW_SECONDS = 300;

export interface HttpEvent {
  httpMethod?: string;
  path?: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: string | null;
  isBase64Encoded?: boolean;
}
export interface HttpAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Every code has its status: the compiler makes a new code choose one (no AppError falls through to 500). */
const STATUS: Record<ErrorCode, number> = {
  POS_MALFORMED: 400,
  VALIDATION_FAILED: 400,
  UNKNOWN_ACTION: 400,
  FUNCTION_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  POS_BAD_SIGNATURE: 401,
  POS_STALE_TIMESTAMP: 401,
  POS_UNKNOWN_STORE: 401,
  POS_NONCE_REUSED: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  POINTS_LIMIT_EXCEEDED: 422,
  MEMBER_NOT_IDENTIFIED: 403,
  PHONE_IN_USE: 409,
  RULES_VERSION_CONFLICT: 409,
  TIER_CONFIG_VERSION_CONFLICT: 409,
  MEMBER_NOT_FOUND: 404,
  ORDER_NOT_FOUND: 404,
  NOT_FOUND: 404,
  MEMBER_CODE_INVALID: 422,
  MEMBER_CODE_EXPIRED: 422,
  REFUND_EXCEEDS_ORDER: 422,
  ORDER_TOO_OLD: 422,
  ORDER_AMOUNT_EXCEEDS_ITEMS: 422,
  INSUFFICIENT_POINTS: 422,
  BIRTHDAY_CHANGE_TOO_SOON: 422,
  PHONE_CODE_INVALID: 422,
  PRIVACY_VERSION_OUTDATED: 422,
  CHECKIN_MAKEUP_REFUSED: 422,
  TEMPLATE_NOT_FOUND: 404,
  MESSAGE_FIELD_INVALID: 422,
  INVITE_INVALID: 422,
  CONFLICT: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  COUPON_OUT_OF_STOCK: 409,
  COUPON_LIMIT_REACHED: 409,
  COUPON_ALREADY_USED: 409,
  COUPON_EXPIRED: 422,
  COUPON_NOT_VALID_HERE: 422,
  COUPON_THRESHOLD_NOT_MET: 422,
  COUPON_CODE_EXPIRED: 422,
  COUPON_CODE_INVALID: 422,
  COUPON_UNDO_WINDOW_PASSED: 422,
  COUPON_NOT_STARTED: 422,
  COUPON_NOT_USED: 422,
  COUPON_UNAVAILABLE: 422,
  TEMPLATE_VERSION_CONFLICT: 409,
  MALL_OUT_OF_STOCK: 409,
  MALL_LIMIT_REACHED: 409,
  POINTS_INSUFFICIENT: 422,
  MALL_ITEM_UNAVAILABLE: 422,
  MALL_ORDER_NOT_CANCELLABLE: 422,
  MALL_ITEM_VERSION_CONFLICT: 409,
  MALL_IMAGE_TYPE: 422,
  MALL_IMAGE_TOO_LARGE: 413,
  MALL_IMAGE_NOT_FOUND: 422,
  NOT_A_MEMBER: 404,
  REFUND_WINDOW_CLOSED: 422,
  SEGMENT_VERSION_CONFLICT: 409,
  SEGMENT_NOT_FOUND: 404,
  COUPON_TEMPLATE_NOT_ISSUABLE: 422,
  CLOCK_MOVED_BACK: 409,
  TOO_MANY_ATTEMPTS: 429,
  STORE_NOT_FOUND: 404,
};

const answer = (statusCode: number, body: unknown): HttpAnswer => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

const orderBody = orderInputSchema.omit({ storeId: true }).extend({ storeId: z.string().optional(), member: memberRefSchema }).strict();
const refundBody = z
  .object({
    storeId: z.string().optional(),
    receiptNo: orderInputSchema.shape.receiptNo,
    refundNo: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    amountFen: fen.positive(),
  })
  .strict();
labelFields(orderBody, ORDER_FIELD_LABELS);
labelFields(refundBody, { ...ORDER_FIELD_LABELS, refundNo: '退款单号', amountFen: '退款金额' });

function header(event: HttpEvent, name: string): string {
  const h = typeof event.headers === 'object' && event.headers !== null ? event.headers : {};
  const key = Object.keys(h).find((k) => k.toLowerCase() === name);
  const v = key ? h[key] : undefined;
  const first = Array.isArray(v) ? v[0] : v;
  // Only text is a header value: anything else (a malformed event) counts as missing.
  return typeof first === 'string' ? first : '';
}

/** The event as the gateway should send it; a malformed one (not an object, fields of the wrong type) is refused, not thrown on. */
function httpEvent(event: unknown): HttpEvent & { body: string } {
  const e = (typeof event === 'object' && event !== null && !Array.isArray(event) ? event : {}) as Record<string, unknown>;
  if (e.body !== undefined && e.body !== null && typeof e.body !== 'string') throw new AppError('POS_MALFORMED', '请求体应为文本');
  return {
    httpMethod: typeof e.httpMethod === 'string' ? e.httpMethod : undefined,
    path: typeof e.path === 'string' ? e.path : undefined,
    headers: e.headers as HttpEvent['headers'],
    body: (e.body as string | null | undefined) ?? '',
    isBase64Encoded: Boolean(e.isBase64Encoded),
  };
}

/** The path under the function: `/api/pos/orders` (local) and `/pos/orders` (cloud) both sign as `/orders`. */
export function routePath(path: string | undefined): string {
  const p = (path ?? '/').split('?')[0];
  const m = /^(?:\/api)?\/pos(\/.*)?$/.exec(p);
  return m ? (m[1] ?? '/') : p;
}

function parse<S extends z.ZodTypeAny>(schema: S, body: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new AppError('POS_MALFORMED', '请求体不是合法的 JSON');
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    // A few issues and their count, messages bounded (Chinese, shared/validation.ts): an unknown-keys issue would otherwise echo every key.
    throw new AppError('POS_MALFORMED', `${ERROR_MESSAGES.POS_MALFORMED}：${describeIssues(r.error, schema).slice(0, 300)}`, {
      issues: r.error.issues
        .slice(0, 12)
        .map((i) => ({ path: i.path.join('.').slice(0, 100), message: describeIssues(new z.ZodError([i]), schema).slice(0, 200) })),
      issueCount: r.error.issues.length,
    });
  }
  return r.data;
}

export async function main(raw: HttpEvent, _context?: unknown): Promise<HttpAnswer> {
  try {
    const now = new Date();
    const event = httpEvent(raw);
    const method = (event.httpMethod ?? 'GET').toUpperCase();
    const path = routePath(event.path);
    // The deploy's smoke check (and a POS's own): the same answer every function's `health` gives.
    if (method === 'GET' && path === '/health') return answer(200, health());
    if (method !== 'POST' || (path !== '/orders' && path !== '/refunds'))
      return answer(404, { ok: false, code: 'NOT_FOUND', message: `没有这个接口：${method} ${path}` });
    const body = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    const storeId = header(event, 'x-pos-store');
    const timestamp = header(event, 'x-pos-timestamp');
    const nonce = header(event, 'x-pos-nonce');
    const signature = header(event, 'x-pos-signature');
    if (
      !/^[A-Za-z0-9_-]{1,64}$/.test(storeId) ||
      !/^\d{9,11}$/.test(timestamp) ||
      !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) ||
      !/^[0-9a-fA-F]{64}$/.test(signature)
    ) {
      throw new AppError(
        'POS_BAD_SIGNATURE',
        '缺少或格式错误的签名头：x-pos-store、x-pos-timestamp（秒）、x-pos-nonce（16–64 位）、x-pos-signature（64 位十六进制）',
      );
    }
    // The store's key generation (the merchant's 重置 makes a new secret): one read by id.
    const keyed = await getById<{ posKeyGeneration?: number }>('stores', storeId);
    if (!signatureMatches(signPosRequest(posSecret(storeId, keyed?.posKeyGeneration ?? 0), method, path, timestamp, nonce, body), signature))
      throw new AppError('POS_BAD_SIGNATURE');
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > WINDOW_SECONDS) throw new AppError('POS_STALE_TIMESTAMP');
    const claim = { id: `${storeId}:${nonce}`, expiresAt: new Date((Number(timestamp) + 2 * WINDOW_SECONDS) * 1000), invocation: crypto.randomUUID() };

    if (path === '/orders') {
      const input = parse(orderBody, body);
      if (input.storeId !== undefined && input.storeId !== storeId) throw new AppError('POS_MALFORMED', '请求体的 storeId 与签名门店不一致');
      const store = await getById<{ name?: string }>('stores', storeId);
      if (!store) throw new AppError('POS_UNKNOWN_STORE');
      const { member: ref, ...order } = input;
      const memberId = await resolveMemberId(ref, now);
      const result = await creditOrder(memberId, { ...order, storeId }, { channel: 'pos', storeName: store.name, nonce: claim, now });
      return answer(200, { ok: true, data: result });
    }
    const input = parse(refundBody, body);
    if (input.storeId !== undefined && input.storeId !== storeId) throw new AppError('POS_MALFORMED', '请求体的 storeId 与签名门店不一致');
    const result = await refundOrder({
      orderId: orderIdFor(storeId, input.receiptNo),
      key: { kind: 'pos', storeId, refundNo: input.refundNo },
      amountFen: input.amountFen,
      now,
      storeId,
      nonce: claim,
    });
    return answer(200, { ok: true, data: result });
  } catch (e) {
    // The router's mapping (failure.ts), with each code's HTTP status: a fault that outlived the
    // bounded retries is 503 (the POS retries later), not a bug (500).
    const failure = failureOf(e, 'pos');
    return answer(STATUS[failure.code], failure);
  }
}
