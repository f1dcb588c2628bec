import type { FileToSave, SavedFile } from './save-file'

/** H5: a download of a Blob (the content carries its own BOM where Excel needs one). */
export async function saveTextFile({ fileName, content, mime }: FileToSave): Promise<SavedFile> {
  try {
    const url = URL.createObjectURL(new Blob([content], { type: mime }))
    const a = document.createElement('a')
    a.href = url
    a.download = fileName
    a.rel = 'noopener'
    document.body.appendChild(a)
    a.click()
    a.remove()
    // Revoked after the click has been handled: revoking at once can cancel the download in some browsers.
    setTimeout(() => URL.revokeObjectURL(url), 10_000)
    return { ok: true, how: 'downloaded', fileName }
  } catch {
    return { ok: false, message: '浏览器未能下载文件，请换一个浏览器再试' }
  }
}
