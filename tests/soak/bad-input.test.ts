import { describeBadInput } from '../support/bad-input-battery';

jest.setTimeout(300_000);

// The batteries at soak size: malformed input as the consumer and the staff (the merchant's in the
// default run), and every action by every caller for three rounds under injected faults.
describeBadInput({ faultRounds: 3, malformedAs: ['consumer', 'staff'], soak: true });
