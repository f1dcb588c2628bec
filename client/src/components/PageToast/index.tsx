import { Toast } from '@/components/nutui'

const TOAST_ID = 'page-toast'

/** Where a page's toasts appear: put `<PageToast />` once in the page, then call `toast(text)`. */
export function PageToast() {
  return <Toast id={TOAST_ID} className='page-toast' />
}

/** A short message with NutUI's toast (the kit's, so every page's toasts look the same). */
export function toast(content: string): void {
  Toast.show(TOAST_ID, { content, duration: 2.5, position: 'middle' })
}
