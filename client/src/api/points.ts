import type { PointsHistory } from '@shared/schemas/points'
import { callFunction } from './call'

/** The signed-in member's points: summary, pending and expiring lots, history newest first. */
export function getPointsHistory(before?: string) {
  return callFunction<PointsHistory>('points', before ? { action: 'history', before } : { action: 'history' })
}
