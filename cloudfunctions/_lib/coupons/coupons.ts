/**
 * The ONE coupon issuing path, and the coupon's rotating code. Every channel issues through
 * `issueCoupon`: the claim centre, the new-member gift, a merchant's grant, and later the points mall,
 * the birthday job and campaign jobs.
 *
 *   issueCoupon(request: IssueCouponRequest, tx?: Tx): Promise<IssuedCoupon>
 *
 *   request = {
 *     templateId,           // coupon_templates/<id>
 *     memberId,             // an existing, not deleted member: resolving it is the caller's job
 *     key,                  // the caller's idempotency key, e.g. `claim:<requestId>`,
 *                           // `birthday:<occurrence>:<memberId>`, `mall:<orderId>`, `grant:<requestId>:<memberId>`
 *     channel,              // 'claim_center' | 'new_member' | 'birthday' | 'campaign' | 'points_mall' | 'manual'
 *     now,                  // the issue instant (the validity of relative templates starts here)
 *   }
 *   answers { couponId, coupon, duplicate } — `duplicate: true` when this key already issued its
 *   coupon (a retry, a lost reply, a re-run job): nothing is taken twice.
 *
 * With `tx`, it writes inside the caller's transaction (the mall: stock, points, order and coupon in
 * one commit; that caller reads and writes the member, refusing one whose erasure has begun); without,
 * it runs its own (retried on conflicts, re-runnable), which first reads the member and refuses a
 * deleted one or one whose erasure has begun (MEMBER_NOT_FOUND). It does not write the member (that
 * write cost every issue a faulted request; under the fault suite's rates it tripled a claim rush):
 * a transaction whose snapshot predates the mark can still commit, which `deleteAccount` covers by
 * voiding the member's open coupons again at its end. In ONE transaction it
 * takes one unit of the template's stock (`issued + 1 <= stock`, C1), counts the member's holding of
 * the template (`coupon_holdings/<templateId>:<memberId>`, C2) and adds the coupon, whose id is a
 * 12-digit number derived from the key (C3). Refusals are AppErrors thrown before anything is
 * written: COUPON_OUT_OF_STOCK, COUPON_LIMIT_REACHED, COUPON_UNAVAILABLE (paused, channel not
 * allowed, fixed range over), NOT_FOUND (no template), IDEMPOTENCY_KEY_REUSED (the key issued a
 * coupon of another template or member). A caller that must not fail on them (a job, registration)
 * catches them: `isIssueRefusal(e)`.
 */
import crypto from 'node:crypto';
import { AppError, isAppError, type ErrorCode } from '../../../shared/errors';
import type { CouponChannel, CouponDoc, CouponHoldingDoc, CouponTemplateDoc, CouponTerms } from '../../../shared/schemas/coupon';
import type { MemberDoc } from '../../../shared/schemas/member';
import {
  COUPON_CODE_PERIOD_MS,
  COUPON_DIGITS,
  couponCodeWindow,
  ISSUE_PROBLEM_TEXT,
  issueProblem,
  parseCouponToken,
  validityWindow,
  type IssueProblem,
} from '../../../shared/rules/coupons';
import { database } from '../platform/cloud';
import { getById, inTransaction, isDuplicateKey, queryDocs, txGet, withRetry, type TransactionOptions, type Tx } from '../platform/db';
import { secretKey } from '../platform/secrets';
import { forgetSettings, settingsDoc, SETTINGS_IDS } from '../platform/settings-read';

interface IssueCouponRequest {
  templateId: string;
  memberId: string;
  key: string;
  channel: CouponChannel;
  now: Date;
  /**
   * The calling invocation's token (issueCoupon makes one when absent): a coupon found under the key
   * with the same token is this call's own write whose reply was lost, not a duplicate.
   */
  attempt?: string;
}

interface IssuedCoupon {
  couponId: string;
  coupon: CouponDoc;
  duplicate: boolean;
}

const REFUSALS: readonly ErrorCode[] = ['COUPON_OUT_OF_STOCK', 'COUPON_LIMIT_REACHED', 'COUPON_UNAVAILABLE', 'NOT_FOUND', 'MEMBER_NOT_FOUND'];

/** A domain refusal of the issuing path (as opposed to a system failure worth retrying). */
export function isIssueRefusal(e: unknown): e is AppError {
  return isAppError(e) && REFUSALS.includes(e.code);
}

/** Candidate coupon ids of a key: 12 digits from SHA-256 of the key (the next candidate on a collision with another key). */
export function couponIdFor(key: string, attempt = 0): string {
  const h = crypto
    .createHash('sha256')
    .update(attempt === 0 ? key : `${key}#${attempt}`)
    .digest();
  return (h.readBigUInt64BE(0) % 1_000_000_000_000n).toString().padStart(12, '0');
}

export function termsOf(t: CouponTemplateDoc): CouponTerms {
  return {
    title: t.title,
    description: t.description ?? '',
    kind: t.kind,
    thresholdFen: t.thresholdFen,
    valueFen: t.valueFen,
    discountPercent: t.discountPercent ?? null,
    maxDiscountFen: t.maxDiscountFen ?? null,
    storeIds: t.storeIds ?? null,
    stackable: t.stackable,
  };
}

/** Refuses a member who is gone or whose erasure has begun (`deleteAccount` marks it before it voids). */
async function guardMember(tx: Tx, memberId: string): Promise<void> {
  const member = await txGet<MemberDoc>(tx, 'members', memberId);
  if (!member || member.deletedAt || member.erasureBegunAt) throw new AppError('MEMBER_NOT_FOUND');
}

async function issueInTx(tx: Tx, req: IssueCouponRequest, ownTransaction = false): Promise<IssuedCoupon> {
  // First, so the snapshot it reads is as early as the transaction: the narrowest race with a marking.
  if (ownTransaction) await guardMember(tx, req.memberId);
  let couponId: string | null = null;
  for (let attempt = 0; attempt < 8 && couponId === null; attempt += 1) {
    const candidate = couponIdFor(req.key, attempt);
    const existing = await txGet<CouponDoc>(tx, 'coupons', candidate);
    if (!existing) couponId = candidate;
    else if (existing.issueKey === req.key) {
      if (existing.memberId !== req.memberId || existing.templateId !== req.templateId) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      const own = req.attempt !== undefined && existing.issueAttempt === req.attempt;
      return { couponId: candidate, coupon: { ...existing, _id: candidate }, duplicate: !own };
    }
  }
  if (couponId === null) throw new Error(`no free coupon id for key ${req.key}`);

  const template = await txGet<CouponTemplateDoc>(tx, 'coupon_templates', req.templateId);
  const problem = issueProblem(template, req.channel, req.now);
  if (!template || problem === 'missing') throw new AppError('NOT_FOUND', '优惠券不存在');
  if (problem) throw new AppError('COUPON_UNAVAILABLE');
  if (template.issued >= template.stock) throw new AppError('COUPON_OUT_OF_STOCK');
  const holdingId = `${req.templateId}:${req.memberId}`;
  const holding = await txGet<CouponHoldingDoc>(tx, 'coupon_holdings', holdingId);
  const held = holding?.count ?? 0;
  if (held >= template.perMemberLimit) throw new AppError('COUPON_LIMIT_REACHED');

  const { startsAt, endsAt } = validityWindow(template.validity, req.now);
  const coupon: CouponDoc = {
    _id: couponId,
    templateId: req.templateId,
    templateVersion: template.version,
    memberId: req.memberId,
    issueKey: req.key,
    ...(req.attempt ? { issueAttempt: req.attempt } : {}),
    channel: req.channel,
    status: 'unused',
    terms: termsOf(template),
    issuedAt: req.now,
    startsAt,
    endsAt,
    used: null,
  };
  await tx
    .collection('coupon_templates')
    .doc(req.templateId)
    .update({ data: { issued: template.issued + 1 } });
  const nextHolding: Omit<CouponHoldingDoc, '_id'> = { templateId: req.templateId, memberId: req.memberId, count: held + 1, updatedAt: req.now };
  await tx.collection('coupon_holdings').doc(holdingId).set({ data: nextHolding });
  await tx.collection('coupons').add({ data: coupon });
  return { couponId, coupon, duplicate: false };
}

/**
 * Runs `work` in a transaction; a duplicate-key failure (another invocation with the same key
 * committed first) re-runs it, and the re-run finds what that one wrote.
 */
export async function inKeyedTransaction<T>(work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await inTransaction(work, options);
    } catch (e) {
      if (!isDuplicateKey(e) || attempt >= 3) throw e;
    }
  }
}

export async function issueCoupon(req: IssueCouponRequest, tx?: Tx): Promise<IssuedCoupon> {
  if (tx) return issueInTx(tx, req);
  // One token for every retry of this call, so a commit whose reply was lost reads back as ours.
  const own = { ...req, attempt: req.attempt ?? crypto.randomUUID() };
  // Every issue of a template updates its stock count: this instance's issues of it (the birthday
  // job's batch, a claim-centre rush) take turns rather than collide on that one document.
  return inKeyedTransaction((t) => issueInTx(t, own, true), { key: `coupon_template:${req.templateId}` });
}

/** What stops template `templateId` issuing on `channel` now (one read; null: it can). */
export async function templateIssueProblem(templateId: string, channel: CouponChannel, now: Date): Promise<IssueProblem | null> {
  return issueProblem(await getById<CouponTemplateDoc>('coupon_templates', templateId), channel, now);
}

/**
 * Refuses a setting that names a template which cannot issue on its channel (gone, paused, not on the
 * channel, ended): COUPON_TEMPLATE_NOT_ISSUABLE, its message naming the setting and the reason.
 */
export async function requireIssuableTemplate(templateId: string, channel: CouponChannel, now: Date, setting: string): Promise<void> {
  const problem = await templateIssueProblem(templateId, channel, now);
  if (problem) throw new AppError('COUPON_TEMPLATE_NOT_ISSUABLE', `${setting}：${ISSUE_PROBLEM_TEXT[problem]}`, { templateId, problem });
}

/** `settings/new-member-gifts`: the templates flagged as the new-member gift (kept by the coupon function on every template save). */
export const NEW_MEMBER_GIFTS_ID = SETTINGS_IDS.newMemberGifts;

/**
 * The new-member gift, called from registration inside its transaction (so no member exists without
 * the gift): one coupon of every active template flagged `newMemberGift`, keyed
 * `new_member:<memberId>:<templateId>`. A template out of stock or paused is skipped, never failing
 * the registration. Answers the coupon ids issued.
 */
export async function issueNewMemberGifts(tx: Tx, memberId: string, now: Date): Promise<string[]> {
  // The list as this call read it with the other settings (one request); each template is re-read in the transaction.
  const gifts = await settingsDoc<{ templateIds: string[] }>(NEW_MEMBER_GIFTS_ID);
  const issued: string[] = [];
  for (const templateId of gifts?.templateIds ?? []) {
    try {
      const r = await issueCoupon({ templateId, memberId, key: `new_member:${memberId}:${templateId}`, channel: 'new_member', now }, tx);
      issued.push(r.couponId);
    } catch (e) {
      if (!isIssueRefusal(e)) throw e;
    }
  }
  return issued;
}

/** Keeps `settings/new-member-gifts` in step with the templates (after a template is saved). */
export async function refreshNewMemberGifts(): Promise<void> {
  const flagged = await queryDocs<{ _id: string }>(database().collection('coupon_templates').where({ newMemberGift: true, status: 'active' }).limit(100));
  await withRetry(
    () =>
      database()
        .collection('settings')
        .doc(NEW_MEMBER_GIFTS_ID)
        .set({ data: { templateIds: flagged.map((t) => t._id).sort() } }) as Promise<unknown>,
  );
  forgetSettings();
}

// ------------------------------------------------------------------ the rotating code

/**
 * The code period: 60 s, or `HY_COUPON_CODE_PERIOD_MS` (a function environment variable; the local
 * cloud's tests and demos may shorten it). Every function here also takes it as a parameter.
 */
function couponCodePeriodMs(): number {
  const v = Number(process.env.HY_COUPON_CODE_PERIOD_MS);
  return Number.isInteger(v) && v >= 1000 ? v : COUPON_CODE_PERIOD_MS;
}

// The member code's key, with its own message prefixes ('c1.' / 'cn1.'), so a coupon MAC never
// validates as a member code or the other way round.
function mac(couponId: string, window: number): string {
  return crypto.createHmac('sha256', secretKey('HY_MEMBER_CODE_KEY')).update(`c1.${couponId}.${window}`).digest().subarray(0, 16).toString('base64url');
}
function digitsMac(couponId: string, window: number): string {
  const h = crypto.createHmac('sha256', secretKey('HY_MEMBER_CODE_KEY')).update(`cn1.${couponId}.${window}`).digest();
  return (h.readBigUInt64BE(0) % 10_000_000_000n).toString().padStart(10, '0');
}
function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

interface IssuedCouponCode {
  code: string;
  digits: string;
  refreshAt: Date;
  expiresAt: Date;
  periodMs: number;
}

/** The coupon's code for the current window: accepted in this window and the next, then expired. */
export function issueCouponCode(couponId: string, now: Date, periodMs = couponCodePeriodMs()): IssuedCouponCode {
  const w = couponCodeWindow(now, periodMs);
  return {
    code: `c1.${couponId}.${w}.${mac(couponId, w)}`,
    digits: `${couponId}${String(w % 100).padStart(2, '0')}${digitsMac(couponId, w)}`,
    refreshAt: new Date((w + 1) * periodMs),
    expiresAt: new Date((w + 2) * periodMs),
    periodMs,
  };
}

type CouponCodeCheck = { ok: true; couponId: string } | { ok: false; reason: 'invalid' | 'expired' };

/** Which coupon a scanned or typed code names: forged or garbled is `invalid`, older than one window `expired`. */
export function checkCouponCode(raw: string, now: Date, periodMs = couponCodePeriodMs()): CouponCodeCheck {
  const text = typeof raw === 'string' ? raw.replace(/\s/g, '') : '';
  const current = couponCodeWindow(now, periodMs);
  const digits = COUPON_DIGITS.exec(text);
  if (digits) {
    const [, couponId, w2, m] = digits;
    // The digits carry the window mod 100: try the windows they can name, up to 60 back.
    for (let back = 0; back <= 60; back += 1) {
      const w = current - back;
      if (w % 100 !== Number(w2)) continue;
      if (same(digitsMac(couponId, w), m)) return back <= 1 ? { ok: true, couponId } : { ok: false, reason: 'expired' };
    }
    return { ok: false, reason: 'invalid' };
  }
  const token = parseCouponToken(text);
  if (!token || !same(mac(token.couponId, token.window), token.mac)) return { ok: false, reason: 'invalid' };
  if (token.window > current) return { ok: false, reason: 'invalid' };
  if (current - token.window > 1) return { ok: false, reason: 'expired' };
  return { ok: true, couponId: token.couponId };
}
