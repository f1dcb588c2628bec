/** jsbarcode's DOM-free encoders (`jsbarcode/bin/barcodes`): `new CODE128(text, options).encode()` gives the bar pattern. */
declare module 'jsbarcode/bin/barcodes' {
  interface Encoder {
    valid(): boolean
    encode(): { text: string; data: string }
  }
  type EncoderClass = new (text: string, options: Record<string, unknown>) => Encoder
  const barcodes: Record<'CODE128' | 'CODE128A' | 'CODE128B' | 'CODE128C', EncoderClass>
  export default barcodes
}
