import type { AppConfig, HsmStorageAccess, StorageAuth } from './AppConfig';
import { ConfigurationError } from './ConfigurationError';
import { isLoopbackHost, SettingReader, type SettingsSource } from './settingReaders';
import { CronSyntaxError, parseNcrontab, type CronSchedule } from '../schedule/ncrontab';
import { readRetentionSettings } from '../retention/readRetentionSettings';
import { readFileSync } from 'node:fs';

/** Managed HSM data-plane domains of the Azure clouds. */
const managedHsmDomains = [
  'managedhsm.azure.net',
  'managedhsm.usgovcloudapi.net',
  'managedhsm.azure.cn',
] as const;

/** API versions of the backup/restore operations this client has been written against. */
export const supportedApiVersions = [
  '7.2',
  '7.3',
  '7.4',
  '7.5',
  '7.6',
  '2025-07-01',
  '2026-01-01-preview',
] as const;

export const defaultSchedule = '0 0 2 * * *';

const minute = 60_000;
const hour = 60 * minute;

/**
 * Validates every setting into one read-only object. All problems are reported together in one
 * ConfigurationError whose message names each bad setting and the form it accepts.
 */
export function loadConfig(source: SettingsSource): AppConfig {
  const read = new SettingReader(source);
  const hsm = readHsm(read);
  const storage = readStorage(read);
  const schedule = readSchedule(read);
  const retention = readRetentionSettings(read);
  const polling = {
    firstIntervalMs: read.duration('BACKUP_POLL_INTERVAL', 10_000, 1000, hour),
    maxIntervalMs: read.duration('BACKUP_POLL_MAX_INTERVAL', 5 * minute, 1000, 6 * hour),
    deadlineMs: read.duration('BACKUP_DEADLINE', 6 * hour, 5000, 7 * 24 * hour),
  };
  if (polling.maxIntervalMs < polling.firstIntervalMs) {
    read.fail(
      ['BACKUP_POLL_MAX_INTERVAL', 'BACKUP_POLL_INTERVAL'],
      'BACKUP_POLL_MAX_INTERVAL must not be shorter than BACKUP_POLL_INTERVAL.',
    );
  }
  const credential = readCredential(read, hsm?.url, storage?.blobUrl);
  const restore = readRestore(read);
  const telemetry = readTelemetry(read);
  const historyRetentionMs = read.integer('HISTORY_RETENTION_DAYS', 30, 1, 3650) * 86_400_000;
  const taskHub = read.raw('DURABLE_TASK_HUB') ?? 'hsmbackup';
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(taskHub)) {
    read.fail(
      'DURABLE_TASK_HUB',
      `DURABLE_TASK_HUB must be 3 to 45 letters and digits, starting with a letter; got ` +
        `"${taskHub}".`,
    );
  }

  if (read.problems.length > 0 || !hsm || !storage || !schedule) {
    throw combine(read.problems);
  }
  return deepFreeze({
    hsm,
    storage,
    schedule,
    retention,
    polling,
    credential,
    restore,
    taskHub,
    historyRetentionMs,
    telemetry,
  });
}

function readHsm(read: SettingReader): AppConfig['hsm'] | undefined {
  const text = read.required('HSM_URL', 'the HSM URL, e.g. https://contoso.managedhsm.azure.net');
  const url = text === undefined ? undefined : read.url('HSM_URL', text);
  const apiVersion = read.oneOf('HSM_API_VERSION', supportedApiVersions, '2025-07-01');
  const requestTimeoutMs = read.duration('HSM_REQUEST_TIMEOUT', 60_000, 1000, 10 * minute);
  const storageAccess = read.oneOf<HsmStorageAccess>(
    'HSM_STORAGE_ACCESS',
    ['sas', 'managed-identity'],
    'sas',
  );
  const caCertPem = readCaCert(read);
  if (!url) return undefined;
  if (url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash || url.username) {
    return read.fail(
      'HSM_URL',
      `HSM_URL must be an https URL with no path, query or credentials, ` +
        `e.g. https://contoso.managedhsm.azure.net; got "${text}".`,
    );
  }
  const domain = managedHsmDomains.find((d) => url.hostname.endsWith(`.${d}`));
  const loopback = isLoopbackHost(url.hostname);
  if (!domain && !loopback) {
    return read.fail(
      'HSM_URL',
      `HSM_URL must be a Managed HSM endpoint (<name>.${managedHsmDomains.join(' or <name>.')}) ` +
        `or a loopback emulator; got host "${url.hostname}".`,
    );
  }
  const derivedName = domain ? url.hostname.slice(0, -domain.length - 1) : undefined;
  const name = read.raw('HSM_NAME') ?? derivedName;
  if (name === undefined) {
    return read.fail(
      'HSM_NAME',
      `HSM_NAME is required when HSM_URL is not of the form ` +
        `https://<name>.${managedHsmDomains[0]}.`,
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(name) || name.includes('--')) {
    return read.fail(
      'HSM_NAME',
      `HSM_NAME must be 3 to 24 letters, digits and single hyphens, starting with a letter and ` +
        `not ending with a hyphen; got "${name}".`,
    );
  }
  if (derivedName !== undefined && name.toLowerCase() !== derivedName.toLowerCase()) {
    return read.fail(
      ['HSM_NAME', 'HSM_URL'],
      `HSM_NAME "${name}" does not match the name in HSM_URL ("${derivedName}"); leave HSM_NAME ` +
        `unset or make them agree.`,
    );
  }
  return {
    url,
    name: name.toLowerCase(),
    apiVersion,
    verifyChallengeResource: !loopback,
    requestTimeoutMs,
    caCertPem,
    storageAccess,
  };
}

function readCaCert(read: SettingReader): string | undefined {
  const path = read.raw('HSM_CA_CERT_FILE');
  if (path === undefined) return undefined;
  try {
    const pem = readFileSync(path, 'utf8');
    if (pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
  } catch {
    // Reported below with the same message as a file that is not a certificate.
  }
  return read.fail(
    'HSM_CA_CERT_FILE',
    `HSM_CA_CERT_FILE must name a readable PEM certificate file; "${path}" is not one.`,
  );
}

function readStorage(read: SettingReader): AppConfig['storage'] | undefined {
  const text = read.required(
    'BACKUP_STORAGE_URL',
    'the blob service endpoint, e.g. https://contosobackups.blob.core.windows.net',
  );
  const container = read.required('BACKUP_CONTAINER', 'the backup container name');
  const auth = read.oneOf<StorageAuth>(
    'BACKUP_STORAGE_AUTH',
    ['user-delegation', 'account-key'],
    'user-delegation',
  );
  const accountKey = read.raw('BACKUP_STORAGE_ACCOUNT_KEY');
  const ledgerTable = read.raw('LEDGER_TABLE') ?? 'hsmbackupledger';
  const blobUrl = text === undefined ? undefined : read.url('BACKUP_STORAGE_URL', text);

  if (container !== undefined && !isContainerName(container)) {
    read.fail(
      'BACKUP_CONTAINER',
      `BACKUP_CONTAINER must be 3 to 63 lowercase letters, digits and single hyphens, starting ` +
        `and ending with a letter or digit; got "${container}".`,
    );
  }
  if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(ledgerTable)) {
    read.fail(
      'LEDGER_TABLE',
      `LEDGER_TABLE must be 3 to 63 letters and digits, starting with a letter; got ` +
        `"${ledgerTable}".`,
    );
  }
  if (auth === 'account-key' && accountKey === undefined) {
    read.fail(
      ['BACKUP_STORAGE_AUTH', 'BACKUP_STORAGE_ACCOUNT_KEY'],
      'BACKUP_STORAGE_AUTH=account-key needs BACKUP_STORAGE_ACCOUNT_KEY (the storage account ' +
        'key); prefer BACKUP_STORAGE_AUTH=user-delegation with the app identity.',
    );
  }
  if (auth === 'user-delegation' && accountKey !== undefined) {
    read.fail(
      ['BACKUP_STORAGE_AUTH', 'BACKUP_STORAGE_ACCOUNT_KEY'],
      'BACKUP_STORAGE_ACCOUNT_KEY is set but BACKUP_STORAGE_AUTH is user-delegation: remove the ' +
        'key from the settings, or set BACKUP_STORAGE_AUTH=account-key to use it.',
    );
  }
  if (!blobUrl || container === undefined) return undefined;

  const loopback = isLoopbackHost(blobUrl.hostname);
  if (blobUrl.protocol !== 'https:' && !(loopback && blobUrl.protocol === 'http:')) {
    return read.fail(
      'BACKUP_STORAGE_URL',
      `BACKUP_STORAGE_URL must use https (plain http is accepted only for a loopback emulator); ` +
        `got "${text}".`,
    );
  }
  if (blobUrl.search || blobUrl.hash || blobUrl.username) {
    return read.fail(
      'BACKUP_STORAGE_URL',
      'BACKUP_STORAGE_URL must not carry a query (a SAS), fragment or credentials: the app ' +
        'mints its own short-lived SAS.',
    );
  }
  if (auth === 'user-delegation' && blobUrl.protocol !== 'https:') {
    return read.fail(
      ['BACKUP_STORAGE_AUTH', 'BACKUP_STORAGE_URL'],
      'BACKUP_STORAGE_AUTH=user-delegation needs an https BACKUP_STORAGE_URL: user-delegation ' +
        'keys are only issued over https.',
    );
  }
  const accountName = readAccountName(read, blobUrl);
  const tableUrl = readTableUrl(read, blobUrl);
  if (!accountName || !tableUrl) return undefined;
  return {
    blobUrl: withoutTrailingSlash(blobUrl),
    accountName,
    container,
    auth,
    accountKey: auth === 'account-key' ? accountKey : undefined,
    tableUrl,
    ledgerTable,
  };
}

function isContainerName(name: string): boolean {
  return /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

/** Azure endpoints carry the account in the host; emulators carry it as the first path segment. */
function readAccountName(read: SettingReader, blobUrl: URL): string | undefined {
  const explicit = read.raw('BACKUP_STORAGE_ACCOUNT_NAME');
  if (explicit !== undefined) return explicit;
  const fromHost = /^([a-z0-9]{3,24})\.blob\./.exec(blobUrl.hostname)?.[1];
  const fromPath = blobUrl.pathname.split('/').filter(Boolean)[0];
  const name = fromHost ?? fromPath;
  if (name === undefined) {
    return read.fail(
      'BACKUP_STORAGE_ACCOUNT_NAME',
      'BACKUP_STORAGE_ACCOUNT_NAME is required when BACKUP_STORAGE_URL does not name the account ' +
        '(https://<account>.blob.core.windows.net or http://127.0.0.1:10000/<account>).',
    );
  }
  return name;
}

function readTableUrl(read: SettingReader, blobUrl: URL): URL | undefined {
  const text = read.raw('LEDGER_STORAGE_URL');
  if (text === undefined) {
    if (blobUrl.hostname.includes('.blob.')) {
      const derived = new URL(blobUrl.href);
      derived.hostname = blobUrl.hostname.replace('.blob.', '.table.');
      return withoutTrailingSlash(derived);
    }
    return read.fail(
      'LEDGER_STORAGE_URL',
      'LEDGER_STORAGE_URL (the table service endpoint of the ledger) is required when ' +
        'BACKUP_STORAGE_URL is not of the form https://<account>.blob.<suffix>.',
    );
  }
  const url = read.url('LEDGER_STORAGE_URL', text);
  if (!url) return undefined;
  if (url.protocol !== 'https:' && !(isLoopbackHost(url.hostname) && url.protocol === 'http:')) {
    return read.fail(
      'LEDGER_STORAGE_URL',
      `LEDGER_STORAGE_URL must use https (plain http only for a loopback emulator); got "${text}".`,
    );
  }
  if (url.search || url.username) {
    return read.fail(
      'LEDGER_STORAGE_URL',
      'LEDGER_STORAGE_URL must not carry a query or credentials.',
    );
  }
  return withoutTrailingSlash(url);
}

function readSchedule(read: SettingReader): CronSchedule | undefined {
  const expression = read.raw('BACKUP_SCHEDULE') ?? defaultSchedule;
  try {
    return parseNcrontab(expression);
  } catch (error) {
    if (!(error instanceof CronSyntaxError)) throw error;
    return read.fail(
      'BACKUP_SCHEDULE',
      `BACKUP_SCHEDULE must be an NCRONTAB expression such as "0 0 2 * * *" (second minute hour ` +
        `day month day-of-week, UTC); "${expression}" is not one: ${error.message}.`,
    );
  }
}

function readCredential(
  read: SettingReader,
  hsmUrl: URL | undefined,
  blobUrl: URL | undefined,
): AppConfig['credential'] {
  if (!read.boolean('LOCAL_STATIC_CREDENTIAL', false)) {
    return { kind: 'managed-identity', clientId: read.raw('AZURE_CLIENT_ID') };
  }
  const remote = [hsmUrl, blobUrl].filter((url) => url && !isLoopbackHost(url.hostname));
  if (remote.length > 0) {
    read.fail(
      'LOCAL_STATIC_CREDENTIAL',
      'LOCAL_STATIC_CREDENTIAL=true is for a loopback emulator only; HSM_URL and ' +
        'BACKUP_STORAGE_URL must then both be loopback addresses.',
    );
  }
  return { kind: 'local-static' };
}

function readRestore(read: SettingReader): AppConfig['restore'] {
  const enabled = read.boolean('RESTORE_ENABLED', false);
  // The service demands a full backup within the last 30 minutes: the limit may be tightened,
  // never loosened.
  const maxBackupAgeMs = read.integer('RESTORE_MAX_BACKUP_AGE_MINUTES', 30, 1, 30) * 60_000;
  const rolesText = read.raw('RESTORE_ALLOWED_ROLES');
  const allowedRoles = rolesText === undefined ? [] : rolesText.split(',').map((r) => r.trim());
  if (allowedRoles.some((role) => !/^[A-Za-z0-9._-]{1,120}$/.test(role))) {
    read.fail(
      'RESTORE_ALLOWED_ROLES',
      `RESTORE_ALLOWED_ROLES must be a comma-separated list of app role names (letters, digits, ` +
        `'.', '_', '-'); got "${rolesText}".`,
    );
  }
  // The principal header that roles are read from can be forged by any caller unless App Service
  // authentication sits in front of the app and strips it. App Service sets WEBSITE_AUTH_ENABLED
  // itself, spelled "True", so any casing of true counts.
  const appServiceAuth = read.raw('WEBSITE_AUTH_ENABLED')?.toLowerCase() === 'true';
  if (allowedRoles.length > 0 && !appServiceAuth) {
    read.fail(
      ['RESTORE_ALLOWED_ROLES', 'WEBSITE_AUTH_ENABLED'],
      'RESTORE_ALLOWED_ROLES is set but App Service authentication is off ' +
        '(WEBSITE_AUTH_ENABLED is not "true"): the principal header could be forged. Turn on ' +
        'App Service authentication, or unset RESTORE_ALLOWED_ROLES.',
    );
  }
  return { enabled, maxBackupAgeMs, allowedRoles };
}

function readTelemetry(read: SettingReader): AppConfig['telemetry'] {
  const connectionString = read.raw('APPLICATIONINSIGHTS_CONNECTION_STRING');
  const hours = read.raw('ALERT_MAX_BACKUP_AGE_HOURS');
  const maxBackupAgeMs =
    hours === undefined ? undefined : read.integer('ALERT_MAX_BACKUP_AGE_HOURS', 0, 1, 8760) * hour;
  // The value itself is never quoted back: it is treated as a secret.
  if (
    connectionString !== undefined &&
    !/(^|;)\s*InstrumentationKey=[^;]+/i.test(connectionString)
  ) {
    read.fail(
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_CONNECTION_STRING must be the connection string of an Application ' +
        'Insights resource (InstrumentationKey=...;IngestionEndpoint=...); leave it unset ' +
        'for no telemetry.',
    );
  }
  return {
    connectionString,
    maxBackupAgeMs: maxBackupAgeMs || undefined,
    entraAuth: readEntraAuth(read),
  };
}

/** `Authorization=AAD` (and optionally `;ClientId=<guid>`), as the Functions host reads it. */
function readEntraAuth(read: SettingReader): AppConfig['telemetry']['entraAuth'] {
  const text = read.raw('APPLICATIONINSIGHTS_AUTHENTICATION_STRING');
  if (text === undefined) return undefined;
  const parts = new Map(
    text.split(';').map((part) => {
      const [key, ...value] = part.split('=');
      return [key.trim().toLowerCase(), value.join('=').trim()] as const;
    }),
  );
  if (parts.get('authorization')?.toUpperCase() !== 'AAD') {
    return read.fail(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
      `APPLICATIONINSIGHTS_AUTHENTICATION_STRING must be "Authorization=AAD" (optionally ` +
        `";ClientId=<client id>"); got "${text}".`,
    );
  }
  return { clientId: parts.get('clientid') || undefined };
}

function withoutTrailingSlash(url: URL): URL {
  const copy = new URL(url.href);
  copy.pathname = copy.pathname.replace(/\/+$/, '');
  return copy;
}

function combine(problems: readonly ConfigurationError[]): ConfigurationError {
  if (problems.length === 1) return problems[0];
  return new ConfigurationError(
    problems.flatMap((p) => p.settings),
    `${problems.length} settings are wrong:\n` + problems.map((p) => `- ${p.message}`).join('\n'),
  );
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof URL)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
