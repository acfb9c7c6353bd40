import { ApiError } from '../http/ApiError';
import { folderFromUrl, parseBackupFolder } from '../storage/backupFolderName';

/**
 * The bare folder name a restore request means. Accepts the folder name, or the folder URL the
 * service returned when it must sit directly under the configured container. Refuses everything
 * else (query strings, other hosts or containers, sub-paths, another HSM's folders, malformed
 * timestamps) before anything is looked up.
 */
export function normalizeFolder(input: string, hsmName: string, containerUrl: string): string {
  let folder: string | undefined = input;
  if (/^[a-z][a-z0-9+.-]*:/i.test(input)) {
    if (/[?#]/.test(input)) {
      throw new ApiError(
        400,
        'InvalidFolder',
        'The folder URL must not carry a query string or fragment (never send a SAS).',
      );
    }
    folder = folderFromUrl(input, containerUrl);
    if (!folder) {
      throw new ApiError(
        400,
        'InvalidFolder',
        `The folder URL must be a folder directly under the backup container ${containerUrl}.`,
      );
    }
  }
  if (!parseBackupFolder(folder, hsmName)) {
    throw new ApiError(
      400,
      'InvalidFolder',
      `"${input.slice(0, 100)}" is not a backup folder of ${hsmName}: expected ` +
        `mhsm-${hsmName}-<14 to 16 digit UTC timestamp>, or its URL under the backup container.`,
    );
  }
  return folder;
}
