export * from './dormancy';
export * from './repurchase';
export * from './settings';
