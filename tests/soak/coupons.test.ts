import { describeCouponsUnderFaults } from '../support/coupon-faults';

// Hundreds of calls under injected faults, with client-side backoff: minutes on a busy 2-core runner.
jest.setTimeout(600_000);

describeCouponsUnderFaults({ claimers: 500, stock: 100, sameMemberClaims: 20, verifications: 200 });
