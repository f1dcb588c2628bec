import cloud from 'wx-server-sdk';
import type { TypedDatabase } from './typed-db';

// The same code runs on WeChat cloud development and in the local cloud, which replaces only the
// SDK's transports. DYNAMIC_CURRENT_ENV is a symbol the SDK's typings do not admit.
cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string });

export { cloud };

export interface WXContext {
  OPENID?: string;
  APPID?: string;
  UNIONID?: string;
  ENV?: string;
  SOURCE?: string;
}

export function getWXContext(): WXContext {
  return cloud.getWXContext() as WXContext;
}

let db: TypedDatabase | undefined;

/**
 * The SDK's database object, built once per function instance: `cloud.database()` builds a new
 * class and a new node-sdk client on every call, and the object holds nothing per request (the
 * environment is the instance's own, the transport and credentials are resolved per request).
 *
 * `throwOnNotFound: false` (wx-server-sdk's own option, effective since 3.0.4, not in its typings):
 * `doc(id).get()` of a missing document answers `{ data: null }` instead of throwing. A missing
 * document is an ordinary answer here (a consumer has no role, a key not yet used), and the thrown
 * form cost an Error with its stack per miss; `getById` answers null either way.
 */
export function database(): TypedDatabase {
  // Typed by collection (typed-db.ts): the same object, with each collection's document type.
  db ??= cloud.database({ throwOnNotFound: false } as Parameters<typeof cloud.database>[0]) as unknown as TypedDatabase;
  return db;
}
