import { describeMallUnderFaults } from '../support/mall-faults';

jest.setTimeout(300_000);

// A hundred members race for a stock of 10 under injected faults.
describeMallUnderFaults({ redeemers: 100, stockRaceOnly: true });
