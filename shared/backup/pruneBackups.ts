import { now } from '../app/clock';
import type { AppServices } from '../app/appServices';
import type { Logger } from '../log/Logger';
import { decideRetention, type RetentionCandidate } from '../retention/decideRetention';
import { parseBackupFolder } from '../storage/backupFolderName';
import { deleteFolder } from '../storage/deleteFolder';
import type { PruneInput, PruneSummary } from './BackupCycle';

/**
 * Applies retention to this HSM's successful, not yet pruned backups. Only folders that parse
 * exactly as this HSM's backups are ever touched; a ledger row is marked pruned only once a
 * fresh listing shows no blob of its folder left.
 */
export async function pruneBackups(
  services: AppServices,
  input: PruneInput,
  log: Logger,
): Promise<PruneSummary> {
  const { ledger, storage, config } = services;
  const candidates: RetentionCandidate[] = [];
  for await (const record of ledger.listBackups(input.hsmName)) {
    if (record.status !== 'Succeeded' || record.prunedAt || !record.folder) continue;
    const parsed = parseBackupFolder(record.folder, input.hsmName);
    if (!parsed) {
      log.warn(
        `Retention: skipping ${record.attemptId}, folder "${record.folder}" is not this HSM's.`,
      );
      continue;
    }
    candidates.push({ attemptId: record.attemptId, folder: parsed.name, time: parsed.time });
  }
  const decision = decideRetention(candidates, { keepLast: config.retention.keepLast });

  const prunedFolders: string[] = [];
  const heldFolders: { folder: string; code: string }[] = [];
  const failedFolders: { folder: string; reason: string }[] = [];
  let blobsDeleted = 0;
  for (const backup of decision.remove) {
    const result = await deleteFolder(storage.container, backup.folder);
    blobsDeleted += result.deleted;
    if (result.remaining === 0 && result.held.length === 0 && result.failed.length === 0) {
      await ledger.markPruned(input.hsmName, backup.attemptId, now());
      prunedFolders.push(backup.folder);
      log.info(`Retention: pruned ${backup.folder} (${result.deleted} blobs deleted).`);
    } else if (result.held.length > 0) {
      heldFolders.push({ folder: backup.folder, code: result.held[0].code });
      log.warn(
        `Retention: ${backup.folder} is held by the service (${result.held[0].code}); kept.`,
      );
    } else {
      const reason = result.failed[0]?.code ?? `${result.remaining} blobs still listed`;
      failedFolders.push({ folder: backup.folder, reason });
      log.warn(
        `Retention: could not fully delete ${backup.folder} (${reason}); will retry next run.`,
      );
    }
  }
  log.info(
    `Retention for ${input.hsmName} (instance ${input.instanceId}): kept ${decision.keep.length}, ` +
      `pruned ${prunedFolders.length}, held ${heldFolders.length}, failed ${failedFolders.length}.`,
  );
  return { kept: decision.keep.length, prunedFolders, blobsDeleted, heldFolders, failedFolders };
}
