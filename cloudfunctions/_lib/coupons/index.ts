export * from './coupons';
export * from './expiry';
export * from './code-attempts';
