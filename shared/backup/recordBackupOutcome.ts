import type { AppServices } from '../app/appServices';
import type { BackupRecord } from '../ledger/BackupRecord';
import type { Logger } from '../log/Logger';
import { folderFromUrl, parseBackupFolder } from '../storage/backupFolderName';
import { inspectFolder } from '../storage/inspectFolder';
import { reportBackupOutcome } from '../telemetry/backupTelemetry';
import type { RecordedOutcome, RecordOutcomeInput } from './BackupCycle';

/**
 * Writes the attempt's outcome to the ledger. A backup counts as successful only when the service
 * says so AND its folder, under our container and named for this HSM, holds blobs: a success
 * with an empty or unrecognisable folder is not one anybody could restore from.
 */
export async function recordBackupOutcome(
  services: AppServices,
  input: RecordOutcomeInput,
  log: Logger,
): Promise<RecordedOutcome> {
  const { ledger, storage } = services;
  const existing = await ledger.getBackup(input.hsmName, input.attemptId);
  if (!existing) {
    throw new Error(`Backup ${input.attemptId} has no ledger row: it was never registered`);
  }
  if (['Succeeded', 'Failed', 'Unknown'].includes(existing.status)) {
    // A re-run after the outcome was written: report what is recorded, change nothing.
    return summarise(existing);
  }

  let record: BackupRecord = {
    ...existing,
    status: input.status,
    jobId: input.jobId ?? existing.jobId,
    startTime: input.startTime ? new Date(input.startTime) : undefined,
    endTime: input.endTime ? new Date(input.endTime) : undefined,
    failureCode: input.failureCode,
    failureReason: input.reason,
  };
  if (input.status === 'Succeeded') {
    record = await verifyFolder(record, input.folderUrl, storage.containerUrl, services);
  }
  await ledger.saveBackup(record);
  const where = record.folder ? ` folder ${record.folder}` : '';
  const line =
    `Backup ${record.attemptId} (job ${record.jobId ?? 'none'}) recorded as ` +
    `${record.status}${where}`;
  if (record.status === 'Succeeded')
    log.info(`${line}: ${record.blobCount} blobs, ${record.byteCount} bytes.`);
  else log.warn(`${line}: ${record.failureCode ?? ''} ${record.failureReason ?? ''}`.trim());
  await reportBackupOutcome(services, record, log);
  return summarise(record);
}

async function verifyFolder(
  record: BackupRecord,
  folderUrl: string | undefined,
  containerUrl: string,
  services: AppServices,
): Promise<BackupRecord> {
  const folder = folderUrl ? folderFromUrl(folderUrl, containerUrl) : undefined;
  if (!folder || !parseBackupFolder(folder, record.hsmName)) {
    // The job may well have written a backup, but not where we can find it: never count it as
    // ours, never clean it as a failure's.
    return {
      ...record,
      status: 'Unknown',
      folderUrl: stripQuery(folderUrl),
      failureCode: 'FolderNotRecognised',
      failureReason:
        `the service reported success with folder "${stripQuery(folderUrl) ?? '(none)'}", ` +
        `which is not a backup folder of ${record.hsmName} in the configured container`,
    };
  }
  const contents = await inspectFolder(services.storage.container, folder);
  const recorded = { ...record, folder, folderUrl: stripQuery(folderUrl), ...contents };
  if (contents.blobCount === 0) {
    return {
      ...recorded,
      status: 'Failed',
      failureCode: 'EmptyFolder',
      failureReason: `the service reported success but folder ${folder} holds no blobs`,
    };
  }
  return recorded;
}

function stripQuery(url: string | undefined): string | undefined {
  return url?.replace(/[?#].*$/, '');
}

function summarise(record: BackupRecord): RecordedOutcome {
  return {
    status: record.status === 'Succeeded' || record.status === 'Failed' ? record.status : 'Unknown',
    folder: record.folder,
    blobCount: record.blobCount,
    byteCount: record.byteCount,
    failureCode: record.failureCode,
    reason: record.failureReason,
  };
}
