import { AppError } from '../../shared/errors';
import { imageRefusal } from '../../shared/rules/mall';
import { cloud } from '../_lib/platform/cloud';

/** How long a picture's temporary URL lasts: a page opened now still shows its pictures for two hours. */
const IMAGE_URL_MAX_AGE_S = 2 * 60 * 60;
/** getTempFileURL takes at most 50 files a call (云开发文档). */
const FILES_PER_CALL = 50;
/** What the SDK reports for a file that is not in storage (storage file not exists). */
const FILE_MISSING = -503003;

const isCloudFile = (ref: string) => /^cloud:\/\//i.test(ref);

/**
 * Checks each picture new to the item before its file id is saved: it is in this environment's
 * storage, a JPEG, PNG or WebP by its bytes, and at most 2 MB (shared/rules/mall.ts `imageRefusal`).
 * The merchant's page uploads straight to storage (as `wx.cloud.uploadFile` does), so the check is
 * here, where the page cannot skip it. https pictures are the merchant's own CDN, shown as they are.
 */
export async function checkNewImages(images: readonly string[], kept: readonly string[] = []): Promise<void> {
  for (const fileID of images.filter((ref) => isCloudFile(ref) && !kept.includes(ref))) {
    let content: Buffer;
    try {
      content = (await cloud.downloadFile({ fileID })).fileContent;
    } catch (e) {
      if ((e as { errCode?: number }).errCode === FILE_MISSING) throw new AppError('MALL_IMAGE_NOT_FOUND');
      throw e;
    }
    const refusal = imageRefusal({ head: content.subarray(0, 16), sizeBytes: content.length });
    if (refusal) throw new AppError(refusal);
  }
}

/**
 * The temporary URL of each cloud picture named in `refs` (one getTempFileURL call per 50 files),
 * keyed by file id; a file no longer in storage has none. https pictures are shown as they are.
 */
export async function imageUrlsOf(refs: readonly string[]): Promise<Record<string, string>> {
  const files = [...new Set(refs.filter(isCloudFile))];
  const urls: Record<string, string> = {};
  for (let i = 0; i < files.length; i += FILES_PER_CALL) {
    const fileList = files.slice(i, i + FILES_PER_CALL).map((fileID) => ({ fileID, maxAge: IMAGE_URL_MAX_AGE_S }));
    // Typed `Promise | void` by the SDK (the callback form answers nothing); the promise form is used here.
    const res = (await cloud.getTempFileURL({ fileList })) as { fileList: { fileID: string; tempFileURL: string; status: number }[] };
    for (const f of res.fileList) if (f.status === 0) urls[f.fileID] = f.tempFileURL;
  }
  return urls;
}
