import type { BackupStatus } from '../ledger/BackupRecord';

/** What retention reads of a ledger row; a BackupRecord is one. */
export interface RetentionRecord {
  readonly attemptId: string;
  readonly status: BackupStatus;
  /** The schedule occurrence (or request time) the attempt belongs to: app clock. */
  readonly occurrence: Date;
  /** When the row was written first: app clock. */
  readonly createdAt: Date;
  readonly folder?: string;
  readonly jobId?: string;
  /** The job's start and end as the service reported them: service clock. */
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly failureCode?: string;
  readonly prunedAt?: Date;
  /** Set when the service refused to delete the folder (immutability, legal hold). */
  readonly heldCode?: string;
}

/** A folder of this HSM found in the container, with the time in its name. */
export interface FolderAtTime {
  readonly name: string;
  readonly time: Date;
}

/**
 * An attempt that definitely failed: the service ran a job and said it failed, with its start
 * and end. Any other attempt without a folder of its own (refused or unanswered starts, unknown
 * outcomes, attempts still in flight) may have left a folder that nobody can judge.
 */
export function isDefinitelyFailed(record: RetentionRecord): boolean {
  return (
    record.status === 'Failed' &&
    record.failureCode === 'JobFailed' &&
    record.jobId !== undefined &&
    record.startTime !== undefined &&
    record.endTime !== undefined
  );
}
