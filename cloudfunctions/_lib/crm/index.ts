export * from './settings';
export * from './query';
export * from './rfm-job';
export * from './tags-job';
export * from './segments';
export * from './members';
export * from './dashboard';
