import type { Result } from '@shared/envelope'
import { UNAVAILABLE } from './envelope'

/**
 * Calls a cloud function and answers its envelope; never throws.
 *
 * Taro picks the platform file at build time: `call.weapp.ts` (wx.cloud.callFunction) or
 * `call.h5.ts` (HTTP to the local cloud). This file is the type anchor and the answer on any
 * other platform.
 */
export async function callFunction<T>(_name: string, _data: Record<string, unknown>): Promise<Result<T>> {
  return UNAVAILABLE
}
