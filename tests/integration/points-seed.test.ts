import { describeSeededDemo } from '../support/seeded-demo';

jest.setTimeout(60_000);

// The demo seeded with a few dozen members; its full size (300) in the soak project (tests/soak/seed.test.ts).
describeSeededDemo({ members: 40 });
