import { describeMallUnderFaults } from '../support/mall-faults';

jest.setTimeout(120_000);

// The stock race with 30 redeemers here; with 100 in the soak project (tests/soak/mall.test.ts).
describeMallUnderFaults({ redeemers: 30 });
