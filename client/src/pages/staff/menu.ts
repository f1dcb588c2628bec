import type { RecordOrderRequest } from '@/api/points'
import { MENU as DEMO_MENU } from '@shared/menu'

export type OrderItem = RecordOrderRequest['items'][number]

/** The counter's short menu: the demo coffee chain's (shared/menu.ts, which the demo's orders use too). */
export const MENU: (OrderItem & { name: string })[] = DEMO_MENU.map((m) => ({ ...m, quantity: 1 }))

/** A free amount typed at the till, as one line. */
export function freeAmountItem(amountFen: number): OrderItem {
  return { sku: 'FREE-AMOUNT', category: 'other', name: '其他消费', priceFen: amountFen, quantity: 1 }
}

/** `S<time><random>`: unique per order draft, kept across retries so a retried save is not a second order. */
export function newReceiptNo(now = Date.now()): string {
  return `S${now.toString(36).toUpperCase()}${Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .toUpperCase()
    .padStart(4, '0')}`
}
