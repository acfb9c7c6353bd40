import type { AbortSignalLike } from '@azure/abort-controller';
import type { ContainerClient } from '@azure/storage-blob';
import { IN_PROGRESS_MARKER, MANIFEST_BLOB, type BackupBlob } from './backupFormat';
import { describeStorageError, StorageFailure } from './storageAccess';

export interface WriteOptions {
  abortSignal: AbortSignalLike;
  /** The partial-write fault: storage "fails" after this many data blobs. */
  failAfterBlobs?: number;
}

/**
 * Writes one backup folder through the container client, using every permission the contract
 * says a backup needs: create and write (the blobs), read (the manifest is read back), delete
 * (the in-progress marker goes last). A SAS missing any of them fails here, as storage decides.
 */
export async function writeBackupFolder(
  container: ContainerClient,
  folder: string,
  blobs: BackupBlob[],
  options: WriteOptions,
): Promise<void> {
  const { abortSignal } = options;
  const marker = container.getBlockBlobClient(`${folder}/${IN_PROGRESS_MARKER}`);
  await storageStep(`writing '${marker.name}'`, () =>
    marker.uploadData(Buffer.from('in progress\n'), { abortSignal }),
  );

  for (const [index, blob] of blobs.entries()) {
    if (options.failAfterBlobs !== undefined && index >= options.failAfterBlobs) {
      throw new StorageFailure(
        'InternalServerError',
        `Writing the backup to storage failed after ${index} of ${blobs.length} blobs ` +
          `('${folder}/${blob.name}' was not written); the folder is incomplete.`,
      );
    }
    const client = container.getBlockBlobClient(`${folder}/${blob.name}`);
    await storageStep(`writing '${client.name}'`, () =>
      client.uploadData(blob.content, { abortSignal }),
    );
  }

  const manifest = container.getBlockBlobClient(`${folder}/${MANIFEST_BLOB}`);
  await storageStep(`reading back '${manifest.name}'`, () =>
    manifest.downloadToBuffer(0, undefined, { abortSignal }),
  );
  await storageStep(`deleting '${marker.name}'`, () => marker.delete({ abortSignal }));
}

/**
 * The pre-backup check: proves the container takes a write, a read and a delete, with a probe
 * blob at its root that is gone afterwards. No folder is created.
 */
export async function probeBackupAccess(
  container: ContainerClient,
  probeName: string,
  abortSignal: AbortSignalLike,
): Promise<void> {
  const probe = container.getBlockBlobClient(probeName);
  await storageStep(`writing '${probeName}'`, () =>
    probe.uploadData(Buffer.from('pre-backup check\n'), { abortSignal }),
  );
  await storageStep(`reading '${probeName}'`, () =>
    probe.downloadToBuffer(0, undefined, { abortSignal }),
  );
  await storageStep(`deleting '${probeName}'`, () => probe.delete({ abortSignal }));
}

async function storageStep(doing: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    throw describeStorageError(error, doing);
  }
}
