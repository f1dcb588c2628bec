export * from './orders';
export * from './store-hours';
export * from './stores';
export * from './fraud-review';
