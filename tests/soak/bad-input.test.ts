import { describeBadInput } from '../support/bad-input-battery';

jest.setTimeout(300_000);

// The faulted battery at soak size: every action by every caller, three rounds under injected faults.
describeBadInput({ faultRounds: 3, faultsOnly: true });
