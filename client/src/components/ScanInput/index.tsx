import { CodeEntry } from './CodeEntry'
import type { ScanInputProps } from './types'

/**
 * Reads a customer's member code. Taro picks the platform file: `index.weapp.tsx` scans with the
 * camera (`Taro.scanCode`), `index.h5.tsx` takes typed input. This file is the type anchor and the
 * answer on any other platform: typed input.
 */
export function ScanInput(props: ScanInputProps) {
  return <CodeEntry {...props} />
}
