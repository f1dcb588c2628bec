export * from './checkin';
export * from './settings';
export * from './birthday';
export * from './points-expiry-reminder';
export * from './coupon-expiry-reminder';
export * from './checkin-reminder';
export * from './daily-stats';
