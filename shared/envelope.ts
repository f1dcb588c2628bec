import type { ErrorCode } from './errors';

/** Every cloud function answers with this envelope; the client never sees a thrown error. */
export type Ok<T> = { ok: true; data: T };
export type Fail = { ok: false; code: ErrorCode; message: string; details?: unknown };
export type Result<T> = Ok<T> | Fail;

export const ok = <T>(data: T): Ok<T> => ({ ok: true, data });
export const fail = (code: ErrorCode, message: string, details?: unknown): Fail =>
  details === undefined ? { ok: false, code, message } : { ok: false, code, message, details };
