import type { RecordOrderRequest } from '@/api/points'

export type OrderItem = RecordOrderRequest['items'][number]

/** The counter's short menu (the demo coffee chain's; a real store would load its catalogue). */
export const MENU: (OrderItem & { name: string })[] = [
  { sku: 'COF-LAT', name: '拿铁', category: 'coffee', priceFen: 3200, quantity: 1 },
  { sku: 'COF-AME', name: '美式', category: 'coffee', priceFen: 2600, quantity: 1 },
  { sku: 'COF-FLW', name: '澳白', category: 'coffee', priceFen: 3400, quantity: 1 },
  { sku: 'TEA-OOL', name: '乌龙拿铁', category: 'tea', priceFen: 3000, quantity: 1 },
  { sku: 'BAK-CRO', name: '可颂', category: 'bakery', priceFen: 1800, quantity: 1 },
  { sku: 'BAK-CAK', name: '巴斯克蛋糕', category: 'bakery', priceFen: 3800, quantity: 1 },
  { sku: 'BEAN-YR', name: '耶加雪菲咖啡豆 250g', category: 'beans', priceFen: 12800, quantity: 1 },
]

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
