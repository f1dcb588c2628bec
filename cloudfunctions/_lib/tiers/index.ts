export * from './tiers';
export * from './tier-review';
