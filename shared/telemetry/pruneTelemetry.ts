import type { PruneInput, PruneSummary } from '../backup/BackupCycle';
import type { Logger } from '../log/Logger';
import { emitEvent } from './telemetry';

/** Reports a finished retention run as `PruneCompleted`, and hands its summary back unchanged. */
export function reportPruneCompleted(
  log: Logger,
  input: PruneInput,
  summary: PruneSummary,
): PruneSummary {
  emitEvent(log, 'PruneCompleted', {
    hsm: input.hsmName,
    instanceId: input.instanceId,
    foldersDeleted: summary.prunedFolders.length + summary.cleanedFolders.length,
    blobsDeleted: summary.blobsDeleted,
    foldersHeld: summary.heldFolders.length,
    foldersFailed: summary.failedFolders.length,
    foldersDeferred: summary.deferred,
    foldersKept: summary.kept,
    unrecordedFolders: summary.unrecordedFolders.length,
  });
  return summary;
}
