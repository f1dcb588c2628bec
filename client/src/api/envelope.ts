import type { Fail, Result } from '@shared/envelope'

/** What every transport answers when the call never reached a function (offline, 5xx, bad JSON). */
export const UNAVAILABLE: Fail = { ok: false, code: 'UNAVAILABLE', message: '网络异常，请稍后重试' }

/**
 * A function's answer crossed a network: trust its shape only after a look.
 * Anything that is not `{ ok: true, data }` or `{ ok: false, code, message }` counts as unavailable.
 */
export function asResult<T>(value: unknown): Result<T> {
  if (typeof value !== 'object' || value === null) return UNAVAILABLE
  const v = value as { ok?: unknown; code?: unknown; message?: unknown }
  if (v.ok === true && 'data' in v) return value as Result<T>
  if (v.ok === false && typeof v.code === 'string' && typeof v.message === 'string') return value as Result<T>
  return UNAVAILABLE
}
