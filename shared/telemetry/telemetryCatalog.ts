/**
 * Every custom event and metric the app sends to Application Insights, as data: one row each.
 * The emitters, docs/monitoring.md, its KQL and infra/monitoring.bicep all use exactly these
 * names; a test holds the docs table and the queries to this file.
 */

/** The dimensions (customDimensions keys) events and metrics carry, and what each holds. */
export const dimensions = {
  hsm: 'the HSM name (HSM_NAME), on every event and metric',
  attemptId: 'the ledger id of the backup attempt (occurrence and trigger)',
  jobId: "the HSM's job id",
  folder: 'the backup folder in the container (never a URL, never a SAS)',
  instanceId: 'the orchestration instance id',
  trigger:
    '`schedule`, `manual` or `restore` (a backup taken before a restore); `http` for restores',
  status: 'the outcome as the ledger records it',
  durationMs:
    "milliseconds: the HSM job's start to end when it reported both, else registration to outcome",
  statusDetails:
    "the reason in words: the service's error, the guard's refusal, why it was skipped",
  failureCode: 'a short cause: `JobFailed`, `HsmBusy`, `DeadlinePassed`, `BackupTooOld`, ...',
  blobCount: 'blobs in the backup folder',
  byteCount: 'bytes in the backup folder',
  consecutiveFailures: 'attempts since the last success that did not succeed (newest first)',
  foldersDeleted: 'backup and failed-attempt folders deleted by this prune',
  blobsDeleted: 'blobs deleted by this prune',
  foldersHeld: 'folders the service refused to delete (immutability policy, legal hold)',
  foldersFailed: 'folders left partly deleted, retried next run',
  foldersDeferred: 'deletions over RETENTION_MAX_DELETIONS_PER_RUN, left for later runs',
  foldersKept: 'successful backups kept by the policy',
  unrecordedFolders: 'folders of this HSM that the ledger does not know',
  kind: '`full` or `key`',
  keyName: 'the key restored (key restores only)',
  dryRun: '`true` when nothing was to be changed',
  backupFirst: '`true` when a safety backup runs first',
  requestedBy: 'who asked: the App Service principal name, or `function key`',
  safetyBackupFolder: "the safety backup's folder, when one was taken",
  code: "the refusal's error code, as the HTTP answer gives it",
  httpStatus: 'the HTTP status of the refusal',
  endpoint: 'the function that refused',
  lastSuccessAt: 'completion time (ISO 8601) of the newest successful backup, or `none`',
  ageHours: 'hours since that completion',
  thresholdHours: 'ALERT_MAX_BACKUP_AGE_HOURS (or its default)',
} as const;

export type Dimension = keyof typeof dimensions;

export interface EventRule {
  /** How the line that goes with it is logged through the invocation context. */
  readonly level: 'info' | 'warn' | 'error';
  readonly when: string;
  readonly dimensions: readonly Dimension[];
}

const backupIds = ['hsm', 'attemptId', 'jobId', 'instanceId', 'trigger'] as const;
const outcome = [...backupIds, 'status', 'durationMs', 'consecutiveFailures'] as const;
const restoreIds = ['hsm', 'instanceId', 'folder', 'kind', 'keyName', 'requestedBy'] as const;

export const telemetryEvents = {
  BackupStarted: {
    level: 'info',
    when: 'the HSM accepted a backup job',
    dimensions: backupIds,
  },
  BackupSucceeded: {
    level: 'info',
    when: 'the job succeeded and its folder holds blobs',
    dimensions: [...outcome, 'folder', 'blobCount', 'byteCount'],
  },
  BackupFailed: {
    level: 'error',
    when: 'the service refused or failed the job, or it succeeded with an empty folder',
    dimensions: [...outcome, 'failureCode', 'statusDetails'],
  },
  BackupTimedOut: {
    level: 'error',
    when: 'the outcome is unknown: deadline passed, job forgotten, unrecognised status or folder',
    dimensions: [...outcome, 'failureCode', 'statusDetails'],
  },
  BackupSkipped: {
    level: 'warn',
    when: 'an occurrence started no backup: another operation held the HSM or a cycle still ran',
    dimensions: ['hsm', 'attemptId', 'instanceId', 'trigger', 'statusDetails'],
  },
  PruneCompleted: {
    level: 'info',
    when: 'retention ran after a successful backup',
    dimensions: [
      'hsm',
      'instanceId',
      'foldersDeleted',
      'blobsDeleted',
      'foldersHeld',
      'foldersFailed',
      'foldersDeferred',
      'foldersKept',
      'unrecordedFolders',
    ],
  },
  RestoreRequested: {
    level: 'warn',
    when: 'a restore (or a dry run) was accepted and its orchestration started',
    dimensions: [...restoreIds, 'trigger', 'dryRun', 'backupFirst'],
  },
  RestoreRefused: {
    level: 'warn',
    when: 'a restore request was refused: turned off, role, body, guard, HSM busy',
    dimensions: ['hsm', 'requestedBy', 'endpoint', 'code', 'httpStatus', 'statusDetails'],
  },
  RestoreSucceeded: {
    level: 'warn',
    when: 'the restore job succeeded',
    dimensions: [...restoreIds, 'jobId', 'durationMs', 'safetyBackupFolder', 'statusDetails'],
  },
  RestoreFailed: {
    level: 'error',
    when: 'the restore failed, was refused by the re-check, or its outcome is unknown',
    dimensions: [
      ...restoreIds,
      'jobId',
      'status',
      'durationMs',
      'safetyBackupFolder',
      'statusDetails',
    ],
  },
  BackupStale: {
    level: 'warn',
    when: 'hourly: the newest successful backup is older than the threshold, or there is none',
    dimensions: ['hsm', 'lastSuccessAt', 'ageHours', 'thresholdHours', 'folder', 'statusDetails'],
  },
} as const satisfies Record<string, EventRule>;

export type TelemetryEventName = keyof typeof telemetryEvents;

export interface MetricRule {
  /** `histogram`: one value per backup (count, sum, min, max per export); `gauge`: last value. */
  readonly instrument: 'histogram' | 'gauge';
  readonly unit: string;
  readonly when: string;
  readonly dimensions: readonly Dimension[];
}

export const telemetryMetrics = {
  BackupDurationSeconds: {
    instrument: 'histogram',
    unit: 's',
    when: 'each recorded backup outcome (same measure as durationMs)',
    dimensions: ['hsm', 'trigger', 'status'],
  },
  LastSuccessfulBackupAgeHours: {
    instrument: 'gauge',
    unit: 'h',
    when: 'hourly, and after each success; absent while no backup ever succeeded',
    dimensions: ['hsm'],
  },
  ConsecutiveFailedBackups: {
    instrument: 'gauge',
    unit: '{backup}',
    when: 'each recorded backup outcome (0 after a success)',
    dimensions: ['hsm'],
  },
  NewestBackupBlobCount: {
    instrument: 'gauge',
    unit: '{blob}',
    when: 'each successful backup: blobs in its folder',
    dimensions: ['hsm'],
  },
  NewestBackupBytes: {
    instrument: 'gauge',
    unit: 'By',
    when: 'each successful backup: bytes in its folder',
    dimensions: ['hsm'],
  },
} as const satisfies Record<string, MetricRule>;

export type TelemetryMetricName = keyof typeof telemetryMetrics;

/** Dimension values as they are sent: strings (numbers and booleans written out). */
export type Dimensions = Partial<Record<Dimension, string | number | boolean | undefined>>;
