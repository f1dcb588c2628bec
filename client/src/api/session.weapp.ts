import type { Result } from '@shared/envelope'
import type { SignInRequest } from './session-types'

export type { SignInRole, SignInRequest } from './session-types'

/** WeChat identifies the user (OPENID from the cloud context): nothing to sign in to. */
export const supportsLocalSignIn = false

export async function signIn(_req: SignInRequest): Promise<Result<null>> {
  return { ok: true, data: null }
}

/** WeChat sessions are the platform's: nothing to end. */
export async function signOut(): Promise<void> {}
