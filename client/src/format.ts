import { BUSINESS_TZ, dayjs } from '@shared/calendar'

/**
 * How the app shows money, dates and phone numbers to people. Every date a person sees is a
 * Shanghai calendar date, whatever the device's time zone.
 */

/** 1250 → `¥12.50` */
export const formatYuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`

/** `12.5` → 1250 fen; null for anything that is not a positive amount with at most 2 decimals. */
export function yuanToFen(text: string): number | null {
  const t = text.trim()
  if (!/^\d{1,8}(\.\d{1,2})?$/.test(t)) return null
  const fen = Math.round(Number(t) * 100)
  return fen > 0 ? fen : null
}

/** A business date `2026-03-04` → `3月4日` */
export function monthDay(date: string): string {
  const [, m, d] = date.split('-')
  return `${Number(m)}月${Number(d)}日`
}

/** An ISO instant → `3月4日 09:05` in Shanghai; '' for anything unreadable. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = dayjs(iso)
  return d.isValid() ? d.tz(BUSINESS_TZ).format('M月D日 HH:mm') : ''
}

/** An ISO instant → its Shanghai calendar date `2026年3月4日`. */
export function calendarDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = dayjs(iso)
  return d.isValid() ? d.tz(BUSINESS_TZ).format('YYYY年M月D日') : ''
}

/** The Shanghai calendar month of an instant, `2026年3月` (history groups). */
export const monthOf = (iso: string) => dayjs(iso).tz(BUSINESS_TZ).format('YYYY年M月')

/** A compact Shanghai day-time `03-04 14:05` (history lines). */
export const stamp = (iso: string) => dayjs(iso).tz(BUSINESS_TZ).format('MM-DD HH:mm')
