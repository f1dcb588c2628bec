import { CodeEntry } from './CodeEntry'
import type { ScanInputProps } from './types'

/** H5: browsers in this build have no scan API; the clerk types the digits under the barcode. */
export function ScanInput(props: ScanInputProps) {
  return <CodeEntry {...props} />
}
