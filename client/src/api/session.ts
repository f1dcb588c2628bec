import type { Result } from '@shared/envelope'
import type { SignInRequest } from './session-types'

export type { SignInRole } from './session-types'

/**
 * Whether this build offers the local sign-in (选择身份). Only the H5 build against the local cloud
 * does; in WeChat the platform identifies the user. Per-platform files: `session.h5.ts`, `session.weapp.ts`.
 */
export const supportsLocalSignIn = false

export async function signIn(_req: SignInRequest): Promise<Result<null>> {
  return { ok: true, data: null }
}

/** Ends the local session (nothing to end in WeChat). */
export async function signOut(): Promise<void> {}
