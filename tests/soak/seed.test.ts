import { describeSeededDemo } from '../support/seeded-demo';
import { itSeedsUnderFaults } from '../support/seed-under-faults';

jest.setTimeout(300_000);

// The demo at its full size (300 members), and a hundred seeded under injected faults.
describeSeededDemo();

describe('the demo seed under injected faults, soak-sized', () => {
  itSeedsUnderFaults(100);
});
