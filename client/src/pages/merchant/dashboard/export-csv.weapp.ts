import Taro from '@tarojs/taro'
import { toCsv, type CsvTable } from './csv'

/** Writes `<name>.csv` to the user data folder and offers it to a chat (文件传输助手 opens it on a PC). */
export async function exportCsv(table: CsvTable): Promise<{ ok: boolean; message: string }> {
  const filePath = `${Taro.env.USER_DATA_PATH}/${table.name}.csv`
  try {
    Taro.getFileSystemManager().writeFileSync(filePath, toCsv(table), 'utf8')
    await Taro.shareFileMessage({ filePath, fileName: `${table.name}.csv` })
    return { ok: true, message: '已发送' }
  } catch {
    return { ok: false, message: '导出未完成' }
  }
}
