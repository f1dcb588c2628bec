import type { InputOf } from '@shared/contract'
import type { mallContract } from '@shared/contracts/mall'
import { call } from './client'

export type { MallItemView, MallOrderView, MallShelfItem } from '@shared/contracts/mall'
export type { Address } from '@shared/schemas/mall'
type CreateItemRequest = InputOf<typeof mallContract, 'createItem'>
type RedeemRequest = InputOf<typeof mallContract, 'redeem'>

// ---- consumer
export const listItems = (params: InputOf<typeof mallContract, 'listItems'> = {}) => call('mall', 'listItems', params)
export const getItem = (itemId: string) => call('mall', 'getItem', { itemId })
export const redeem = (req: RedeemRequest) => call('mall', 'redeem', req)
export const myOrders = () => call('mall', 'myOrders')
export const cancelOrder = (orderId: string) => call('mall', 'cancel', { orderId })
export const lastAddress = () => call('mall', 'lastAddress')

// ---- merchant
export const adminItems = () => call('mall', 'adminItems')
export const createItem = (req: CreateItemRequest) => call('mall', 'createItem', req)
export const updateItem = (req: InputOf<typeof mallContract, 'updateItem'>) => call('mall', 'updateItem', req)
export const restock = (itemId: string, quantity: number) => call('mall', 'restock', { itemId, quantity })
export const listOrders = () => call('mall', 'listOrders', { limit: 50 })
export const shipOrder = (orderId: string, carrier: string, trackingNo: string) => call('mall', 'ship', { orderId, carrier, trackingNo })
