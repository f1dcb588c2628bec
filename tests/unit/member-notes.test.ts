import { decideNote, MAX_NOTES_PER_MEMBER, noteTextSchema } from '../../shared/rules/member-notes';

const at = new Date('2026-12-07T02:00:00Z');
const req = { memberId: 'm1', requestId: 'req-00001', text: '喜欢燕麦拿铁', author: { openid: 'o-boss', name: '店长' }, now: at };

describe('decideNote', () => {
  it('writes a new note under the request key, with who and when', () => {
    expect(decideNote(req, { memberLive: true, existing: null, count: 0 })).toEqual({
      kind: 'write',
      note: { _id: 'note:req-00001', memberId: 'm1', text: '喜欢燕麦拿铁', by: 'o-boss', byName: '店长', at },
    });
  });
  it('answers a retry with the note already written, and refuses the key reused for other text', () => {
    expect(decideNote(req, { memberLive: true, existing: { memberId: 'm1', text: '喜欢燕麦拿铁' }, count: 1 })).toEqual({
      kind: 'duplicate',
      noteId: 'note:req-00001',
    });
    expect(() => decideNote(req, { memberLive: true, existing: { memberId: 'm1', text: '别的' }, count: 1 })).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
    expect(() => decideNote(req, { memberLive: true, existing: { memberId: 'm2', text: '喜欢燕麦拿铁' }, count: 1 })).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
    );
  });
  it('refuses an unknown or erased member, and a member at the limit', () => {
    expect(() => decideNote(req, { memberLive: false, existing: null, count: 0 })).toThrow(expect.objectContaining({ code: 'MEMBER_NOT_FOUND' }));
    expect(() => decideNote(req, { memberLive: true, existing: null, count: MAX_NOTES_PER_MEMBER })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
  it('trims the text and bounds it', () => {
    expect(noteTextSchema.parse('  周末常来 ')).toBe('周末常来');
    expect(noteTextSchema.safeParse('  ').success).toBe(false);
    expect(noteTextSchema.safeParse('长'.repeat(201)).success).toBe(false);
  });
});
