export * from './members';
export * from './member-code';
export * from './phones';
export * from './departures';
