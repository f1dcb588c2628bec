import type { Result } from '@shared/envelope'
import { UNAVAILABLE } from './envelope'

/**
 * Uploads a file the person chose (`Taro.chooseImage`'s temp path) to cloud storage at `cloudPath`;
 * answers its `cloud://` file id. Per platform: `storage.weapp.ts` (wx.cloud.uploadFile) and
 * `storage.h5.ts` (the local cloud's stand-in). What the file may be is checked by the function that
 * keeps its id, not here.
 */
export async function uploadFile(_filePath: string, _cloudPath: string): Promise<Result<{ fileID: string }>> {
  return UNAVAILABLE
}
