import Taro from '@tarojs/taro'
import type { Result } from '@shared/envelope'
import { UNAVAILABLE, asResult } from './envelope'

/** Weapp: WeChat identifies the caller; the function's answer is `res.result`. */
export async function callFunction<T>(name: string, data: Record<string, unknown>): Promise<Result<T>> {
  try {
    const res = await Taro.cloud.callFunction({ name, data })
    return asResult<T>(res.result)
  } catch (err) {
    console.warn(`[callFunction] ${name} failed`, err)
    return UNAVAILABLE
  }
}
