import { exportFileName, formatMyData, UTF8_BOM, type ExportFileKind } from '@shared/rules/data-export'
import { exportMyData } from '@/api/member'
import { saveTextFile, type SavedFile } from './save-file'

/** The forms the member may take their data in: a file to read, a table for Excel, JSON for machines. */
export const EXPORT_CHOICES: readonly { kind: ExportFileKind | 'json'; label: string }[] = [
  { kind: 'txt', label: '文本文件（.txt，便于阅读）' },
  { kind: 'csv', label: '表格（.csv，可用 Excel 打开）' },
  { kind: 'json', label: 'JSON（.json，供程序读取）' },
]

const MIME: Record<ExportFileKind | 'json', string> = {
  txt: 'text/plain;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  json: 'application/json;charset=utf-8',
}

/** 导出我的数据: fetches the export, renders it in the chosen form and hands the file over. */
export async function exportMyDataFile(kind: ExportFileKind | 'json'): Promise<SavedFile & { preview?: string }> {
  const res = await exportMyData()
  if (!res.ok) return { ok: false, message: res.message }
  // JSON for machines carries no BOM (RFC 8259); the files for people do (formatMyData).
  const content = kind === 'json' ? JSON.stringify(res.data, null, 2) : formatMyData(res.data, kind)
  const saved = await saveTextFile({ fileName: exportFileName(res.data, kind), content, mime: MIME[kind] })
  // Shown on the page when the file could only be copied (WeChat without a way to open or share it).
  return saved.ok && saved.how === 'copied' ? { ...saved, preview: content.startsWith(UTF8_BOM) ? content.slice(1) : content } : saved
}

/** What the page says once the file is handed over. */
export function savedText(saved: SavedFile): string {
  if (!saved.ok) return saved.message
  switch (saved.how) {
    case 'downloaded':
      return `已下载「${saved.fileName}」`
    case 'opened':
      return `已打开「${saved.fileName}」`
    case 'shared':
      return `已发送「${saved.fileName}」`
    case 'copied':
      return '已复制到剪贴板，可粘贴到聊天或备忘录保存'
  }
}
