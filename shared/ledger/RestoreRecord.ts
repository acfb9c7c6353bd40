/** One restore request and what came of it, as the ledger keeps it. */
export type RestoreStatus = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface RestoreRecord {
  readonly hsmName: string;
  /** The restore orchestration's instance id; also the row's identity. */
  readonly instanceId: string;
  /** `full` wipes the HSM back to the folder; `key` restores one key's versions. */
  readonly kind: 'full' | 'key';
  readonly keyName?: string;
  readonly folder: string;
  /** The App Service authentication principal when there was one. */
  readonly requestedBy?: string;
  readonly requestedAt: Date;
  readonly status: RestoreStatus;
  /** The backup taken first when the request asked for one: the way back. */
  readonly safetyBackupFolder?: string;
  readonly jobId?: string;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly failureReason?: string;
  /** What the check after a full restore found about the app's own ability to back up. */
  readonly backupAccessAfterRestore?: string;
}
