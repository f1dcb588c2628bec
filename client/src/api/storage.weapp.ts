import Taro from '@tarojs/taro'
import type { Result } from '@shared/envelope'
import { UNAVAILABLE } from './envelope'

/** Weapp: straight to the environment's storage; WeChat knows who uploads. */
export async function uploadFile(filePath: string, cloudPath: string): Promise<Result<{ fileID: string }>> {
  try {
    const res = await Taro.cloud.uploadFile({ cloudPath, filePath })
    return { ok: true, data: { fileID: res.fileID } }
  } catch (err) {
    console.warn('[uploadFile] failed', err)
    return UNAVAILABLE
  }
}
