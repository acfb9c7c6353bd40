import { randomBytes } from 'node:crypto';
import type { RunningAzurite } from './azurite';
import { devAccountKey } from './azurite';

/** App settings pointing at a test Azurite and a loopback HSM, as the sandbox would set them. */
export function localAppSettings(
  azurite: RunningAzurite,
  hsm: { url: string; name: string; caCertFile?: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HSM_URL: hsm.url,
    HSM_NAME: hsm.name,
    ...(hsm.caCertFile ? { HSM_CA_CERT_FILE: hsm.caCertFile } : {}),
    BACKUP_STORAGE_URL: azurite.blobUrl,
    LEDGER_STORAGE_URL: azurite.tableUrl,
    BACKUP_CONTAINER: `backups-${randomBytes(4).toString('hex')}`,
    LEDGER_TABLE: `ledger${randomBytes(4).toString('hex')}`,
    BACKUP_STORAGE_AUTH: 'account-key',
    BACKUP_STORAGE_ACCOUNT_KEY: devAccountKey,
    LOCAL_STATIC_CREDENTIAL: 'true',
    BACKUP_POLL_INTERVAL: '1s',
    BACKUP_POLL_MAX_INTERVAL: '2s',
    BACKUP_DEADLINE: '60s',
    ...extra,
  };
}
