import type { AppServices } from '../app/appServices';
import { inspectFolder } from '../storage/inspectFolder';
import { checkRestoreGuard } from './restoreGuard';
import type { Readiness, VerifyRestoreInput, VerifyRestoreResult } from './RestoreTypes';

/**
 * Every check a restore depends on, from the ledger and the container: the folder must be a
 * successful, not pruned backup of this HSM whose blobs are still there; a full restore also needs
 * the latest successful backup to be fresh enough. Used by the HTTP endpoint before anything
 * starts, and again by the orchestration just before the restore (time passes in between).
 */
export async function verifyRestore(
  services: AppServices,
  input: VerifyRestoreInput,
): Promise<VerifyRestoreResult> {
  const folder = await folderReadiness(services, input.hsmName, input.folder);
  const holder = await services.lock.holder(input.hsmName, new Date(input.now));
  const lockHeldBy = holder && {
    operation: holder.operation,
    instanceId: holder.instanceId,
    since: holder.since.toISOString(),
    detail: holder.detail,
  };
  if (input.kind !== 'full' || input.maxBackupAgeMs === undefined) return { folder, lockHeldBy };
  const latest = await services.ledger.latestSuccess(input.hsmName);
  const verdict = checkRestoreGuard(latest, new Date(input.now), input.maxBackupAgeMs);
  if (verdict.allowed) {
    const minutes = Math.floor(verdict.ageMs / 60_000);
    return {
      folder,
      lockHeldBy,
      guard: {
        ready: true,
        detail:
          `the last successful backup (${verdict.lastBackup.folder}) completed ${minutes} ` +
          `minutes ago`,
      },
    };
  }
  return {
    folder,
    lockHeldBy,
    guard: {
      ready: false,
      status: 409,
      code: 'BackupTooOld',
      reason: verdict.reason,
      lastCompletedAt: verdict.lastCompletedAt,
      ageMinutes: verdict.ageMinutes,
    },
  };
}

async function folderReadiness(
  services: AppServices,
  hsmName: string,
  folder: string,
): Promise<Readiness> {
  const record = await services.ledger.findByFolder(hsmName, folder);
  if (!record) {
    return {
      ready: false,
      status: 404,
      code: 'FolderNotRecorded',
      reason:
        `${folder} is not a recorded backup of ${hsmName}; GET /api/backups lists the ones ` +
        `that are.`,
    };
  }
  if (record.status !== 'Succeeded') {
    return {
      ready: false,
      status: 409,
      code: 'BackupNotSuccessful',
      reason:
        `${folder} is recorded as ${record.status}` +
        (record.failureReason ? ` (${record.failureReason})` : '') +
        '; only successful backups can be restored.',
    };
  }
  if (record.prunedAt) {
    return {
      ready: false,
      status: 409,
      code: 'BackupPruned',
      reason: `${folder} was pruned at ${record.prunedAt.toISOString()}; its blobs are gone.`,
    };
  }
  const contents = await inspectFolder(services.storage.container, folder);
  if (contents.blobCount === 0) {
    return {
      ready: false,
      status: 409,
      code: 'BackupMissing',
      reason: `${folder} is recorded as successful but holds no blobs in the container any more.`,
    };
  }
  return {
    ready: true,
    detail:
      `${folder} is a successful backup (completed ` +
      `${record.endTime?.toISOString() ?? 'at an unknown time'}) ` +
      `with ${contents.blobCount} blobs`,
  };
}
