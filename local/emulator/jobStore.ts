import { randomBytes } from 'node:crypto';

export type JobKind = 'backup' | 'preBackup' | 'restore' | 'preRestore' | 'keyRestore';

/** Which status URL a job answers on: `/backup/{id}/pending` or `/restore/{id}/pending`. */
export type StatusRoute = 'backup' | 'restore';

export const STATUS_ROUTE_OF: Record<JobKind, StatusRoute> = {
  backup: 'backup',
  preBackup: 'backup',
  restore: 'restore',
  preRestore: 'restore',
  keyRestore: 'restore',
};

/** `null` fields are the contract's failure with no error (reason only in statusDetails). */
export interface JobError {
  code: string | null;
  message: string | null;
  innererror: null;
}

/** Terminal statuses; anything else (InProgress, or a fault's unknown status) is still running. */
const TERMINAL = new Set(['Succeeded', 'Failed', 'Canceled']);

export interface Job {
  jobId: string;
  kind: JobKind;
  /** InProgress, Succeeded, Failed, Canceled, or an unknown status a fault injects. */
  status: string;
  statusDetails: string | null;
  error: JobError | null;
  startTime: number;
  endTime: number | null;
  /** Set on backup success: `<storageResourceUri>/<folder>`. */
  folderUri: string | null;
}

export type JobEnding = Pick<Job, 'status' | 'statusDetails' | 'error' | 'endTime'> & {
  folderUri?: string;
};

/** Every job this HSM ran, in memory for the emulator's life. */
export class JobStore {
  private readonly jobs = new Map<string, Job>();

  create(kind: JobKind, startTime: number): Job {
    const job: Job = {
      jobId: randomBytes(16).toString('hex'),
      kind,
      status: 'InProgress',
      statusDetails: null,
      error: null,
      startTime,
      endTime: null,
      folderUri: null,
    };
    this.jobs.set(job.jobId, job);
    return job;
  }

  /** The job if it answers on `route`; a backup id polled as a restore is unknown. */
  find(jobId: string, route: StatusRoute): Job | undefined {
    const job = this.jobs.get(jobId);
    return job && STATUS_ROUTE_OF[job.kind] === route ? job : undefined;
  }

  end(jobId: string, ending: JobEnding): void {
    const job = this.jobs.get(jobId);
    if (job) {
      Object.assign(job, ending);
    }
  }

  isRunning(kind: JobKind): boolean {
    return [...this.jobs.values()].some((job) => job.kind === kind && !TERMINAL.has(job.status));
  }
}

/** The job as the service serialises it; restore jobs carry no container URI field. */
export function jobBody(job: Job): Record<string, unknown> {
  const body: Record<string, unknown> = {
    status: job.status,
    statusDetails: job.statusDetails,
    error: job.error,
    startTime: job.startTime,
    endTime: job.endTime,
    jobId: job.jobId,
  };
  if (STATUS_ROUTE_OF[job.kind] === 'backup') {
    body.azureStorageBlobContainerUri = job.folderUri;
  }
  return body;
}
