import type { AppConfig } from '../config/AppConfig';
import { createCredential } from '../auth/createCredential';
import { ManagedHsmClient } from '../hsm/ManagedHsmClient';
import { BackupLedger } from '../ledger/BackupLedger';
import { LedgerTable } from '../ledger/LedgerTable';
import { OperationLock } from '../ledger/OperationLock';
import { RestoreLedger } from '../ledger/RestoreLedger';
import { createStorageClients, type StorageClients } from '../storage/storageClients';
import { appConfig } from './appConfig';

/** The app's adapters, built once per process from the configuration. */
export interface AppServices {
  readonly config: AppConfig;
  readonly hsm: ManagedHsmClient;
  readonly storage: StorageClients;
  readonly ledger: BackupLedger;
  readonly lock: OperationLock;
  readonly restores: RestoreLedger;
}

let services: AppServices | undefined;

export function appServices(): AppServices {
  services ??= createServices(appConfig());
  return services;
}

export function createServices(config: AppConfig): AppServices {
  const credential = createCredential(config.credential);
  const hsm = new ManagedHsmClient(config.hsm.url.href, credential, {
    apiVersion: config.hsm.apiVersion,
    disableChallengeResourceVerification: !config.hsm.verifyChallengeResource,
    requestTimeoutMs: config.hsm.requestTimeoutMs,
    caCertPem: config.hsm.caCertPem,
  });
  const storage = createStorageClients(config.storage, credential);
  const table = new LedgerTable(storage.ledgerTable);
  return {
    config,
    hsm,
    storage,
    ledger: new BackupLedger(table),
    lock: new OperationLock(table),
    restores: new RestoreLedger(table),
  };
}
