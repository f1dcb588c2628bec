/**
 * Asking for one-time subscriptions (订阅消息). `subscribe.weapp.ts` asks WeChat
 * (`wx.requestSubscribeMessage`, which must run from a tap: call `askSubscribe` first thing in the tap
 * handler, before any await) and records each accepted template as a credit
 * (`member.recordSubscriptions`). This file is the type anchor and the answer where no such dialog
 * exists (the H5 build): nothing is asked, nothing is recorded.
 */
export async function askSubscribe(_templateIds: readonly string[]): Promise<string[]> {
  return []
}

/** Whether this platform can ask (the pages hide the 订阅提醒 button where it cannot). */
export const canAskSubscribe = false
