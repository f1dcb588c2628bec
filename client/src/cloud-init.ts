/** Only the weapp build talks to WeChat cloud development (`cloud-init.weapp.ts`); elsewhere nothing to do. */
export function initCloud(): void {}
