/**
 * A backup or restore job as the service reports it, read defensively: the service has sent
 * `endTime` as null or 0 while running, and `Failed` jobs whose error fields are all null.
 */
export type HsmJobStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled' | 'Unknown';

export interface HsmJob {
  readonly jobId: string;
  readonly status: HsmJobStatus;
  /** The status string exactly as received, kept when it is not one we know. */
  readonly rawStatus: string;
  readonly finished: boolean;
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** The service's own words about the job; for a failure, the best reason available. */
  readonly statusDetails?: string;
  readonly error?: { readonly code?: string; readonly message?: string };
  /** On backup success: the folder URL (container URL + `/` + folder name). */
  readonly folderUrl?: string;
  /** The service's `Retry-After` on this response, in seconds, when it sent one. */
  readonly retryAfterSeconds?: number;
}

const knownStatuses: readonly HsmJobStatus[] = ['InProgress', 'Succeeded', 'Failed', 'Canceled'];

export function parseHsmJob(body: unknown, retryAfterSeconds?: number): HsmJob {
  const record = isRecord(body) ? body : {};
  const rawStatus = typeof record.status === 'string' ? record.status : String(record.status);
  const status = (knownStatuses as readonly string[]).includes(rawStatus)
    ? (rawStatus as HsmJobStatus)
    : 'Unknown';
  const endTime = epochSeconds(record.endTime);
  const error = isRecord(record.error)
    ? {
        code: stringOrUndefined(record.error.code),
        message: stringOrUndefined(record.error.message),
      }
    : undefined;
  return {
    jobId: typeof record.jobId === 'string' ? record.jobId : '',
    status,
    rawStatus,
    // A terminal status or a completion time both mean the job is over; an unknown status with no
    // completion time is treated as still running, never as finished (and never as success).
    finished: status === 'Succeeded' || status === 'Failed' || status === 'Canceled' || !!endTime,
    startTime: epochSeconds(record.startTime),
    endTime,
    statusDetails: stringOrUndefined(record.statusDetails),
    error: error && (error.code || error.message) ? error : undefined,
    folderUrl: stringOrUndefined(record.azureStorageBlobContainerUri),
    retryAfterSeconds,
  };
}

/** The reason a finished, unsuccessful job gives, from wherever the service put it. */
export function failureReason(job: HsmJob): string {
  const parts = [job.error?.code, job.error?.message, job.statusDetails].filter(
    (part): part is string => !!part,
  );
  if (parts.length > 0) return [...new Set(parts)].join(': ');
  return `the service reported status "${job.rawStatus}" with no reason`;
}

function epochSeconds(value: unknown): Date | undefined {
  const seconds = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return new Date(Math.round(seconds * 1000));
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
