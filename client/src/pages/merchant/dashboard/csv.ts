/**
 * A table as CSV the way Excel on a Chinese Windows opens it: a UTF-8 byte order mark first (without
 * it Excel reads the Chinese headers as GBK and garbles them), CRLF line ends, every field quoted
 * when it holds a comma, a quote or a line break. Pure: the platform files save the text.
 */
export interface CsvTable {
  /** the file's name without `.csv` */
  name: string
  headers: string[]
  rows: (string | number | null)[][]
}

const BOM = '\uFEFF'

function field(value: string | number | null): string {
  const text = value === null ? '' : String(value)
  // A leading =, +, - or @ would be read by a spreadsheet as a formula (CSV injection): quote it as text.
  const safe = /^[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function toCsv(table: CsvTable): string {
  return BOM + [table.headers, ...table.rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n'
}
