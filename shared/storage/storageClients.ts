import {
  BlobServiceClient,
  StorageSharedKeyCredential,
  type ContainerClient,
} from '@azure/storage-blob';
import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { AppConfig } from '../config/AppConfig';
import { isLoopbackHost } from '../config/settingReaders';

/** Blob and table clients for the backup account, authenticated as the configuration says. */
export interface StorageClients {
  readonly blobService: BlobServiceClient;
  readonly container: ContainerClient;
  readonly ledgerTable: TableClient;
  /** The container URL the HSM is given (no SAS in it). */
  readonly containerUrl: string;
}

export function createStorageClients(
  storage: AppConfig['storage'],
  credential: TokenCredential,
): StorageClients {
  const blobUrl = storage.blobUrl.href.replace(/\/+$/, '');
  const tableUrl = storage.tableUrl.href.replace(/\/+$/, '');
  const plainHttpTable =
    storage.tableUrl.protocol === 'http:' && isLoopbackHost(storage.tableUrl.hostname);
  const blobService =
    storage.auth === 'account-key'
      ? new BlobServiceClient(
          blobUrl,
          new StorageSharedKeyCredential(storage.accountName, storage.accountKey ?? ''),
        )
      : new BlobServiceClient(blobUrl, credential);
  const ledgerTable =
    storage.auth === 'account-key'
      ? new TableClient(
          tableUrl,
          storage.ledgerTable,
          new AzureNamedKeyCredential(storage.accountName, storage.accountKey ?? ''),
          { allowInsecureConnection: plainHttpTable },
        )
      : new TableClient(tableUrl, storage.ledgerTable, credential, {
          allowInsecureConnection: plainHttpTable,
        });
  const container = blobService.getContainerClient(storage.container);
  return { blobService, container, ledgerTable, containerUrl: container.url };
}
