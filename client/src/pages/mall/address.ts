import type { Address } from '@/api/mall'

export const EMPTY_ADDRESS: Address = { name: '', phone: '', region: '', detail: '' }
