/**
 * The merchant's notes on a member (`crm_notes`): read, decided by `decideNote`
 * (shared/rules/member-notes.ts), written in one transaction. Requests on the cloud: 1 count, then a
 * transaction of 2 reads and 1 write.
 */
import type { MemberNoteView } from '../../../shared/contracts/crm';
import { decideNote, noteIdOf, type NoteRequest } from '../../../shared/rules/member-notes';
import type { MemberNoteDoc } from '../../../shared/schemas/crm';
import type { MemberDoc } from '../../../shared/schemas/member';
import { database } from '../platform/cloud';
import { count, inTransaction, queryDocs, txGet } from '../platform/db';

const NOTES_SHOWN = 20;

const viewOf = (n: Pick<MemberNoteDoc, '_id' | 'text' | 'byName' | 'at'>): MemberNoteView => ({
  noteId: n._id,
  text: n.text,
  byName: n.byName,
  at: new Date(n.at).toISOString(),
});

export async function noteMember(req: NoteRequest): Promise<{ note: MemberNoteView; duplicate: boolean }> {
  // The count is read before the transaction (a transaction reads documents by id only): the limit
  // may be passed by a note or two written at the same moment, which is harmless.
  const existingCount = await count(database().collection('crm_notes').where({ memberId: req.memberId }));
  return inTransaction(async (tx) => {
    const member = await txGet<MemberDoc>(tx, 'members', req.memberId);
    const existing = await txGet<MemberNoteDoc>(tx, 'crm_notes', noteIdOf(req.requestId));
    const decision = decideNote(req, { memberLive: !!member && !member.deletedAt, existing, count: existingCount });
    if (decision.kind === 'duplicate') return { note: viewOf(existing!), duplicate: true };
    const { _id, ...data } = decision.note;
    await tx.collection('crm_notes').doc(_id).set({ data });
    return { note: viewOf(decision.note), duplicate: false };
  });
}

/** The member's latest notes, newest first. */
export async function recentNotes(memberId: string): Promise<MemberNoteView[]> {
  const docs = await queryDocs<MemberNoteDoc>(database().collection('crm_notes').where({ memberId }).orderBy('at', 'desc').limit(NOTES_SHOWN));
  return docs.map(viewOf);
}
