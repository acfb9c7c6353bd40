import type { AppServices } from '../app/appServices';
import { now } from '../app/clock';
import type { BackupRecord, BackupTrigger } from '../ledger/BackupRecord';
import type { Logger } from '../log/Logger';
import { emitEvent, recordMetric, telemetryIsActive, type EventDimensions } from './telemetry';

const hourMs = 3_600_000;

/** How many of the newest attempts one query reads to count failures since the last success. */
export const failureCountPage = 50;

/** The event a recorded outcome is reported as. */
export function outcomeEventName(status: BackupRecord['status']) {
  if (status === 'Succeeded') return 'BackupSucceeded' as const;
  if (status === 'Failed') return 'BackupFailed' as const;
  return 'BackupTimedOut' as const;
}

/**
 * How long a backup took: the HSM job's own start to end when it reported both, else from the
 * attempt's registration to the moment its outcome was recorded.
 */
export function backupDurationMs(record: BackupRecord, recordedAt: Date): number {
  if (record.startTime && record.endTime) {
    return Math.max(0, record.endTime.getTime() - record.startTime.getTime());
  }
  return Math.max(0, recordedAt.getTime() - record.createdAt.getTime());
}

/**
 * Attempts, newest first, that did not succeed before the newest success: `Failed` and
 * `Unknown` count, attempts still starting or running do not. Capped by what was read.
 */
export function countConsecutiveFailures(newestFirst: readonly BackupRecord[]): number {
  let count = 0;
  for (const record of newestFirst) {
    if (record.status === 'Succeeded') break;
    if (record.status === 'Failed' || record.status === 'Unknown') count++;
  }
  return count;
}

/** The dimensions of an outcome event, from the ledger row as it was just written. */
export function backupOutcomeDimensions(
  record: BackupRecord,
  recordedAt: Date,
  consecutiveFailures: number | undefined,
): EventDimensions<'BackupFailed'> & EventDimensions<'BackupSucceeded'> {
  const succeeded = record.status === 'Succeeded';
  return {
    hsm: record.hsmName,
    attemptId: record.attemptId,
    jobId: record.jobId,
    instanceId: record.instanceId,
    trigger: record.trigger,
    status: record.status,
    durationMs: backupDurationMs(record, recordedAt),
    consecutiveFailures,
    folder: succeeded ? record.folder : undefined,
    blobCount: succeeded ? record.blobCount : undefined,
    byteCount: succeeded ? record.byteCount : undefined,
    failureCode: succeeded ? undefined : record.failureCode,
    statusDetails: succeeded ? undefined : record.failureReason,
  };
}

/**
 * Reports an outcome the moment it is written: the event, the duration, the failure streak
 * (one ledger query, only when telemetry is on), and after a success the newest folder's size
 * and a fresh age. Never throws: a telemetry problem is a warning line, not a failed backup.
 */
export async function reportBackupOutcome(
  services: AppServices,
  record: BackupRecord,
  log: Logger,
): Promise<void> {
  const recordedAt = now();
  let streak: number | undefined;
  try {
    if (telemetryIsActive()) {
      const page = await services.ledger.pageBackups(record.hsmName, {
        pageSize: failureCountPage,
      });
      streak = countConsecutiveFailures(page.records);
    }
  } catch {
    log.warn(`Telemetry: could not count the failed backups of ${record.hsmName}; sent without.`);
  }
  const dimensions = backupOutcomeDimensions(record, recordedAt, streak);
  emitEvent(log, outcomeEventName(record.status), dimensions);
  const hsm = { hsm: record.hsmName };
  recordMetric('BackupDurationSeconds', Number(dimensions.durationMs) / 1000, {
    ...hsm,
    trigger: record.trigger,
    status: record.status,
  });
  if (streak !== undefined) recordMetric('ConsecutiveFailedBackups', streak, hsm);
  if (record.status === 'Succeeded') {
    if (record.endTime) {
      const ageMs = Math.max(0, recordedAt.getTime() - record.endTime.getTime());
      recordMetric('LastSuccessfulBackupAgeHours', ageMs / hourMs, hsm);
    }
    if (record.blobCount !== undefined)
      recordMetric('NewestBackupBlobCount', record.blobCount, hsm);
    if (record.byteCount !== undefined) recordMetric('NewestBackupBytes', record.byteCount, hsm);
  }
}

/** The trigger an attempt id ends with (`<inverted time>_<trigger>`). */
export function triggerOfAttempt(attemptId: string): BackupTrigger | undefined {
  const trigger = attemptId.split('_').pop();
  return trigger === 'schedule' || trigger === 'manual' || trigger === 'restore'
    ? trigger
    : undefined;
}
