import { InvalidBackup } from './backupFormat';
import type { EmulatorClock } from './clock';
import { delay } from './delay';
import type { FaultName } from './faults';
import { type Job, type JobEnding, type JobError, type JobStore } from './jobStore';
import { JobFailure } from './jobFailure';

export interface JobContext {
  jobId: string;
  abortSignal: AbortSignal;
  /** A job-stage fault drawn for this job, for work that acts on one (partial-write). */
  fault?: FaultName;
}

export interface JobSuccess {
  /** Set by backups: the folder URL the job reports. */
  folderUri?: string;
}

/** What a job does with storage and keys; it throws JobFailure or InvalidBackup to fail. */
export type JobWork = (context: JobContext) => Promise<JobSuccess>;

type Outcome = Omit<JobEnding, 'endTime'>;

const ALL_NULL_ERROR: JobError = { code: null, message: null, innererror: null };

/**
 * Runs jobs in the background. A job lasts at least the configured duration even when its work
 * is quicker, so clients see InProgress first; stop() abandons all of them.
 */
export class JobRunner {
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly store: JobStore,
    private readonly clock: EmulatorClock,
    private readonly durationMs: number,
    private readonly log: (line: string) => void,
  ) {}

  run(job: Job, work: JobWork, fault?: FaultName): void {
    const execution = this.execute(job, work, fault).finally(() => {
      this.running.delete(execution);
    });
    this.running.add(execution);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  private async execute(job: Job, work: JobWork, fault?: FaultName): Promise<void> {
    if (fault === 'stuck') {
      this.log(`${job.kind} job ${job.jobId} is stuck (fault): it will never finish`);
      return;
    }
    const abortSignal = this.stopping.signal;
    const [outcome] = await Promise.all([
      faultOutcome(fault, job) ?? this.attempt(work, { jobId: job.jobId, abortSignal, fault }),
      delay(this.durationMs, abortSignal),
    ]);
    if (abortSignal.aborted) {
      return;
    }
    const finished = ['Succeeded', 'Failed', 'Canceled'].includes(outcome.status);
    this.store.end(job.jobId, {
      ...outcome,
      endTime: finished ? this.clock.nowEpochSeconds() : null,
    });
    const why = outcome.statusDetails ? `: ${outcome.statusDetails}` : '';
    this.log(`${job.kind} job ${job.jobId} ${outcome.status}${why}`);
  }

  private async attempt(work: JobWork, context: JobContext): Promise<Outcome> {
    try {
      const success = await work(context);
      return { status: 'Succeeded', statusDetails: null, error: null, ...success };
    } catch (error) {
      return failureOutcome(error);
    }
  }
}

/** The ending a job-stage fault forces, or undefined when the job should do its real work. */
function faultOutcome(fault: FaultName | undefined, job: Job): Promise<Outcome> | undefined {
  switch (fault) {
    case 'fail-null-error':
      return Promise.resolve({
        status: 'Failed',
        statusDetails: job.kind === 'backup' ? 'Backup failed' : 'Invalid backup provided',
        error: ALL_NULL_ERROR,
      });
    case 'canceled':
      return Promise.resolve({
        status: 'Canceled',
        statusDetails: 'The operation was canceled',
        error: null,
      });
    case 'unknown-status':
      return Promise.resolve({ status: 'Paused', statusDetails: null, error: null });
    default:
      return undefined;
  }
}

function failureOutcome(error: unknown): Outcome {
  if (error instanceof InvalidBackup) {
    // The recorded service behaviour: Failed, every error field null, the reason in statusDetails.
    return {
      status: 'Failed',
      statusDetails: `Invalid backup provided: ${error.message}`,
      error: ALL_NULL_ERROR,
    };
  }
  if (error instanceof JobFailure) {
    return {
      status: 'Failed',
      statusDetails: error.message,
      error: { code: error.code, message: error.message, innererror: null },
    };
  }
  const why = error instanceof Error ? error.message : String(error);
  const message = `The job failed unexpectedly: ${why}`;
  return {
    status: 'Failed',
    statusDetails: message,
    error: { code: 'InternalError', message, innererror: null },
  };
}
