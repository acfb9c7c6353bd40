import type { AbortSignalLike } from '@azure/abort-controller';
import type { ContainerClient } from '@azure/storage-blob';
import {
  InvalidBackup,
  KEYS_BLOB,
  MANIFEST_BLOB,
  parseKeys,
  parseManifest,
  verifyBlob,
} from './backupFormat';
import type { KeySnapshot } from './keyStore';
import { describeStorageError } from './storageAccess';

// Known shortcoming: folders are expected at the container root (the project keeps them there).
// A storageResourceUri with a path below the container gets its backup written under that path,
// but the listing here would go to the wrong URL. Splitting the container URL from the path
// prefix (path-style for Azurite, host-style for Azure) and listing with it would retire this.

/**
 * Reads a backup folder back the way a restore does: list it (the `l` of an `rl` SAS), read every
 * blob the manifest names (the `r`), check each against the manifest, and return the key set.
 * A folder that is missing, partial or altered is an InvalidBackup; a refusal by storage is a
 * StorageFailure.
 */
export async function readBackupFolder(
  container: ContainerClient,
  folder: string,
  abortSignal: AbortSignalLike,
): Promise<KeySnapshot> {
  const prefix = `${folder.replace(/\/+$/, '')}/`;
  const present = new Set<string>();
  try {
    for await (const blob of container.listBlobsFlat({ prefix, abortSignal })) {
      present.add(blob.name.slice(prefix.length));
    }
  } catch (error) {
    throw describeStorageError(error, `listing folder '${folder}'`);
  }
  if (present.size === 0) {
    throw new InvalidBackup(`folder '${folder}' does not exist or is empty`);
  }
  if (!present.has(MANIFEST_BLOB)) {
    throw new InvalidBackup(`folder '${folder}' has no ${MANIFEST_BLOB}; the backup is incomplete`);
  }

  const read = async (name: string): Promise<Buffer> => {
    try {
      return await container
        .getBlobClient(`${prefix}${name}`)
        .downloadToBuffer(0, undefined, { abortSignal });
    } catch (error) {
      throw describeStorageError(error, `reading '${prefix}${name}'`);
    }
  };

  const manifest = parseManifest(await read(MANIFEST_BLOB));
  let keys: KeySnapshot | undefined;
  for (const entry of manifest.blobs) {
    if (!present.has(entry.name)) {
      throw new InvalidBackup(`blob '${entry.name}' named by the manifest is missing`);
    }
    const content = await read(entry.name);
    verifyBlob(entry, content);
    if (entry.name === KEYS_BLOB) {
      keys = parseKeys(content);
    }
  }
  if (!keys) {
    throw new InvalidBackup(`the manifest names no ${KEYS_BLOB}`);
  }
  return keys;
}
