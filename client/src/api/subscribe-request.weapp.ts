import Taro from '@tarojs/taro'
import type { SubscribeAsk } from './subscribe-request'

export type { SubscribeAsk }

/** Asks WeChat (see subscribe-request.ts); dismissed or turned off in the settings: nothing accepted. */
export async function requestSubscribe(templateIds: readonly string[]): Promise<string[]> {
  if (templateIds.length === 0) return []
  try {
    const answer = (await Taro.requestSubscribeMessage({ tmplIds: [...templateIds], entityIds: [] })) as unknown as Record<string, unknown>
    return templateIds.filter((id) => answer[id] === 'accept')
  } catch {
    return []
  }
}

export const canRequestSubscribe = true

/** WeChat draws its own dialog: no sheet of ours. */
export function onSubscribeAsk(_listener: (ask: SubscribeAsk | null) => void): () => void {
  return () => undefined
}
