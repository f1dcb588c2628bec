import { describeMallUnderFaults } from '../support/mall-faults';

jest.setTimeout(120_000);

// The stock race with 20 redeemers here (twice the stock: the race is real; size proves nothing more); with 100 in the soak project (tests/soak/mall.test.ts).
describeMallUnderFaults({ redeemers: 20 });
