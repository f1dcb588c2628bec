/**
 * The platform's subscription dialog: answers the accepted template ids. `.weapp.ts` asks WeChat,
 * `.h5.ts` shows a local stand-in; this file is the type anchor and the answer elsewhere (nothing asked).
 */
export async function requestSubscribe(_templateIds: readonly string[]): Promise<string[]> {
  return []
}

export const canRequestSubscribe = false

/** A pending request, for the H5 stand-in sheet (`components/SubscribeSheet`). */
export interface SubscribeAsk {
  templateIds: string[]
  answer(accepted: string[]): void
}

/** Follows the pending request (null when none); answers the unsubscribe. No requests here. */
export function onSubscribeAsk(_listener: (ask: SubscribeAsk | null) => void): () => void {
  return () => undefined
}
