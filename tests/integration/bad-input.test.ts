import { describeBadInput } from '../support/bad-input-battery';

// Every action of every function with malformed input; the faulted battery once here, three times in
// the soak project (tests/soak/bad-input.test.ts).
describeBadInput({ faultRounds: 1 });
