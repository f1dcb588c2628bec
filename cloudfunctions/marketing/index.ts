import { marketingContract } from '../../shared/contracts/marketing';
import { createMain, requireOpenid } from '../_lib/router';
import { requireRole } from '../_lib/auth';
import { withRetry } from '../_lib/db';
import { listJobRuns } from '../_lib/scheduler';

/** The merchant's side of engagement: the scheduled jobs' run records, subscribe-message templates. */
export const main = createMain(marketingContract, {
  listJobRuns: async (input, ctx) => {
    await withRetry(() => requireRole(requireOpenid(ctx), ['merchant']));
    return listJobRuns(input.job, input.limit);
  },
});
