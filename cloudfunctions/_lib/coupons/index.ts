export * from './coupons';
export * from './expiry';
