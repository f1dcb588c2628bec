import { describeBadInput } from '../support/bad-input-battery';

// Every action of every function with malformed input, as the merchant (no role check stops it before
// the handlers), and one round under faults; as the consumer and the staff, and three rounds under
// faults, in the soak project (tests/soak/bad-input.test.ts).
describeBadInput({ faultRounds: 1, malformedAs: ['merchant'] });
