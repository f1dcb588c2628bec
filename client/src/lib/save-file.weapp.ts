import Taro from '@tarojs/taro'
import type { FileToSave, SavedFile } from './save-file'

/**
 * WeChat: the file is written under `USER_DATA_PATH`, then opened (`openDocument` lists only office
 * and pdf types; Android opens a .txt or .csv anyway, iOS does not), else sent to a chat
 * (`shareFileMessage`: the person picks 文件传输助手 to get it on a computer), else its text is
 * copied to the clipboard.
 */
export async function saveTextFile({ fileName, content }: FileToSave): Promise<SavedFile> {
  const dir = Taro.env.USER_DATA_PATH
  if (!dir) return copied(fileName, content)
  const filePath = `${dir}/${fileName}`
  try {
    Taro.getFileSystemManager().writeFileSync(filePath, content, 'utf8')
  } catch {
    return copied(fileName, content)
  }
  try {
    await Taro.openDocument({ filePath, showMenu: true })
    return { ok: true, how: 'opened', fileName }
  } catch {
    // not openable here: share it instead
  }
  try {
    await Taro.shareFileMessage({ filePath, fileName })
    return { ok: true, how: 'shared', fileName }
  } catch {
    return copied(fileName, content)
  }
}

async function copied(fileName: string, content: string): Promise<SavedFile> {
  try {
    await Taro.setClipboardData({ data: content })
    return { ok: true, how: 'copied', fileName }
  } catch {
    return { ok: false, message: '未能保存文件，请稍后重试' }
  }
}
