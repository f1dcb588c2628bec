import Taro from '@tarojs/taro'
import { call } from './client'

/** Asks WeChat for one-time subscriptions and records the accepted ones (see subscribe.ts). */
export async function askSubscribe(templateIds: readonly string[]): Promise<string[]> {
  if (templateIds.length === 0) return []
  let answer: Record<string, unknown>
  try {
    answer = (await Taro.requestSubscribeMessage({ tmplIds: [...templateIds], entityIds: [] })) as unknown as Record<string, unknown>
  } catch {
    // Dismissed, or subscriptions turned off in the user's settings: nothing to record.
    return []
  }
  const accepted = templateIds.filter((id) => answer[id] === 'accept')
  if (accepted.length > 0) await call('member', 'recordSubscriptions', { accepted })
  return accepted
}

export const canAskSubscribe = true
