import type { RecordOrderRequest } from '@/api/points'
import { MENU as DEMO_MENU } from '@shared/menu'
import { yuanToFen } from '@/format'

type OrderItem = RecordOrderRequest['items'][number]

/** The counter's short menu: the demo coffee chain's (shared/menu.ts, which the demo's orders use too). */
export const MENU: (OrderItem & { name: string })[] = DEMO_MENU.map((m) => ({ ...m, quantity: 1 }))

/** A free amount typed at the till, as one line. */
function freeAmountItem(amountFen: number): OrderItem {
  return { sku: 'FREE-AMOUNT', category: 'other', name: '其他消费', priceFen: amountFen, quantity: 1 }
}

/** `S<time><random>`: unique per order draft, kept across retries so a retried save is not a second order. */
function newReceiptNo(now = Date.now()): string {
  return `S${now.toString(36).toUpperCase()}${Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .toUpperCase()
    .padStart(4, '0')}`
}

/** The order being entered at the till: kept by the page, so a failed request or a coupon scan never loses it. */
export interface OrderDraft {
  cart: Record<string, number>
  freeAmount: string
  /** kept across retries of the same order (a retried save is not a second order) */
  receiptNo: string
}

export const newDraft = (): OrderDraft => ({ cart: {}, freeAmount: '', receiptNo: newReceiptNo() })

/** The amount typed at the till, checked before sending: a sentence for anything the till cannot take. */
function checkAmount(text: string): { fen: number; error?: undefined } | { fen?: undefined; error: string } {
  const t = text.trim()
  if (!t) return { fen: 0 }
  if (/^\d+(\.\d+)?$/.test(t) && t.split('.')[0].length > 8) return { error: '金额不能超过 ¥99999999.99，请核对后重新输入' }
  const fen = yuanToFen(t)
  return fen === null ? { error: '金额格式不正确，请输入如 38 或 38.50 的金额' } : { fen }
}

/** The draft's lines and total (fen), and the free amount's error if it cannot be taken. */
export function draftOrder(draft: OrderDraft): { items: OrderItem[]; totalFen: number; amountError: string | null } {
  const items: OrderItem[] = MENU.filter((m) => (draft.cart[m.sku] ?? 0) > 0).map((m) => ({ ...m, quantity: draft.cart[m.sku] }))
  const checked = checkAmount(draft.freeAmount)
  if (checked.fen) items.push(freeAmountItem(checked.fen))
  return { items, totalFen: items.reduce((s, it) => s + it.priceFen * it.quantity, 0), amountError: checked.error ?? null }
}
