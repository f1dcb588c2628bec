// The database layer's door: other layers import database/ only through this file (outside local-cloud/, only tests reach inside).
// Layers, imported downward only: store → database → runtime → services → server → tools. A layer
// imports itself and the layers before it, those through their index.ts; eslint.config.mjs enforces it.
//
// database: the cloud database API over the store (queries, updates, aggregation, geo, transactions), fault injection, the clock.
export { LocalDatabase, TRANSACTION_TTL_MS } from './database';
export { FaultInjector, parseFaults, seededRandom, type FaultConfig } from './faults';
export { installClock, localClock, realNow, type LocalClock } from './clock';
export { currentSleeper, installSleeper, realDeadlines, realSleeper, VirtualSleeper, SLEEPER_SYMBOL, type Deadlines, type Sleeper } from './sleeper';
