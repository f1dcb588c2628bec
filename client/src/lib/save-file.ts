/** How a file reached the person: downloaded (H5), opened or shared (WeChat), or only shown on the page. */
export type SavedFile = { ok: true; how: 'downloaded' | 'opened' | 'shared' | 'copied'; fileName: string } | { ok: false; message: string }

export interface FileToSave {
  fileName: string
  content: string
  /** e.g. `text/csv;charset=utf-8` */
  mime: string
}

/**
 * Hands a text file to the person: in the browser a download, in WeChat a file written to the
 * user data folder and then opened or sent to a chat. Taro picks `save-file.h5.ts` or
 * `save-file.weapp.ts` at build time; this file is the type anchor and the answer elsewhere.
 */
export async function saveTextFile(_file: FileToSave): Promise<SavedFile> {
  return { ok: false, message: '当前环境不支持保存文件' }
}
