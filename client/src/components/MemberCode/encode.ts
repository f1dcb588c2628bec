import qrcode from 'qrcode-generator'
import barcodes from 'jsbarcode/bin/barcodes'

/** A run of dark modules in a row: start column and length (drawn as one View). */
interface Run {
  x: number
  w: number
}

/** QR modules as dark runs per row (qrcode-generator, error correction M, smallest version that fits). */
export function qrRuns(text: string): { size: number; rows: Run[][] } {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const size = qr.getModuleCount()
  const rows: Run[][] = []
  for (let r = 0; r < size; r += 1) {
    const runs: Run[] = []
    let c = 0
    while (c < size) {
      if (!qr.isDark(r, c)) {
        c += 1
        continue
      }
      const start = c
      while (c < size && qr.isDark(r, c)) c += 1
      runs.push({ x: start, w: c - start })
    }
    rows.push(runs)
  }
  return { size, rows }
}

/** Code 128 bars (jsbarcode's encoder, no DOM): modules count and dark runs. C for digits, auto otherwise. */
export function code128Runs(text: string): { modules: number; bars: Run[] } {
  const Encoder = /^(\d\d)+$/.test(text) ? barcodes.CODE128C : barcodes.CODE128
  const data = new Encoder(text, {}).encode().data
  const bars: Run[] = []
  let i = 0
  while (i < data.length) {
    if (data[i] !== '1') {
      i += 1
      continue
    }
    const start = i
    while (i < data.length && data[i] === '1') i += 1
    bars.push({ x: start, w: i - start })
  }
  return { modules: data.length, bars }
}

/** 26 digits grouped for reading aloud: 8000 0000 0042 1234 ... */
export function groupDigits(s: string): string {
  return s.replace(/(\d{4})(?=\d)/g, '$1 ')
}
