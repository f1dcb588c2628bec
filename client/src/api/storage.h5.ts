import type { Result } from '@shared/envelope'
import { UNAVAILABLE, asResult } from './envelope'

/** H5: the chosen file (a blob: URL) is posted to the local cloud's storage as raw bytes; the session cookie says who uploads. */
export async function uploadFile(filePath: string, cloudPath: string): Promise<Result<{ fileID: string }>> {
  try {
    const bytes = await (await fetch(filePath)).blob()
    const res = await fetch('/api/storage?cloudPath=' + encodeURIComponent(cloudPath), { method: 'POST', credentials: 'include', body: bytes })
    return asResult<{ fileID: string }>(await res.json())
  } catch (err) {
    console.warn('[uploadFile] failed', err)
    return UNAVAILABLE
  }
}
