import { call } from './client'
import { requestSubscribe, canRequestSubscribe } from './subscribe-request'

/**
 * Asking for one-time subscriptions (订阅消息). `requestSubscribe` is the platform's dialog
 * (`subscribe-request.weapp.ts`: `wx.requestSubscribeMessage`, which must run from a tap — call it
 * first thing in the tap handler, before any await; `subscribe-request.h5.ts`: a local stand-in sheet
 * in the browser build), and each accepted template is recorded as a credit through the same
 * function on both (`member.recordSubscriptions`).
 */
export async function askSubscribe(templateIds: readonly string[]): Promise<string[]> {
  return recordSubscriptions(await requestSubscribe(templateIds))
}

/** Records accepted templates (after 开卡, when the person asked before they were a member). */
export async function recordSubscriptions(accepted: readonly string[]): Promise<string[]> {
  if (accepted.length > 0) await call('member', 'recordSubscriptions', { accepted: [...accepted] })
  return [...accepted]
}

export { requestSubscribe }

/** Whether this platform can ask (the pages hide the 订阅提醒 button where it cannot). */
export const canAskSubscribe = canRequestSubscribe

/** Template titles by id, kept by `useSubscribeTemplates` for the H5 stand-in sheet. */
export const subscribeTitles = new Map<string, string>()
