import type { MemberCard } from '@shared/schemas/member'
import { callFunction } from './call'

/** The signed-in consumer's member card (registers the member on first visit). */
export function getCard() {
  return callFunction<MemberCard>('member', { action: 'getCard' })
}
