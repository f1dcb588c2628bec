import { z } from 'zod';
import { act } from '../contract';
import type { JobRunView } from './scheduler';

export const marketingRequests = {
  listJobRuns: z.object({ job: z.string().min(1).max(64).optional(), limit: z.number().int().min(1).max(100).default(20) }).strict(),
};

/** `marketing`: the merchant's side of engagement (job runs, subscribe-message templates). */
export const marketingContract = {
  listJobRuns: act(marketingRequests.listJobRuns).returns<JobRunView[]>(),
};
