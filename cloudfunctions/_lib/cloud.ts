import cloud from 'wx-server-sdk';

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

export type Database = ReturnType<typeof cloud.database>;

export function database(): Database {
  return cloud.database();
}
