/**
 * One backup attempt of one HSM, as the ledger keeps it. Times are typed dates; completion time
 * is the service's own `endTime`, never the moment we happened to poll nor the table's Timestamp.
 *
 * Status only ever says what the service said: `Unknown` when we could not learn the outcome
 * (deadline passed, job id forgotten); the job may have finished, so its folder is never cleaned
 * as a failure's. Pruning does not change the status; it sets `prunedAt`.
 */
export type BackupStatus = 'Starting' | 'InProgress' | 'Succeeded' | 'Failed' | 'Unknown';

/** What started the backup: the schedule, an operator, or a restore that asked for one first. */
export type BackupTrigger = 'schedule' | 'manual' | 'restore';

export interface BackupRecord {
  readonly hsmName: string;
  /** Stable id of the attempt, derived from its occurrence: a re-run finds the same row. */
  readonly attemptId: string;
  readonly trigger: BackupTrigger;
  /** The schedule occurrence (or request time) this attempt belongs to. */
  readonly occurrence: Date;
  readonly instanceId: string;
  readonly requestedBy?: string;
  readonly status: BackupStatus;
  readonly jobId?: string;
  readonly folder?: string;
  /** The folder URL as the service reported it (container URL + folder); holds no SAS. */
  readonly folderUrl?: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  /** A short machine-readable cause, e.g. `HsmBusy`, `JobFailed`, `DeadlinePassed`. */
  readonly failureCode?: string;
  readonly failureReason?: string;
  readonly blobCount?: number;
  readonly byteCount?: number;
  readonly prunedAt?: Date;
  /**
   * When a start request got no answer (timeout, dropped connection): the HSM may have accepted
   * it, so a backup folder of this moment that the ledger does not name may exist.
   */
  readonly startAnswerLostAt?: Date;
  /**
   * Set when retention meant to delete the folder and the service refused (immutability policy,
   * legal hold): its error code, beside the status. The folder stays; later runs try again, and
   * once one deletes it the row is marked pruned too (the code stays, as history).
   */
  readonly heldCode?: string;
  readonly heldAt?: Date;
  readonly createdAt: Date;
}

/** The newest successful backup of an HSM, as the restore guard and retention need it. */
export interface LatestSuccess {
  readonly attemptId: string;
  readonly folder: string;
  readonly endTime: Date;
}
