import { describePointsUnderFaults } from '../support/points-faults';

// Calls under injected faults, with client-side backoff: a bound, not a speed check.
jest.setTimeout(120_000);

// A few dozen receipts and spends by default; hundreds in the soak project (tests/soak/points-concurrency.test.ts).
describePointsUnderFaults({ members: 6, receipts: 30, spends: 15 });
