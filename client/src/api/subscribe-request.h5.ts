import type { SubscribeAsk } from './subscribe-request'

export type { SubscribeAsk }

/**
 * The browser build's stand-in for `wx.requestSubscribeMessage`: the page's `SubscribeSheet` shows
 * the templates, the person accepts or not, and the answer is recorded as on the phone. One request at
 * a time (a new one answers the open one with nothing); no sheet on the page, nothing accepted.
 */
let pending: SubscribeAsk | null = null
const listeners = new Set<(ask: SubscribeAsk | null) => void>()

const show = (ask: SubscribeAsk | null) => {
  pending = ask
  for (const l of listeners) l(ask)
}

export function requestSubscribe(templateIds: readonly string[]): Promise<string[]> {
  if (templateIds.length === 0 || listeners.size === 0) return Promise.resolve([])
  pending?.answer([])
  return new Promise((resolve) => {
    const ask: SubscribeAsk = {
      templateIds: [...templateIds],
      answer: (accepted) => {
        if (pending === ask) show(null)
        resolve(accepted.filter((id) => templateIds.includes(id)))
      },
    }
    show(ask)
  })
}

export const canRequestSubscribe = true

export function onSubscribeAsk(listener: (ask: SubscribeAsk | null) => void): () => void {
  listeners.add(listener)
  listener(pending)
  return () => {
    listeners.delete(listener)
  }
}
