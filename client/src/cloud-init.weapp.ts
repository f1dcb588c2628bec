import Taro from '@tarojs/taro'

/** Binds `Taro.cloud` to the environment from `.env.*` (`TARO_APP_CLOUD_ENV`); empty means the default env. */
export function initCloud(): void {
  const env = process.env.TARO_APP_CLOUD_ENV
  if (!Taro.cloud) {
    console.error('[cloud] 当前基础库不支持云开发，请使用 2.2.3 或以上的基础库')
    return
  }
  Taro.cloud.init(env ? { env, traceUser: true } : { traceUser: true })
}
