import {
  AnonymousCredential,
  ContainerClient,
  RestError,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { JobFailure } from './jobFailure';
import type { StorageTarget } from './requestBodies';

/** The storage grant that stands in for the HSM's managed identity (trusted-service access). */
export interface ManagedIdentityStorage {
  accountName: string;
  accountKey: string;
}

/** Why a job could not use storage, in the words its status will carry. */
export class StorageFailure extends JobFailure {}

// The HSM retries a little; tests want a refused request to fail the job quickly.
const PIPELINE_OPTIONS = {
  retryOptions: { maxTries: 2, retryDelayInMs: 100, maxRetryDelayInMs: 500 },
};

/**
 * A client for the target container, authorised exactly as the HSM would be: through the SAS it
 * was handed, or through its managed identity's grant (absent grant: the job fails as Azure's
 * would, with an authorization error).
 */
export function containerFor(
  target: StorageTarget,
  managedIdentity: ManagedIdentityStorage | undefined,
): ContainerClient {
  if (target.auth.kind === 'sas') {
    const sasUrl = `${target.containerUri}?${target.auth.token}`;
    return new ContainerClient(sasUrl, new AnonymousCredential(), PIPELINE_OPTIONS);
  }
  if (!managedIdentity) {
    throw new StorageFailure(
      'AuthorizationFailure',
      "The HSM's managed identity is not authorized on the storage account " +
        '(the emulator was started without a managed identity storage grant).',
    );
  }
  const credential = new StorageSharedKeyCredential(
    managedIdentity.accountName,
    managedIdentity.accountKey,
  );
  return new ContainerClient(target.containerUri, credential, PIPELINE_OPTIONS);
}

/** Turns what storage threw into the code and reason a failed job reports. */
export function describeStorageError(error: unknown, doing: string): StorageFailure {
  if (error instanceof StorageFailure) {
    return error;
  }
  if (error instanceof RestError && error.statusCode !== undefined) {
    const code = error.code ?? `Http${error.statusCode}`;
    const firstLine = withoutSecrets(error.message.split('\n')[0].trim());
    return new StorageFailure(
      code,
      `Storage refused ${doing} (${error.statusCode} ${code}): ${firstLine}`,
    );
  }
  const text = withoutSecrets(error instanceof Error ? error.message : String(error));
  return new StorageFailure(
    'StorageUnreachable',
    `Storage could not be reached while ${doing}: ${text}`,
  );
}

/** Job statuses are read by anyone who can poll: never let a SAS ride along in a message. */
function withoutSecrets(text: string): string {
  return text
    .replace(/(https?:\/\/[^\s?'"]+)\?[^\s'"]*/g, '$1?<query removed>')
    .replace(/\bsig=[^&\s'"]*/gi, 'sig=<removed>');
}
