/**
 * Subscribe messages, one way in and one way out.
 *
 * In: a member accepts one-time subscriptions in the client (`wx.requestSubscribeMessage`, from a tap)
 * and `member.recordSubscriptions` adds one credit per accepted template to
 * `subscribe_credits/<memberId>:<templateId>` (WeChat offers no API to read them back).
 *
 * Out: `sendMessage` is the only path to `cloud.openapi.subscribeMessage.send`:
 * 1. the template comes from the registry (`message_templates/<templateId>`, by purpose);
 * 2. the values are checked against the template's field formats first (`shared/rules/message-fields`):
 *    an invalid message is refused before any credit is touched;
 * 3. the send is keyed (`message_log/<key>`, e.g. `points-expiry:<member>:<lot>:30`): a key already
 *    logged is never sent again, whatever its outcome — at most once per member per occurrence;
 * 4. one credit is consumed and the log written `sending` in one transaction; no credit, no send
 *    (logged `no_credit`);
 * 5. the platform's answer is logged per recipient (`sent` with its msgid, or `failed` with the errCode:
 *    43101 refused, 47003 bad data, 40003 bad openid …). A refused send gives no credit back: the
 *    platform may well have counted it, and a credit given back would be spent on a second refusal.
 * A crash between 4 and 5 leaves the log `sending`: the message is not sent twice (at most once).
 */
import { z } from 'zod';
import { fillFields, messageProblems, nameOffer, type FieldIssue, type FieldKind, type MessageOffer } from '../../../shared/rules/message-fields';
import { creditsAfterAccept, distinctAccepted } from '../../../shared/rules/engagement';
import type { MessagePurpose, TemplateView } from '../../../shared/contracts/marketing';
import { cloud, database } from '../platform/cloud';
import { getById, inTransaction, queryDocs, txGet, withRetry } from '../platform/db';
import type { MessageLogDoc, MessageTemplateDoc, SendStatus, SubscribeCreditDoc } from '../../../shared/schemas/engagement';

export type TemplateDoc = MessageTemplateDoc;

type CreditDoc = SubscribeCreditDoc;

const creditId = (memberId: string, templateId: string) => `${memberId}:${templateId}`;

function toTemplateView(t: TemplateDoc): TemplateView {
  return {
    templateId: t.templateId,
    title: t.title,
    purpose: t.purpose,
    fields: t.fields,
    page: t.page ?? null,
    active: t.active,
    updatedAt: new Date(t.updatedAt).toISOString(),
  };
}

export async function listTemplates(purpose: MessagePurpose | undefined, includeInactive: boolean): Promise<TemplateView[]> {
  const where: Record<string, unknown> = {};
  if (purpose) where.purpose = purpose;
  if (!includeInactive) where.active = true;
  const docs = await queryDocs<TemplateDoc>(database().collection('message_templates').where(where).limit(100));
  return docs.map(toTemplateView).sort((a, b) => (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : 0));
}

/** The active template for a purpose (the latest registered), or null. */
export async function templateFor(purpose: MessagePurpose): Promise<TemplateDoc | null> {
  const docs = await queryDocs<TemplateDoc>(database().collection('message_templates').where({ purpose, active: true }).orderBy('updatedAt', 'desc').limit(1));
  return docs[0] ?? null;
}

export async function registerTemplate(
  input: Omit<TemplateDoc, '_id' | 'updatedAt' | 'updatedBy' | 'page'> & { page?: string },
  by: string,
  now: Date,
): Promise<TemplateView> {
  const doc: Omit<TemplateDoc, '_id'> = { ...input, page: input.page ?? null, updatedAt: now, updatedBy: by };
  await withRetry(() => database().collection('message_templates').doc(input.templateId).set({ data: doc }) as Promise<unknown>);
  return toTemplateView({ _id: input.templateId, ...doc });
}

/**
 * One credit per accepted template id (known, active ones; others are answered as ignored). Each
 * credit is one transaction on the member's credit document for that template.
 */
export async function recordSubscriptions(
  memberId: string,
  accepted: readonly string[],
  now: Date,
): Promise<{ recorded: { templateId: string; credits: number }[]; ignored: string[] }> {
  const recorded: { templateId: string; credits: number }[] = [];
  const ignored: string[] = [];
  // A repeated id is one acceptance (one tap accepts a template once); the held credits stay capped.
  for (const templateId of distinctAccepted(accepted)) {
    const template = await getById<TemplateDoc>('message_templates', templateId);
    if (!template || !template.active) {
      ignored.push(templateId);
      continue;
    }
    const credits = await inTransaction(async (tx) => {
      const doc = await txGet<CreditDoc>(tx, 'subscribe_credits', creditId(memberId, templateId));
      const next = {
        memberId,
        templateId,
        credits: creditsAfterAccept(doc?.credits ?? 0),
        accepted: (doc?.accepted ?? 0) + 1,
        consumed: doc?.consumed ?? 0,
        updatedAt: now,
      };
      await tx.collection('subscribe_credits').doc(creditId(memberId, templateId)).set({ data: next });
      return next.credits;
    });
    recorded.push({ templateId, credits });
  }
  return { recorded, ignored };
}

export interface MessageRequest {
  /** the idempotency key of this message: one send per key, ever */
  key: string;
  memberId: string;
  openid: string;
  purpose: MessagePurpose;
  /** field key → value (`thing1: '生日礼券已到账'`) */
  data: Record<string, string>;
  /** overrides the template's page */
  page?: string;
  now: Date;
  /** a template already looked up (jobs look it up once per run) */
  template?: TemplateDoc | null;
  /** the caller found no log under `key` (a job reads a chunk's keys in one query): the read before the transaction is skipped; the transaction still checks */
  knownAbsent?: boolean;
}

interface SendResult {
  status: SendStatus | 'duplicate';
  errCode?: number;
  issues?: FieldIssue[];
}

/** A job's send counters: `sent`, and `notSent` for refusals (no credit, invalid values, the platform's); a duplicate counts as neither. */
export function countSend(counters: { sent: number; notSent: number }, r: SendResult | null): void {
  if (!r) return;
  if (r.status === 'sent') counters.sent += 1;
  else if (r.status !== 'duplicate') counters.notSent += 1;
}

const platformError = z.object({ errCode: z.number(), errMsg: z.string().optional() }).passthrough();

/** The one send path (see the top of this file). */
export async function sendMessage(req: MessageRequest): Promise<SendResult> {
  const template = req.template !== undefined ? req.template : await templateFor(req.purpose);
  const log = (status: SendStatus, extra: Partial<MessageLogDoc> = {}): Omit<MessageLogDoc, '_id'> => ({
    memberId: req.memberId,
    templateId: template?.templateId ?? null,
    purpose: req.purpose,
    status,
    createdAt: req.now,
    updatedAt: req.now,
    ...extra,
  });
  const existing = req.knownAbsent ? null : await getById<MessageLogDoc>('message_log', req.key);
  if (existing) return { status: 'duplicate' };
  if (!template) return { status: 'no_template' };
  const issues = messageProblems(
    template.fields.map((f) => f.key),
    req.data,
  );
  if (issues.length > 0) {
    // Refused before sending: no credit is consumed, and the log says why.
    await withRetry(
      () =>
        database()
          .collection('message_log')
          .doc(req.key)
          .set({ data: log('invalid', { issues }) }) as Promise<unknown>,
    );
    return { status: 'invalid', issues };
  }
  const claimed = await inTransaction(async (tx) => {
    if (await txGet<MessageLogDoc>(tx, 'message_log', req.key)) return 'duplicate' as const;
    const credit = await txGet<CreditDoc>(tx, 'subscribe_credits', creditId(req.memberId, template.templateId));
    if (!credit || credit.credits < 1) {
      await tx
        .collection('message_log')
        .doc(req.key)
        .set({ data: log('no_credit') });
      return 'no_credit' as const;
    }
    await tx
      .collection('subscribe_credits')
      .doc(creditId(req.memberId, template.templateId))
      .set({
        data: {
          memberId: credit.memberId,
          templateId: credit.templateId,
          credits: credit.credits - 1,
          accepted: credit.accepted,
          consumed: credit.consumed + 1,
          updatedAt: req.now,
        },
      });
    await tx
      .collection('message_log')
      .doc(req.key)
      .set({ data: log('sending') });
    return 'claimed' as const;
  });
  if (claimed !== 'claimed') return { status: claimed };
  const payload = Object.fromEntries(Object.entries(req.data).map(([k, value]) => [k, { value }]));
  try {
    const res = (await cloud.openapi.subscribeMessage.send({
      touser: req.openid,
      templateId: template.templateId,
      page: req.page ?? template.page ?? undefined,
      data: payload,
      miniprogramState: 'formal',
    })) as { msgid?: string | number };
    await withRetry(
      () =>
        database()
          .collection('message_log')
          .doc(req.key)
          .update({ data: { status: 'sent', msgid: res?.msgid ?? null, updatedAt: new Date() } }) as Promise<unknown>,
    );
    return { status: 'sent' };
  } catch (e) {
    const err = platformError.safeParse(e);
    if (!err.success) throw e;
    // The platform refused this recipient: logged, and the credit stays spent.
    await withRetry(
      () =>
        database()
          .collection('message_log')
          .doc(req.key)
          .update({
            data: { status: 'failed', errCode: err.data.errCode, errMsg: String(err.data.errMsg ?? '').slice(0, 200), updatedAt: new Date() },
          }) as Promise<unknown>,
    );
    return { status: 'failed', errCode: err.data.errCode };
  }
}

/** A member's open credits by template (for tests and the merchant's view). */
export async function creditsOf(memberId: string, templateId: string): Promise<number> {
  const doc = await getById<CreditDoc>('subscribe_credits', creditId(memberId, templateId));
  return doc?.credits ?? 0;
}

/**
 * Fills a template's fields (`shared/rules/message-fields` `fillFields`): the member's name where a
 * field's label asks for it (姓名, 昵称 …) or a `name` field is, the job's labelled offers where the
 * merchant's labels name them, then values by kind in the order given; a value that fails its
 * field's check (a nickname in a 姓名 field) gives way to a valid one, so no member is skipped.
 */
export function fillTemplate(
  template: Pick<TemplateDoc, 'fields'>,
  values: Partial<Record<FieldKind, readonly string[]>>,
  context: { nickname: string | null | undefined; today: string; offers?: readonly MessageOffer[] },
): Record<string, string> {
  const byKind = (Object.entries(values) as [FieldKind, readonly string[]][]).flatMap(([kind, vs]) => vs.map((value) => ({ value, kinds: [kind] })));
  return fillFields(template.fields, [...nameOffer(context.nickname), ...(context.offers ?? []), ...byKind], context.today).data;
}
