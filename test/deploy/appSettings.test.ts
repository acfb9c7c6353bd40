import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../shared/config/loadConfig';
import { ConfigurationError } from '../../shared/config/ConfigurationError';
import { at, byKind, isObject, textOf, BicepExpression, type BicepValue } from './bicepModel';
import { loadInfra, repoRoot, type Infra } from './infraFiles';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

let infra: Infra;

beforeAll(async () => {
  infra = await loadInfra();
});

/** Values of what only Azure knows at deployment time, as a real deployment would see them. */
const deploymentValues: Record<string, string> = {
  'environment().suffixes.storage': 'core.windows.net',
  'hostStorage.properties.primaryEndpoints.blob': 'https://sthbexample.blob.core.windows.net/',
  'hostStorage.properties.primaryEndpoints.queue': 'https://sthbexample.queue.core.windows.net/',
  'hostStorage.properties.primaryEndpoints.table': 'https://sthbexample.table.core.windows.net/',
  'appInsights.properties.ConnectionString':
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://' +
    'example.invalid/',
};

/** The required parameters, as an HSM owner would give them. */
const requiredParameters: Record<string, BicepValue> = {
  hsmName: 'contoso',
  backupStorageAccountName: 'contosohsmbackups',
};

/**
 * The app settings the templates give the Function App, with parameters at their defaults unless
 * overridden. Only the few expression shapes the templates use are evaluated; anything else
 * fails the test, so a new shape is noticed rather than guessed.
 */
function appSettings(overrides: Record<string, BicepValue> = {}): Record<string, string> {
  const params = byKind(infra.file('main.bicep'), 'param');
  const vars = byKind(infra.file('main.bicep'), 'var');
  const evaluate = (value: BicepValue | undefined): BicepValue => {
    if (!(value instanceof BicepExpression)) return value ?? null;
    const text = value.text;
    if (text in deploymentValues) return deploymentValues[text];
    if (/^\w+$/.test(text)) {
      if (text in overrides) return overrides[text];
      if (text in requiredParameters) return requiredParameters[text];
      const declared = params.get(text) ?? vars.get(text);
      if (declared?.value !== undefined) return evaluate(declared.value);
    }
    const ternary = /^(\w+) \? '([^']*)' : '([^']*)'$/.exec(text);
    if (ternary)
      return evaluate(new BicepExpression(ternary[1])) === true ? ternary[2] : ternary[3];
    if (/^'.*'$/s.test(text)) {
      return text
        .slice(1, -1)
        .replace(/\$\{([^}]+)\}/g, (_, inner: string) =>
          String(evaluate(new BicepExpression(inner))),
        );
    }
    throw new Error(`The test cannot evaluate the Bicep expression ${text}.`);
  };
  const fromMain = at(
    infra.declaration('main.bicep', 'module', 'functionApp').value,
    'params',
    'hsmSettings',
  );
  const fromModule = infra.declaration(
    'modules/functionApp.bicep',
    'var',
    'platformSettings',
  ).value;
  if (!isObject(fromMain) || !isObject(fromModule)) throw new Error('No app settings found.');
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...fromMain, ...fromModule })) {
    settings[name] = String(evaluate(value));
  }
  return settings;
}

function refusal(settings: Record<string, string>): ConfigurationError {
  try {
    loadConfig(settings);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('The configuration was accepted.');
}

describe('the app settings the templates give the Function App', () => {
  it('include everything the app needs in Azure', () => {
    expect(Object.keys(appSettings())).toEqual(
      expect.arrayContaining([
        'HSM_URL',
        'HSM_STORAGE_ACCESS',
        'BACKUP_STORAGE_URL',
        'BACKUP_CONTAINER',
        'BACKUP_STORAGE_AUTH',
        'LEDGER_TABLE',
        'BACKUP_SCHEDULE',
        'BACKUP_DEADLINE',
        'DURABLE_TASK_HUB',
        'RESTORE_ENABLED',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
        'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
        'AzureWebJobsStorage__credential',
        'AzureWebJobsStorage__blobServiceUri',
        'AzureWebJobsStorage__queueServiceUri',
        'AzureWebJobsStorage__tableServiceUri',
      ]),
    );
  });

  it(
    'include no key, no local-only setting and ' + 'no setting the Flex Consumption plan rejects',
    () => {
      const forbidden = [
        'AzureWebJobsStorage',
        'BACKUP_STORAGE_ACCOUNT_KEY',
        'LOCAL_STATIC_CREDENTIAL',
        'HSM_CA_CERT_FILE',
        'HSM_NAME',
        'FUNCTIONS_WORKER_RUNTIME',
        'FUNCTIONS_EXTENSION_VERSION',
        'WEBSITE_NODE_DEFAULT_VERSION',
        'WEBSITE_RUN_FROM_PACKAGE',
        'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING',
        'WEBSITE_CONTENTSHARE',
      ];
      expect(Object.keys(appSettings()).filter((name) => forbidden.includes(name))).toEqual([]);
    },
  );

  it('are each a setting the README documents, or one the Functions host reads', () => {
    const hostSettings =
      /^(AzureWebJobsStorage__\w+|APPLICATIONINSIGHTS_(CONNECTION|AUTHENTICATION)_STRING)$/;
    const unknown = Object.keys(appSettings()).filter(
      (name) => !hostSettings.test(name) && !readme.includes(`\`${name}\``),
    );
    expect(unknown).toEqual([]);
  });

  it(
    'are accepted by the app as they are, with user-delegation SAS over https and restores ' +
      'off',
    () => {
      const config = loadConfig(appSettings());
      expect(config.hsm.url.href).toBe('https://contoso.managedhsm.azure.net/');
      expect(config.hsm.name).toBe('contoso');
      expect(config.storage.auth).toBe('user-delegation');
      expect(config.storage.accountKey).toBeUndefined();
      expect(config.storage.blobUrl.protocol).toBe('https:');
      expect(config.storage.tableUrl.href).toBe(
        'https://contosohsmbackups.table.core.windows.net/',
      );
      expect(config.restore.enabled).toBe(false);
      expect(config.credential).toEqual({ kind: 'managed-identity', clientId: undefined });
    },
  );

  it('turn restores on only through the restoreEnabled parameter', () => {
    expect(appSettings().RESTORE_ENABLED).toBe('false');
    expect(appSettings({ restoreEnabled: true }).RESTORE_ENABLED).toBe('true');
    expect(loadConfig(appSettings({ restoreEnabled: true })).restore.enabled).toBe(true);
  });

  it('offer the managed-identity backup mode for storage behind a firewall', () => {
    const settings = appSettings({ hsmStorageAccess: 'managed-identity' });
    expect(loadConfig(settings).hsm.storageAccess).toBe('managed-identity');
  });

  it('cannot be overridden by extraAppSettings', () => {
    const union = textOf(
      at(
        infra.declaration('modules/functionApp.bicep', 'resource', 'appSettings').value,
        'properties',
      ),
    );
    // union() lets later objects win: the template's own settings come last.
    expect(union).toBe('union(extraAppSettings, hsmSettings, platformSettings)');
  });
});

describe('start-up with settings that cannot work in Azure', () => {
  it('refuses an account-key SAS without a key, naming both settings', () => {
    const error = refusal({ ...appSettings(), BACKUP_STORAGE_AUTH: 'account-key' });
    expect(error.settings).toEqual(['BACKUP_STORAGE_AUTH', 'BACKUP_STORAGE_ACCOUNT_KEY']);
    expect(error.message).toContain('BACKUP_STORAGE_ACCOUNT_KEY');
  });

  it('refuses a user-delegation SAS against a plain-http endpoint, naming both settings', () => {
    const error = refusal({
      ...appSettings(),
      HSM_URL: 'https://127.0.0.1:8443',
      HSM_NAME: 'contoso',
      BACKUP_STORAGE_URL: 'http://127.0.0.1:10000/devstoreaccount1',
      LEDGER_STORAGE_URL: 'http://127.0.0.1:10002/devstoreaccount1',
    });
    expect(error.settings).toEqual(['BACKUP_STORAGE_AUTH', 'BACKUP_STORAGE_URL']);
    expect(error.message).toContain('https');
  });

  it.each([
    ['unset', undefined],
    ['"false"', 'false'],
  ])(
    'refuses restore roles while App Service authentication is off (WEBSITE_AUTH_ENABLED %s)',
    (_, authEnabled) => {
      const settings: Record<string, string> = {
        ...appSettings({ restoreEnabled: true }),
        RESTORE_ALLOWED_ROLES: 'HsmRestoreOperator',
      };
      if (authEnabled !== undefined) settings.WEBSITE_AUTH_ENABLED = authEnabled;
      const error = refusal(settings);
      expect(error.settings).toEqual(['RESTORE_ALLOWED_ROLES', 'WEBSITE_AUTH_ENABLED']);
      expect(error.message).toContain('App Service authentication is off');
    },
  );

  it(
    'starts with restore roles once App Service authentication is on, as App Service spells ' +
      'it',
    () => {
      for (const spelling of ['True', 'true']) {
        const config = loadConfig({
          ...appSettings({ restoreEnabled: true }),
          RESTORE_ALLOWED_ROLES: 'HsmRestoreOperator',
          WEBSITE_AUTH_ENABLED: spelling,
        });
        expect(config.restore.allowedRoles).toEqual(['HsmRestoreOperator']);
      }
    },
  );
});
