import type { CsvTable } from './csv'

/**
 * Saves a table as a CSV file. Taro picks the platform file: `export-csv.h5.ts` downloads it in the
 * browser, `export-csv.weapp.ts` writes it to the user data folder and offers to send it to a chat
 * (a mini-program cannot save to the phone's files). This file is the type anchor.
 */
export async function exportCsv(_table: CsvTable): Promise<{ ok: boolean; message: string }> {
  return { ok: false, message: '当前环境不支持导出' }
}
