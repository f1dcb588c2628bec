import type { MallShelfItem } from '@/api/mall'
import { formatYuan } from '@/format'

/** `800 积分` or `800 积分 + ¥9.90` */
export const price = (i: Pick<MallShelfItem, 'pointsPrice' | 'cashFen'>) => `${i.pointsPrice} 积分${i.cashFen > 0 ? ` + ${formatYuan(i.cashFen)}` : ''}`
