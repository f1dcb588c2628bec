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
