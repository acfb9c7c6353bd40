import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  SASProtocol,
  StorageSharedKeyCredential,
  type BlobServiceClient,
} from '@azure/storage-blob';
import type { AppConfig } from '../config/AppConfig';

/** What the HSM needs from the container: write a backup (`rcwd`) or read one back (`rl`). */
export type SasPurpose = 'backup' | 'restore';

const permissionsFor: Record<SasPurpose, string> = { backup: 'rcwd', restore: 'rl' };

/**
 * Clocks in a cloud disagree by minutes; a SAS that starts "now" may be refused as not yet valid.
 */
export const clockSkewAllowanceMs = 5 * 60_000;

export interface MintedSas {
  /** The query string without its leading '?'. A secret: never log, return or persist it. */
  readonly token: string;
  readonly expiresOn: Date;
}

/**
 * A container-scoped SAS for one operation, signed with a user-delegation key (the identity-only
 * production path) or the account key. It is minted inside the activity that uses it and never
 * leaves it: orchestration inputs and outputs are stored in plain text.
 */
export async function mintContainerSas(
  storage: AppConfig['storage'],
  serviceClient: BlobServiceClient,
  purpose: SasPurpose,
  now: Date,
  validForMs: number,
): Promise<MintedSas> {
  const startsOn = new Date(now.getTime() - clockSkewAllowanceMs);
  const expiresOn = new Date(now.getTime() + validForMs);
  const values = {
    containerName: storage.container,
    permissions: ContainerSASPermissions.parse(permissionsFor[purpose]),
    startsOn,
    expiresOn,
    // Real Azure endpoints are https; only a loopback emulator is served over plain http.
    protocol: storage.blobUrl.protocol === 'https:' ? SASProtocol.Https : SASProtocol.HttpsAndHttp,
  };
  if (storage.auth === 'account-key') {
    const key = new StorageSharedKeyCredential(storage.accountName, storage.accountKey ?? '');
    return { token: generateBlobSASQueryParameters(values, key).toString(), expiresOn };
  }
  const delegationKey = await serviceClient.getUserDelegationKey(startsOn, expiresOn);
  const token = generateBlobSASQueryParameters(values, delegationKey, storage.accountName);
  return { token: token.toString(), expiresOn };
}

/** The canonical permission string for a purpose, for logs and tests. */
export function sasPermissions(purpose: SasPurpose): string {
  return ContainerSASPermissions.parse(permissionsFor[purpose]).toString();
}
