import type { BackupStatus, BackupTrigger } from '../ledger/BackupRecord';

/**
 * What crosses the orchestration boundary for a backup cycle. Everything here is stored in the
 * task hub in plain text, so none of it may ever hold a SAS, key or connection string.
 */
export interface BackupCycleInput {
  readonly hsmName: string;
  readonly trigger: BackupTrigger;
  /** ISO time of the schedule occurrence (or the request) this cycle belongs to. */
  readonly occurrence: string;
  readonly requestedBy?: string;
  /** Whether to apply retention after a success (not for a restore's safety backup). */
  readonly prune: boolean;
  /**
   * Set when the cycle runs inside another operation that already holds the HSM's lock (a
   * restore's safety backup): the holder's instance id. Otherwise the cycle takes the lock itself.
   */
  readonly lockHolder?: string;
  /**
   * Poll timing, fixed when the cycle starts so that a settings change while it runs cannot make
   * a replay take a different path.
   */
  readonly polling: PollTiming;
}

export interface PollTiming {
  readonly firstIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly deadlineMs: number;
}

export interface StartBackupInput {
  readonly hsmName: string;
  readonly attemptId: string;
  readonly trigger: BackupTrigger;
  readonly occurrence: string;
  readonly instanceId: string;
  readonly requestedBy?: string;
  /** How long the SAS must stay valid: past the poll deadline. */
  readonly sasValidityMs: number;
}

export type StartBackupResult =
  | {
      readonly outcome: 'started';
      readonly jobId: string;
      readonly retryAfterSeconds?: number;
      /** True when the job was found in the ledger from an earlier run, not started now. */
      readonly adopted: boolean;
    }
  | { readonly outcome: 'already-recorded'; readonly status: BackupStatus; readonly jobId?: string }
  /** The HSM could not be reached or asked us to back off; try again after a durable timer. */
  | {
      readonly outcome: 'unavailable';
      readonly reason: string;
      readonly retryAfterSeconds?: number;
    }
  | {
      readonly outcome: 'refused';
      readonly failureCode: 'HsmBusy' | 'StartRefused' | 'ContainerMissing';
      readonly reason: string;
    };

export interface CheckJobInput {
  readonly hsmName: string;
  readonly jobId: string;
}

export type JobCheck =
  | { readonly state: 'running'; readonly retryAfterSeconds?: number; readonly rawStatus: string }
  | {
      readonly state: 'finished';
      readonly status: 'Succeeded' | 'Failed' | 'Canceled' | 'Unknown';
      readonly rawStatus: string;
      readonly startTime?: string;
      readonly endTime?: string;
      readonly folderUrl?: string;
      readonly reason?: string;
    }
  | { readonly state: 'not-found'; readonly reason: string }
  /** This poll got no answer (network, 429, 5xx); the job itself may be fine. */
  | { readonly state: 'unavailable'; readonly reason: string; readonly retryAfterSeconds?: number };

/** The outcome the orchestration learned, for the ledger. */
export interface RecordOutcomeInput {
  readonly hsmName: string;
  readonly attemptId: string;
  readonly jobId?: string;
  readonly status: 'Succeeded' | 'Failed' | 'Unknown';
  readonly failureCode?: string;
  readonly reason?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly folderUrl?: string;
}

export interface RecordedOutcome {
  readonly status: 'Succeeded' | 'Failed' | 'Unknown';
  readonly folder?: string;
  readonly blobCount?: number;
  readonly byteCount?: number;
  readonly failureCode?: string;
  readonly reason?: string;
}

export interface PruneInput {
  readonly hsmName: string;
  readonly instanceId: string;
  /**
   * More folders retention must never delete; the newest successful backup and the latest
   * restore's safety backup are protected without being named here.
   */
  readonly protectedFolders?: readonly { readonly folder: string; readonly reason: string }[];
}

export interface PruneSummary {
  readonly kept: number;
  readonly prunedFolders: readonly string[];
  readonly blobsDeleted: number;
  /** Folders kept back by the service (immutability, legal hold), with the code it gave. */
  readonly heldFolders: readonly { readonly folder: string; readonly code: string }[];
  readonly failedFolders: readonly { readonly folder: string; readonly reason: string }[];
  /** Folders of failed attempts (and unrecorded ones, when they are included) deleted. */
  readonly cleanedFolders: readonly string[];
  /** Deletions over RETENTION_MAX_DELETIONS_PER_RUN, left for later runs. */
  readonly deferred: number;
  /** Folders of the HSM in the container that the ledger does not know (reported). */
  readonly unrecordedFolders: readonly string[];
  /** True when RETENTION_DRY_RUN planned this run and deleted nothing. */
  readonly dryRun?: boolean;
}

export interface BackupCycleResult {
  readonly hsmName: string;
  readonly attemptId: string;
  /** `Skipped`: another operation held the HSM, nothing was sent to it. */
  readonly status: 'Succeeded' | 'Failed' | 'Unknown' | 'Skipped';
  readonly jobId?: string;
  readonly folder?: string;
  readonly failureCode?: string;
  readonly reason?: string;
  readonly prune?: PruneSummary;
}

export const activityNames = {
  startBackup: 'startBackupActivity',
  checkBackupJob: 'checkBackupJobActivity',
  recordBackupOutcome: 'recordBackupOutcomeActivity',
  pruneBackups: 'pruneBackupsActivity',
  recordSkip: 'recordSkipActivity',
} as const;

export interface RecordSkipInput {
  readonly hsmName: string;
  readonly attemptId: string;
  readonly occurrence: string;
  readonly instanceId: string;
  readonly reason: string;
}

export const orchestratorNames = { backupCycle: 'backupCycleOrchestrator' } as const;

/** One backup orchestration per HSM at a time: the instance id is the HSM's. */
export function backupInstanceId(hsmName: string): string {
  return `backup-${hsmName}`;
}

/** The SAS outlives the poll deadline, plus a margin for the last poll and clock skew. */
export function sasValidityFor(polling: PollTiming): number {
  return polling.deadlineMs + 30 * 60_000;
}

/** A lock lease outlives everything an operation waits for; it lapses only after a lost run. */
export function lockLeaseFor(polling: PollTiming): number {
  return 2 * polling.deadlineMs + 60 * 60_000;
}
