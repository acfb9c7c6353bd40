import { normalizeSasToken, sasMalformedReason } from './sasToken';

/** How the HSM reaches the container: a SAS it was handed, or its own managed identity. */
export type StorageAuth = { kind: 'sas'; token: string } | { kind: 'managedIdentity' };

export interface StorageTarget {
  /** The container URL, without a trailing slash. */
  containerUri: string;
  auth: StorageAuth;
}

export interface RestoreRequest {
  target: StorageTarget;
  folder: string;
}

/** A start call the service refuses synchronously. */
export class BadStartRequest extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const MALFORMED_SAS_CODE = 'BadRequest';

export function malformedSasMessage(why: string): string {
  return `The provided SAS token is malformed: ${why}.`;
}

/** `POST /backup` and `POST /prebackup`: `{storageResourceUri, token | useManagedIdentity}`. */
export function parseBackupBody(body: unknown): StorageTarget {
  return parseStorageTarget(asObject(body, 'The request body'), 'The request body');
}

/** `PUT /restore` and `PUT /prerestore`: `{sasTokenParameters, folderToRestore}`. */
export function parseRestoreBody(body: unknown): RestoreRequest {
  return parseRestoreLike(body, 'folderToRestore');
}

/** `PUT /keys/{name}/restore`: `{sasTokenParameters, folder}` (the field is `folder` here). */
export function parseKeyRestoreBody(body: unknown): RestoreRequest {
  return parseRestoreLike(body, 'folder');
}

function parseRestoreLike(body: unknown, folderField: string): RestoreRequest {
  const fields = asObject(body, 'The request body');
  const target = parseStorageTarget(
    asObject(fields.sasTokenParameters, "'sasTokenParameters'"),
    "'sasTokenParameters'",
  );
  const folder = fields[folderField];
  if (typeof folder !== 'string' || folder.trim() === '') {
    throw badParameter(`'${folderField}' is required: the name of the backup folder.`);
  }
  return { target, folder };
}

function parseStorageTarget(fields: Record<string, unknown>, where: string): StorageTarget {
  const uri = fields.storageResourceUri;
  if (typeof uri !== 'string' || !isHttpUrlWithoutQuery(uri)) {
    throw badParameter(`${where} needs 'storageResourceUri': the container URL, without a query.`);
  }
  const containerUri = uri.replace(/\/+$/, '');
  if (fields.useManagedIdentity === true) {
    return { containerUri, auth: { kind: 'managedIdentity' } };
  }
  if (typeof fields.token !== 'string') {
    throw badParameter(`${where} needs 'token' (a SAS) or 'useManagedIdentity': true.`);
  }
  const token = normalizeSasToken(fields.token);
  const malformed = sasMalformedReason(token);
  if (malformed) {
    throw new BadStartRequest(MALFORMED_SAS_CODE, malformedSasMessage(malformed));
  }
  return { containerUri, auth: { kind: 'sas', token } };
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badParameter(`${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function isHttpUrlWithoutQuery(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}

function badParameter(message: string): BadStartRequest {
  return new BadStartRequest('BadParameter', message);
}
