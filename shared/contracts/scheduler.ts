import { z } from 'zod';
import { act } from '../contract';
import { labelRequests } from '../validation';
import type { JobFailure } from '../schemas/jobs';
import type { MigrationsReport } from '../schemas/migrations';

/**
 * Every job's one result shape, whatever the job: the occurrence's run (`job_runs/<runId>`) as the
 * runner left it, its counts so far, and the job's own counters. `busy`: another invocation holds the
 * job's lease, nothing ran.
 */
export interface JobReport {
  job: string;
  /** `<job>:<occurrence>`, e.g. `birthday:20260615`; null when nothing ran (busy) */
  runId: string | null;
  status: 'running' | 'done' | 'busy';
  /** this invocation */
  startedAt: string;
  finishedAt: string;
  /** over the occurrence so far */
  processed: number;
  skipped: number;
  errors: number;
  failures: JobFailure[];
  counters: Record<string, unknown>;
}

/** A job as the merchant (and `GET /api/jobs`) lists it. */
export interface JobStatusView {
  job: string;
  title: string;
  cron: string;
  /** the next scheduled instant */
  nextAt: string | null;
  lastRun: JobRunView | null;
}

/** The merchant-readable record of one run (one occurrence, over however many invocations it took). */
export interface JobRunView {
  runId: string;
  job: string;
  status: 'running' | 'done';
  startedAt: string;
  finishedAt: string | null;
  invocations: number;
  processed: number;
  skipped: number;
  errors: number;
  failures: JobFailure[];
}

export interface TickReport {
  at: string;
  ran: JobReport[];
  /** due but left for the next firing (the invocation's time budget ran out) */
  deferred: string[];
}

const schedulerRequests = {
  tick: z.object({}).strict(),
  listJobs: z.object({}).strict(),
  runJob: z.object({ job: z.string().min(1).max(64) }).strict(),
  migrate: z.object({}).strict(),
};
labelRequests(schedulerRequests, { job: '任务' });

export const schedulerContract = {
  /** the timer trigger (every five minutes): runs what is due */
  tick: act(schedulerRequests.tick).returns<TickReport>(),
  /** merchant, or the platform console: every job with its schedule and last run */
  listJobs: act(schedulerRequests.listJobs).returns<JobStatusView[]>(),
  /** merchant, or the platform console: runs one job now by name */
  runJob: act(schedulerRequests.runJob).returns<JobReport>(),
  /** the deploy (an API call, no OPENID) or the merchant: runs the pending migrations of stored documents */
  migrate: act(schedulerRequests.migrate).returns<MigrationsReport>(),
};
