import { z } from 'zod';
import { JOB_NAMES, type JobName } from '../schedule';

/** What every job's checkpoint (`job_runs`) holds besides the job's own counters: the runner's one result shape. */
export interface JobFailure {
  /** the failed item's `_id` (a member id for member jobs) */
  memberId: string;
  error: string;
}

export interface JobRunState {
  runId: string;
  status: 'running' | 'done';
  /** index of the step in progress */
  step: number;
  /** the step's cursor (from `cursorOf`), for steps that walk an ordered index */
  cursor: string | null;
  chunks: number;
  failures?: JobFailure[];
}

export type JobRun<S> = S & JobRunState;

// ------------------------------------------------------------------ documents

const jobName = z.custom<JobName>((v) => typeof v === 'string' && (JOB_NAMES as readonly string[]).includes(v), { message: 'unknown job' });
const jobFailureSchema = z.object({ memberId: z.string(), error: z.string() }).strict();
const count = z.number().int().nonnegative();

/**
 * `job_runs/<job>:<occurrence>`: the runner's checkpoint. Besides the runner's fields, each job keeps
 * its own counters (numbers, the occurrence's day or period, lists such as the drifts found, the
 * window a run walks, e.g. the repurchase job's orders `{ from, to }`).
 */
export const jobRunDocSchema = z
  .object({
    _id: z.string(),
    job: z.string(),
    status: z.enum(['running', 'done']),
    step: count,
    cursor: z.string().nullable(),
    chunks: count,
    failures: z.array(jobFailureSchema).optional(),
    updatedAt: z.date(),
  })
  .catchall(z.union([z.number(), z.string(), z.boolean(), z.null(), z.date(), z.array(z.unknown()), z.record(z.string(), z.unknown())]));
export type JobRunDoc = z.infer<typeof jobRunDocSchema>;

/** `job_schedule/<job>`: the job's lease and its last slot (the scheduler's bookkeeping). */
export const jobScheduleDocSchema = z
  .object({
    _id: jobName,
    leaseHolder: z.string().nullable(),
    leaseUntil: z.date().nullable(),
    /** the scheduled instant the job last ran for */
    lastSlot: z.date().nullable(),
    lastRunId: z.string().nullable(),
    lastStatus: z.enum(['running', 'done']).nullable(),
    lastFinishedAt: z.date().nullable(),
  })
  .strict();
export type JobScheduleDoc = z.infer<typeof jobScheduleDocSchema>;

/** `job_records/<runId>`: one run of a job as the merchant's job list shows it. */
export const jobRecordDocSchema = z
  .object({
    _id: z.string(),
    job: jobName,
    status: z.enum(['running', 'done']),
    startedAt: z.date(),
    finishedAt: z.date().nullable(),
    invocations: count,
    processed: count,
    skipped: count,
    errors: count,
    failures: z.array(jobFailureSchema),
    /** the invocation that wrote it last (its lease holder id) */
    lastInvocation: z.string().optional(),
    updatedAt: z.date(),
  })
  .strict();
export type JobRecordDoc = z.infer<typeof jobRecordDocSchema>;
