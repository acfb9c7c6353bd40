import type { HttpRequest } from '@azure/functions';
import type { AppConfig } from '../config/AppConfig';
import { ApiError } from '../http/ApiError';
import {
  optionalBoolean,
  readJsonObject,
  refuseUnknownFields,
  requiredString,
} from '../http/jsonBody';
import { normalizeFolder } from './normalizeFolder';

export interface FullRestoreBody {
  readonly folder: string;
  readonly backupFirst: boolean;
  readonly dryRun: boolean;
}

/**
 * `POST /api/restore`: `{"folder", "confirm", "backupFirst"?, "dryRun"?}`, strictly typed, no
 * other fields. `confirm` must be the HSM's name, typed out, as destructive tools ask.
 */
export async function readFullRestoreBody(
  request: HttpRequest,
  config: AppConfig,
): Promise<FullRestoreBody> {
  const body = await readJsonObject(request);
  refuseUnknownFields(body, ['folder', 'confirm', 'backupFirst', 'dryRun']);
  const folder = readFolder(body, config);
  requireConfirmation(body, config.hsm.name, 'a full restore wipes it');
  return {
    folder,
    backupFirst: optionalBoolean(body, 'backupFirst'),
    dryRun: optionalBoolean(body, 'dryRun'),
  };
}

/** `POST /api/restore/keys/{keyName}`: `{"folder", "confirm", "dryRun"?}`. */
export async function readKeyRestoreBody(
  request: HttpRequest,
  config: AppConfig,
): Promise<{ keyName: string; folder: string; dryRun: boolean }> {
  const keyName = request.params.keyName ?? '';
  if (!/^[A-Za-z0-9-]{1,127}$/.test(keyName)) {
    throw new ApiError(
      400,
      'InvalidKeyName',
      'The key name must be 1 to 127 letters, digits and hyphens.',
    );
  }
  const body = await readJsonObject(request);
  refuseUnknownFields(body, ['folder', 'confirm', 'dryRun']);
  const folder = readFolder(body, config);
  requireConfirmation(body, config.hsm.name, `key ${keyName} is replaced by the backup's`);
  return { keyName, folder, dryRun: optionalBoolean(body, 'dryRun') };
}

function readFolder(body: Record<string, unknown>, config: AppConfig): string {
  const containerUrl =
    `${config.storage.blobUrl.href.replace(/\/+$/, '')}` + `/${config.storage.container}`;
  return normalizeFolder(requiredString(body, 'folder', 1024), config.hsm.name, containerUrl);
}

function requireConfirmation(body: Record<string, unknown>, hsmName: string, why: string): void {
  const confirm = requiredString(body, 'confirm', 64);
  if (confirm !== hsmName) {
    throw new ApiError(
      400,
      'ConfirmationMismatch',
      `"confirm" must be exactly the HSM's name, "${hsmName}" (${why}).`,
    );
  }
}
