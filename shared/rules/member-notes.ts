import { z } from 'zod';
import { AppError } from '../errors';

/**
 * The merchant's notes on a member (备注): free text kept beside the member in `crm_notes`, never on
 * the member document (every order writes that one). A note is keyed by its request, so a retried
 * tap writes it once, and the same key with other text is refused rather than silently dropped.
 */
export const noteTextSchema = z.string().trim().min(1, '请填写备注').max(200, '备注最多 200 个字');

/** at most this many notes per member: a note is a remark, not a diary */
export const MAX_NOTES_PER_MEMBER = 200;

export interface NoteRequest {
  memberId: string;
  requestId: string;
  text: string;
  author: { openid: string; name: string };
  now: Date;
}

interface NoteDraft {
  _id: string;
  memberId: string;
  text: string;
  by: string;
  byName: string;
  at: Date;
}

type NoteDecision = { kind: 'write'; note: NoteDraft } | { kind: 'duplicate'; noteId: string };

export const noteIdOf = (requestId: string) => `note:${requestId}`;

/**
 * Decides a note on what was read: the member (null: not found or erased), the note already under the
 * request's key, and how many notes the member has.
 */
export function decideNote(req: NoteRequest, read: { memberLive: boolean; existing: { memberId: string; text: string } | null; count: number }): NoteDecision {
  const noteId = noteIdOf(req.requestId);
  if (read.existing) {
    if (read.existing.memberId === req.memberId && read.existing.text === req.text) return { kind: 'duplicate', noteId };
    throw new AppError('IDEMPOTENCY_KEY_REUSED', '该请求编号已用于另一条备注');
  }
  if (!read.memberLive) throw new AppError('MEMBER_NOT_FOUND', '会员不存在或已注销');
  if (read.count >= MAX_NOTES_PER_MEMBER) throw new AppError('VALIDATION_FAILED', `每位会员最多 ${MAX_NOTES_PER_MEMBER} 条备注`);
  return { kind: 'write', note: { _id: noteId, memberId: req.memberId, text: req.text, by: req.author.openid, byName: req.author.name, at: req.now } };
}
