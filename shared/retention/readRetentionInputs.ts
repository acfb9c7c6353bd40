import { RestError, type ContainerClient } from '@azure/storage-blob';
import type { AppServices } from '../app/appServices';
import type { BackupLedger } from '../ledger/BackupLedger';
import type { BackupRecord } from '../ledger/BackupRecord';
import { parseBackupFolder } from '../storage/backupFolderName';
import type { RetentionPlanInput } from './planRetention';
import type { ProtectedFolder } from './RetentionPolicy';

/** What retention plans from: every ledger row of the HSM and its folders in the container. */
export interface RetentionInputs {
  readonly records: readonly BackupRecord[];
  /** Sorted names of the folders under which this HSM's backups hold blobs. */
  readonly containerFolders: readonly string[];
}

/**
 * The one I/O step before planning (the plan itself is pure). Reads every ledger row of the HSM
 * and lists the container one level deep, so memory grows with the number of folders, never
 * with the blobs inside them. Only names that parse exactly as this HSM's backup folders are
 * returned (`contoso` never sees `contoso-dr`'s). A container that does not exist yet holds none.
 */
export async function readRetentionInputs(
  ledger: BackupLedger,
  container: ContainerClient,
  hsmName: string,
): Promise<RetentionInputs> {
  const records: BackupRecord[] = [];
  for await (const record of ledger.listBackups(hsmName)) records.push(record);
  return { records, containerFolders: await listBackupFolders(container, hsmName) };
}

/**
 * Everything a plan needs, read now: the prune and the preview both start here, so the preview
 * shows exactly what a prune would do at this moment. The safety backup of the latest restore
 * is added to the protected folders here, beside any the caller names.
 */
export async function readRetentionPlanInput(
  services: Pick<AppServices, 'config' | 'ledger' | 'storage' | 'restores'>,
  hsmName: string,
  protectedFolders: readonly ProtectedFolder[] = [],
): Promise<RetentionPlanInput> {
  const { config, ledger, storage, restores } = services;
  const { records, containerFolders } = await readRetentionInputs(
    ledger,
    storage.container,
    hsmName,
  );
  const latestRestore = await restores.latest(hsmName);
  const safety = latestRestore?.safetyBackupFolder
    ? [
        {
          folder: latestRestore.safetyBackupFolder,
          reason: `safety backup of the latest restore (${latestRestore.instanceId})`,
        },
      ]
    : [];
  return {
    hsmName,
    records,
    containerFolders,
    settings: config.retention,
    backupDeadlineMs: config.polling.deadlineMs,
    protectedFolders: [...protectedFolders, ...safety],
  };
}

/** The names of this HSM's folders in the container, listed one level deep, sorted. */
export async function listBackupFolders(
  container: ContainerClient,
  hsmName: string,
): Promise<string[]> {
  const folders: string[] = [];
  const prefix = `mhsm-${hsmName.toLowerCase()}-`;
  try {
    for await (const item of container.listBlobsByHierarchy('/', { prefix })) {
      if (item.kind !== 'prefix') continue;
      const folder = item.name.replace(/\/$/, '');
      if (parseBackupFolder(folder, hsmName)) folders.push(folder);
    }
  } catch (error) {
    if (error instanceof RestError && error.code === 'ContainerNotFound') return [];
    throw error;
  }
  return folders.sort();
}
