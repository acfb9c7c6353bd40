import type { JobCheck, PollTiming } from '../backup/BackupCycle';

/**
 * What crosses the orchestration boundary for a restore. Stored in the task hub in plain text:
 * never a SAS, key or connection string.
 */
export interface RestoreInput {
  readonly hsmName: string;
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  readonly requestedBy?: string;
  readonly requestedAt: string;
  readonly backupFirst: boolean;
  readonly dryRun: boolean;
  readonly maxBackupAgeMs: number;
  readonly polling: PollTiming;
  readonly supportsPreChecks: boolean;
}

/** What `GET /api/restore/{id}` reports once the orchestration ends. */
export interface RestoreResult {
  readonly status: 'Succeeded' | 'Failed';
  readonly dryRun: boolean;
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  readonly safetyBackupFolder?: string;
  readonly jobId?: string;
  readonly failureReason?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly backupAccessAfterRestore?: string;
  readonly warnings: readonly string[];
  /** Dry runs only: every check and what a real request would do. */
  readonly report?: DryRunReport;
}

export interface DryRunReport {
  /** Whether a real request with the same body would go ahead now. */
  readonly wouldProceed: boolean;
  readonly checks: readonly {
    readonly check: string;
    readonly ok: boolean;
    readonly detail: string;
  }[];
  readonly wouldDo: readonly string[];
}

/** Whether a folder can be restored now, and if not, why. */
export type Readiness =
  | { readonly ready: true; readonly detail: string }
  | {
      readonly ready: false;
      readonly status: number;
      readonly code: string;
      readonly reason: string;
    };

export interface VerifyRestoreInput {
  readonly hsmName: string;
  readonly folder: string;
  readonly kind: 'full' | 'key';
  /** Full restores only: the latest backup must be this fresh (the service's 30-minute rule). */
  readonly maxBackupAgeMs?: number;
  readonly now: string;
}

export interface VerifyRestoreResult {
  readonly folder: Readiness;
  /** The operation holding the HSM right now, if any. */
  readonly lockHeldBy?: {
    readonly operation: string;
    readonly instanceId: string;
    readonly since: string;
    readonly detail?: string;
  };
  readonly guard?: Readiness & {
    readonly lastCompletedAt?: string | null;
    readonly ageMinutes?: number | null;
  };
}

export interface StartRestoreInput {
  readonly hsmName: string;
  readonly instanceId: string;
  /** With the instance id, names the restore's ledger row, where the job id is kept. */
  readonly requestedAt: string;
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  readonly sasValidityMs: number;
}

export interface StartPreCheckInput {
  readonly hsmName: string;
  readonly check: 'backup' | 'restore';
  readonly folder?: string;
  readonly sasValidityMs: number;
}

/** The answer of any activity that starts an HSM job. */
export type StartJobResult =
  | { readonly outcome: 'started'; readonly jobId: string; readonly retryAfterSeconds?: number }
  | {
      readonly outcome: 'unavailable';
      readonly reason: string;
      readonly retryAfterSeconds?: number;
    }
  | { readonly outcome: 'refused'; readonly failureCode: string; readonly reason: string };

export interface SaveRestoreInput {
  readonly hsmName: string;
  readonly instanceId: string;
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  readonly requestedBy?: string;
  readonly requestedAt: string;
  readonly status: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  readonly safetyBackupFolder?: string;
  readonly jobId?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  readonly failureReason?: string;
  readonly backupAccessAfterRestore?: string;
}

export type { JobCheck };

export const restoreActivityNames = {
  verify: 'verifyRestoreActivity',
  start: 'startRestoreActivity',
  check: 'checkRestoreJobActivity',
  startPreCheck: 'startPreCheckActivity',
  save: 'saveRestoreRecordActivity',
} as const;

export const restoreOrchestratorName = 'restoreOrchestrator';

/** A full restore rewinds more than keys: said on every dry run and every full restore. */
export const roleRewindWarning =
  'A full restore returns the HSM to the backup in every respect, including its local role ' +
  'assignments: access revoked since the backup comes back, and grants made since (possibly this ' +
  "app's own Managed HSM Backup role) disappear.";
