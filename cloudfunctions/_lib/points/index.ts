export * from './ledger';
export * from './earning-rules';
export * from './nightly';
export * from './spend';
