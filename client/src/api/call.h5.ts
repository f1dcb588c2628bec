import type { Result } from '@shared/envelope'
import { UNAVAILABLE, asResult } from './envelope'

/** H5: the local cloud serves every function at `POST /api/fn/<name>`; the session cookie says who calls. */
export async function callFunction<T>(name: string, data: Record<string, unknown>): Promise<Result<T>> {
  try {
    const res = await fetch('/api/fn/' + encodeURIComponent(name), {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
    })
    return asResult<T>(await res.json())
  } catch (err) {
    console.warn(`[callFunction] ${name} failed`, err)
    return UNAVAILABLE
  }
}
