import { devAccountKey, type RunningAzurite } from '../storage/startAzurite';

/** Settings the sandbox always sets: they wire the app to the parts it started. */
export function wiringSettings(
  azurite: RunningAzurite,
  hsm: { readonly url: string; readonly name: string; readonly caCertFile?: string },
): Record<string, string> {
  return {
    HSM_URL: hsm.url,
    HSM_NAME: hsm.name,
    ...(hsm.caCertFile ? { HSM_CA_CERT_FILE: hsm.caCertFile } : {}),
    BACKUP_STORAGE_URL: azurite.blobUrl,
    LEDGER_STORAGE_URL: azurite.tableUrl,
    BACKUP_STORAGE_AUTH: 'account-key',
    BACKUP_STORAGE_ACCOUNT_KEY: devAccountKey,
    LOCAL_STATIC_CREDENTIAL: 'true',
  };
}

/** Defaults that make a sandbox cycle take seconds; any of them can be overridden from the env. */
export const sandboxDefaults: Readonly<Record<string, string>> = {
  HSM_NAME: 'contoso',
  BACKUP_CONTAINER: 'hsm-backups',
  LEDGER_TABLE: 'hsmbackupledger',
  DURABLE_TASK_HUB: 'sandbox',
  BACKUP_POLL_INTERVAL: '1s',
  BACKUP_POLL_MAX_INTERVAL: '2s',
  BACKUP_DEADLINE: '2m',
  // Restores are off in Azure unless turned on; the sandbox is where operators try them.
  RESTORE_ENABLED: 'true',
};

/** Applies defaults for unset settings, then the wiring (which always wins). */
export function applySettings(env: NodeJS.ProcessEnv, wiring: Record<string, string>): void {
  for (const [name, value] of Object.entries(sandboxDefaults)) {
    if (env[name] === undefined || env[name] === '') env[name] = value;
  }
  Object.assign(env, wiring);
}
