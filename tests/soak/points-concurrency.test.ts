import { describePointsUnderFaults } from '../support/points-faults';

// Hundreds of calls under injected faults, with client-side backoff: minutes on a busy 2-core CI runner (a bound, not a speed check).
jest.setTimeout(300_000);

describePointsUnderFaults({ members: 12, receipts: 160, spends: 80 });
