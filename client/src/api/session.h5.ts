import type { Result } from '@shared/envelope'
import { UNAVAILABLE, asResult } from './envelope'
import type { SignInRequest } from './session-types'

export type { SignInRole, SignInRequest } from './session-types'

/** The local cloud's sign-in lets a person act as a consumer, a staff member or the merchant. */
export const supportsLocalSignIn = true

/** `POST /api/login` sets the session cookie that `/api/fn/*` calls carry. */
export async function signIn(req: SignInRequest): Promise<Result<null>> {
  const body: SignInRequest = req.openid ? { role: req.role, openid: req.openid } : { role: req.role }
  try {
    const res = await fetch('/api/login', {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const json: unknown = await res.json().catch(() => null)
    if (json && typeof json === 'object' && 'ok' in json) {
      const result = asResult<unknown>(json)
      return result.ok ? { ok: true, data: null } : result
    }
    return res.ok ? { ok: true, data: null } : UNAVAILABLE
  } catch (err) {
    console.warn('[signIn] failed', err)
    return UNAVAILABLE
  }
}

/** `POST /api/logout` ends the local session: the next page asks who to act as (switch identity). */
export async function signOut(): Promise<void> {
  try {
    await fetch('/api/logout', { method: 'POST', credentials: 'include' })
  } catch (err) {
    console.warn('[signOut] failed', err)
  }
}
