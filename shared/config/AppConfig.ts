import type { RetentionSettings } from '../retention/RetentionPolicy';
import type { CronSchedule } from '../schedule/ncrontab';

/** How the HSM reaches the backup container. */
export type HsmStorageAccess = 'sas' | 'managed-identity';

/** How the app signs the container SAS it hands to the HSM, and authenticates to storage. */
export type StorageAuth = 'user-delegation' | 'account-key';

/** Every app setting, validated once at start-up. Handlers never read `process.env`. */
export interface AppConfig {
  readonly hsm: {
    readonly url: URL;
    readonly name: string;
    readonly apiVersion: string;
    /** Whether the challenge's resource must match the HSM host (relaxed only for loopback). */
    readonly verifyChallengeResource: boolean;
    readonly requestTimeoutMs: number;
    /** Extra CA certificate (PEM) to trust for the HSM endpoint: the local emulator only. */
    readonly caCertPem?: string;
    readonly storageAccess: HsmStorageAccess;
  };
  readonly storage: {
    readonly blobUrl: URL;
    readonly accountName: string;
    readonly container: string;
    readonly auth: StorageAuth;
    /** Present only with account-key auth. Never logged. */
    readonly accountKey?: string;
    readonly tableUrl: URL;
    readonly ledgerTable: string;
  };
  readonly schedule: CronSchedule;
  /** The retention policy (rules as data) and the limits around it. */
  readonly retention: RetentionSettings;
  readonly polling: {
    readonly firstIntervalMs: number;
    readonly maxIntervalMs: number;
    readonly deadlineMs: number;
  };
  /** The token credential: the app's managed identity in Azure, a static one on this machine. */
  readonly credential:
    | { readonly kind: 'managed-identity'; readonly clientId?: string }
    | {
        readonly kind: 'local-static';
      };
  readonly restore: {
    /** Whether the restore endpoints answer at all (off unless an operator turns them on). */
    readonly enabled: boolean;
    /** How old the latest successful backup may be when a full restore starts (at most 30 min). */
    readonly maxBackupAgeMs: number;
    /** App roles allowed to restore, beside the function key; empty: the key alone. */
    readonly allowedRoles: readonly string[];
  };
  readonly taskHub: string;
  /** How long finished orchestration history stays in the task hub; the ledger keeps the record. */
  readonly historyRetentionMs: number;
  readonly telemetry: {
    /** APPLICATIONINSIGHTS_CONNECTION_STRING; unset: no telemetry is sent. Never logged. */
    readonly connectionString?: string;
    /**
     * APPLICATIONINSIGHTS_AUTHENTICATION_STRING `Authorization=AAD`: ingestion takes Entra ID
     * tokens only, so the exporter sends the app's identity (its `ClientId=`, if it names one).
     */
    readonly entraAuth?: { readonly clientId?: string };
    /** ALERT_MAX_BACKUP_AGE_HOURS; unset: twice the schedule's interval plus one hour. */
    readonly maxBackupAgeMs?: number;
  };
}
