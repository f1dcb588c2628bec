export interface ScanInputProps {
  /** a member code as read (QR token or the 26-digit numeric form) or a typed phone number, spaces removed */
  onCode: (code: string) => void
  busy: boolean
}
