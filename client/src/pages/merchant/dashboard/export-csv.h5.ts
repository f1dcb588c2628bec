import { toCsv, type CsvTable } from './csv'

/** Downloads the table as `<name>.csv` (a Blob link clicked: no server round trip). */
export async function exportCsv(table: CsvTable): Promise<{ ok: boolean; message: string }> {
  const url = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = `${table.name}.csv`
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return { ok: true, message: `已导出 ${table.name}.csv` }
}
