/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'
declare module '*.sass'

declare namespace NodeJS {
  interface ProcessEnv {
    /** Build mode; decides minification among other things. */
    NODE_ENV: 'development' | 'production' | 'test'
    /** The platform being built. */
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'qq' | 'jd' | 'harmony' | 'jdrn'
    /** Mini-program appid (optional, see .env files). */
    TARO_APP_ID?: string
    /** WeChat cloud development environment id used by `Taro.cloud.init` in the weapp build. */
    TARO_APP_CLOUD_ENV?: string
  }
}

/** Taro's build replaces `process.env.X` with its value; there is no Node `process` at run time. */
declare const process: { readonly env: NodeJS.ProcessEnv }
