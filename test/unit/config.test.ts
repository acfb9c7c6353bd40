import { ConfigurationError } from '../../shared/config/ConfigurationError';
import { loadConfig } from '../../shared/config/loadConfig';

const azureSettings = {
  HSM_URL: 'https://contoso.managedhsm.azure.net',
  BACKUP_STORAGE_URL: 'https://contosobackups.blob.core.windows.net',
  BACKUP_CONTAINER: 'hsm-backups',
};

function refusal(settings: Record<string, string>): ConfigurationError {
  try {
    loadConfig(settings);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('reads a minimal Azure configuration with production defaults', () => {
    const config = loadConfig(azureSettings);
    expect(config.hsm.name).toBe('contoso');
    expect(config.hsm.apiVersion).toBe('2025-07-01');
    expect(config.hsm.verifyChallengeResource).toBe(true);
    expect(config.storage.auth).toBe('user-delegation');
    expect(config.storage.accountName).toBe('contosobackups');
    expect(config.storage.tableUrl.href).toBe('https://contosobackups.table.core.windows.net/');
    expect(config.schedule.expression).toBe('0 0 2 * * *');
    expect(config.retention.keepLast).toBe(7);
    expect(config.credential).toEqual({ kind: 'managed-identity', clientId: undefined });
    expect(Object.isFrozen(config.polling)).toBe(true);
  });

  it('takes the HSM name from other clouds too', () => {
    const config = loadConfig({
      ...azureSettings,
      HSM_URL: 'https://gov-hsm.managedhsm.usgovcloudapi.net/',
    });
    expect(config.hsm.name).toBe('gov-hsm');
  });

  it('reads a loopback emulator configuration with an explicit HSM name', () => {
    const config = loadConfig({
      HSM_URL: 'https://127.0.0.1:8443',
      HSM_NAME: 'contoso-dr',
      BACKUP_STORAGE_URL: 'http://127.0.0.1:10000/devstoreaccount1',
      LEDGER_STORAGE_URL: 'http://127.0.0.1:10002/devstoreaccount1',
      BACKUP_CONTAINER: 'backups',
      BACKUP_STORAGE_AUTH: 'account-key',
      BACKUP_STORAGE_ACCOUNT_KEY: 'a2V5',
      LOCAL_STATIC_CREDENTIAL: 'true',
    });
    expect(config.hsm.name).toBe('contoso-dr');
    expect(config.hsm.verifyChallengeResource).toBe(false);
    expect(config.storage.accountName).toBe('devstoreaccount1');
    expect(config.credential.kind).toBe('local-static');
  });

  it.each([
    ['HSM_URL', { HSM_URL: undefined }, 'HSM_URL is required'],
    ['HSM_URL', { HSM_URL: 'http://contoso.managedhsm.azure.net' }, 'https URL'],
    ['HSM_URL', { HSM_URL: 'https://contoso.vault.azure.net' }, 'Managed HSM endpoint'],
    ['HSM_URL', { HSM_URL: 'https://contoso.managedhsm.azure.net/keys' }, 'no path'],
    ['HSM_NAME', { HSM_URL: 'https://127.0.0.1:8443' }, 'HSM_NAME is required'],
    ['HSM_NAME', { HSM_NAME: 'other' }, 'does not match'],
    ['HSM_API_VERSION', { HSM_API_VERSION: '7.1' }, 'one of 7.2'],
    ['BACKUP_CONTAINER', { BACKUP_CONTAINER: 'Backups_1' }, 'lowercase'],
    ['BACKUP_STORAGE_URL', { BACKUP_STORAGE_URL: 'http://acct.blob.core.windows.net' }, 'https'],
    [
      'BACKUP_STORAGE_URL',
      { BACKUP_STORAGE_URL: 'https://a.blob.core.windows.net?sv=x&sig=y' },
      'SAS',
    ],
    ['BACKUP_SCHEDULE', { BACKUP_SCHEDULE: '0 0 25 * * *' }, 'hour value "25"'],
    ['BACKUP_SCHEDULE', { BACKUP_SCHEDULE: 'nightly' }, 'expected 6 fields'],
    ['BACKUP_SCHEDULE', { BACKUP_SCHEDULE: '02:00:00' }, 'TimeSpan'],
    ['RETENTION_KEEP_LAST', { RETENTION_KEEP_LAST: '0' }, 'from 1 to'],
    ['RETENTION_KEEP_LAST', { RETENTION_KEEP_LAST: 'seven' }, 'whole number'],
    ['BACKUP_DEADLINE', { BACKUP_DEADLINE: '30' }, 'duration such as'],
    [
      'BACKUP_STORAGE_ACCOUNT_KEY',
      { BACKUP_STORAGE_AUTH: 'account-key' },
      'needs BACKUP_STORAGE_ACCOUNT_KEY',
    ],
    ['BACKUP_STORAGE_ACCOUNT_KEY', { BACKUP_STORAGE_ACCOUNT_KEY: 'a2V5' }, 'remove the key'],
    ['LOCAL_STATIC_CREDENTIAL', { LOCAL_STATIC_CREDENTIAL: 'true' }, 'loopback emulator only'],
    ['LOCAL_STATIC_CREDENTIAL', { LOCAL_STATIC_CREDENTIAL: 'yes' }, '"true" or "false"'],
    ['DURABLE_TASK_HUB', { DURABLE_TASK_HUB: 'hub-1' }, 'letters and digits'],
  ])('refuses a bad %s, naming it', (setting, change, phrase) => {
    const settings = { ...azureSettings, ...change } as Record<string, string>;
    const error = refusal(settings);
    expect(error.settings).toContain(setting);
    expect(error.message).toContain(setting);
    expect(error.message).toContain(phrase);
  });

  it('reports every bad setting at once', () => {
    const error = refusal({
      ...azureSettings,
      RETENTION_KEEP_LAST: '0',
      BACKUP_POLL_INTERVAL: 'x',
    });
    expect(error.settings).toEqual(
      expect.arrayContaining(['RETENTION_KEEP_LAST', 'BACKUP_POLL_INTERVAL']),
    );
    expect(error.message).toMatch(/^2 settings are wrong/);
  });

  it('user-delegation signing refuses a plain-http storage endpoint', () => {
    const error = refusal({
      ...azureSettings,
      HSM_URL: 'https://127.0.0.1:8443',
      HSM_NAME: 'emu',
      BACKUP_STORAGE_URL: 'http://127.0.0.1:10000/devstoreaccount1',
      LEDGER_STORAGE_URL: 'http://127.0.0.1:10002/devstoreaccount1',
    });
    expect(error.settings).toEqual(['BACKUP_STORAGE_AUTH', 'BACKUP_STORAGE_URL']);
  });

  it('never puts the account key in an error message', () => {
    const key = 'c2VjcmV0LWFjY291bnQta2V5';
    const error = refusal({
      ...azureSettings,
      BACKUP_STORAGE_ACCOUNT_KEY: key,
      RETENTION_KEEP_LAST: '-1',
    });
    expect(error.message).not.toContain(key);
  });
});
