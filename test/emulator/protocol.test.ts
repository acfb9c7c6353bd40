import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { startAzuriteForEmulatorTests, type AzuriteForTests } from './azuriteForEmulatorTests';
import { callHsm, statusPathOf, TEST_TOKEN, waitForJob } from './hsmTestClient';

const TENANT = '72f988bf-0000-4000-8000-000000000001';
const CHALLENGE =
  `Bearer authorization="https://login.microsoftonline.com/${TENANT}", ` +
  'resource="https://managedhsm.azure.net"';

let azurite: AzuriteForTests;
let emulator: RunningEmulator;
let logLines: string[];

beforeAll(async () => {
  azurite = await startAzuriteForEmulatorTests();
  await azurite.createContainer('backups');
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  logLines = [];
  emulator = await startEmulator({
    hsmName: 'contoso',
    jobDurationMs: 20,
    tenantId: TENANT,
    log: (line) => logLines.push(line),
  });
});
afterEach(async () => {
  await emulator?.stop();
});

function backupBody(): Record<string, unknown> {
  return {
    storageResourceUri: azurite.containerUri('backups'),
    token: azurite.containerSas('backups', 'rcwd'),
  };
}

describe('challenge authentication', () => {
  it(
    'answers a body-less first request with ' + '401, an empty body and the exact challenge',
    async () => {
      const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', { token: null });

      expect(response.status).toBe(401);
      expect(response.text).toBe('');
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      expect(emulator.stats().acceptedBackupStarts).toBe(0);
    },
  );

  it(
    'challenges every operation, status polls ' + 'included, when no bearer token is sent',
    async () => {
      for (const [method, path] of [
        ['GET', '/backup/0123456789abcdef0123456789abcdef/pending'],
        ['GET', '/restore/0123456789abcdef0123456789abcdef/pending'],
        ['PUT', '/restore?api-version=7.5'],
        ['PUT', '/keys/k1/restore?api-version=7.5'],
        ['POST', '/prebackup?api-version=2025-07-01'],
      ]) {
        const response = await callHsm(emulator, method, path, { token: null });
        expect([method, path, response.status]).toEqual([method, path, 401]);
        expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      }
    },
  );

  it('starts the backup once the same request is resent with a token and its body', async () => {
    await callHsm(emulator, 'POST', '/backup?api-version=7.6', { token: null });
    const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: backupBody(),
    });

    expect(response.status).toBe(202);
    expect(emulator.stats().acceptedBackupStarts).toBe(1);
  });

  it('refuses a token the acceptToken predicate rejects, with the challenge again', async () => {
    const strict = await startEmulator({
      hsmName: 'contoso',
      tenantId: TENANT,
      acceptToken: (token) => token === 'the-good-one',
    });
    try {
      const refused = await callHsm(strict, 'POST', '/backup?api-version=7.6', {
        body: backupBody(),
        token: 'a-bad-one',
      });
      const accepted = await callHsm(strict, 'POST', '/backup?api-version=7.6', {
        body: backupBody(),
        token: 'the-good-one',
      });

      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toBe(CHALLENGE);
      expect(accepted.status).toBe(202);
    } finally {
      await strict.stop();
    }
  });
});

describe('start calls', () => {
  it(
    'answers 202 with an absolute Azure-AsyncOperation URL without api-version, and ' +
      'Retry-After',
    async () => {
      const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
        body: backupBody(),
      });
      const job = response.json();

      expect(response.status).toBe(202);
      expect(job.jobId).toMatch(/^[0-9a-f]{32}$/);
      expect(response.headers['azure-asyncoperation']).toBe(
        `${emulator.url}/backup/${String(job.jobId)}/pending`,
      );
      expect(response.headers['retry-after']).toBe('1');
      expect(job).toMatchObject({
        status: 'InProgress',
        statusDetails: null,
        error: null,
        endTime: null,
        azureStorageBlobContainerUri: null,
      });
      expect(Number.isInteger(job.startTime)).toBe(true);
    },
  );

  it('refuses a start call without api-version with 400 and error JSON', async () => {
    const response = await callHsm(emulator, 'POST', '/backup', { body: backupBody() });

    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      error: {
        code: 'BadParameter',
        message: expect.stringMatching(/api-version/),
        innererror: null,
      },
    });
    expect(emulator.stats().acceptedBackupStarts).toBe(0);
  });

  it('accepts status polls with or without api-version', async () => {
    const started = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: backupBody(),
    });
    const statusPath = statusPathOf(started);

    expect((await callHsm(emulator, 'GET', statusPath)).status).toBe(200);
    expect((await callHsm(emulator, 'GET', `${statusPath}?api-version=7.6`)).status).toBe(200);
  });

  it.each([
    ['no storageResourceUri', { token: 'se=2030-01-01&sig=x' }],
    ['neither token nor useManagedIdentity', { storageResourceUri: 'http://127.0.0.1:1/a/c' }],
    [
      'useManagedIdentity false and no token',
      { storageResourceUri: 'http://127.0.0.1:1/a/c', useManagedIdentity: false },
    ],
    [
      'a storageResourceUri that is not a URL',
      { storageResourceUri: 'backups', token: 'se=2030-01-01&sig=x' },
    ],
    ['a body that is not an object', ['storageResourceUri']],
  ])('refuses a backup body with %s (400)', async (_case, body) => {
    const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', { body });

    expect(response.status).toBe(400);
    expect(response.json()).toHaveProperty('error.code', 'BadParameter');
  });

  it('refuses a body-less start call that carries a token (400)', async () => {
    const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6');
    expect(response.status).toBe(400);
  });

  it.each([
    ['has no se field', 'sv=2024-08-04&sr=c&sp=rcwd&sig=abc'],
    ['has an se that is not a date', 'sv=2024-08-04&se=tomorrow&sr=c&sp=rcwd&sig=abc'],
    ['is not a query string', 'this is not a sas'],
    ['is empty', ''],
  ])(
    'refuses synchronously a SAS that %s: 400 BadRequest, nothing started',
    async (_case, token) => {
      const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
        body: { storageResourceUri: azurite.containerUri('backups'), token },
      });

      expect(response.status).toBe(400);
      expect(response.json()).toEqual({
        error: {
          code: 'BadRequest',
          message: expect.stringContaining('SAS token is malformed'),
          innererror: null,
        },
      });
      expect(emulator.stats().acceptedBackupStarts).toBe(0);
    },
  );

  it('accepts a SAS with a leading "?" and uses it without the "?"', async () => {
    const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: { ...backupBody(), token: `?${azurite.containerSas('backups', 'rcwd')}` },
    });
    const job = await waitForJob(emulator, statusPathOf(response));

    expect(response.status).toBe(202);
    expect(job.status).toBe('Succeeded');
  });

  it.each(['7.2', '7.3', '7.4', '7.5'])(
    'refuses the pre-checks at api-version %s like an unknown operation (400)',
    async (version) => {
      const preBackup = await callHsm(emulator, 'POST', `/prebackup?api-version=${version}`, {
        body: backupBody(),
      });
      const preRestore = await callHsm(emulator, 'PUT', `/prerestore?api-version=${version}`, {
        body: { sasTokenParameters: backupBody(), folderToRestore: 'mhsm-contoso-x' },
      });

      expect([preBackup.status, preRestore.status]).toEqual([400, 400]);
      expect(preBackup.json()).toHaveProperty('error.code');
    },
  );

  it.each(['7.6', '2025-07-01', '2026-01-01-preview'])(
    'accepts the pre-checks at api-version %s, polled on the backup and restore status paths',
    async (version) => {
      const preBackup = await callHsm(emulator, 'POST', `/prebackup?api-version=${version}`, {
        body: backupBody(),
      });
      const preRestore = await callHsm(emulator, 'PUT', `/prerestore?api-version=${version}`, {
        body: { sasTokenParameters: backupBody(), folderToRestore: 'mhsm-contoso-x' },
      });

      expect([preBackup.status, preRestore.status]).toEqual([202, 202]);
      expect(statusPathOf(preBackup)).toMatch(/^\/backup\/[0-9a-f]{32}\/pending$/);
      expect(statusPathOf(preRestore)).toMatch(/^\/restore\/[0-9a-f]{32}\/pending$/);
    },
  );

  it('refuses an api-version it does not know', async () => {
    const response = await callHsm(emulator, 'POST', '/backup?api-version=7.1', {
      body: backupBody(),
    });
    expect(response.status).toBe(400);
  });

  it('answers an unknown operation with 400 and error JSON', async () => {
    const response = await callHsm(emulator, 'DELETE', '/backup?api-version=7.6');
    expect(response.status).toBe(400);
    expect(response.json()).toHaveProperty('error.code');
  });
});

describe('status polls', () => {
  it('answers 404 with error JSON for a job id it does not know', async () => {
    const response = await callHsm(
      emulator,
      'GET',
      '/backup/0123456789abcdef0123456789abcdef/pending',
    );

    expect(response.status).toBe(404);
    expect(response.json()).toHaveProperty('error.code', 'NotFound');
  });

  it('does not answer a backup job on the restore status path', async () => {
    const started = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: backupBody(),
    });
    const jobId = String(started.json().jobId);

    const response = await callHsm(emulator, 'GET', `/restore/${jobId}/pending`);
    expect(response.status).toBe(404);
  });
});

describe('introspection', () => {
  it('records every request without ever keeping a bearer token or a SAS', async () => {
    const sas = azurite.containerSas('backups', 'rcwd');
    const signature = new URLSearchParams(sas).get('sig') ?? 'no-signature';
    await callHsm(emulator, 'POST', '/backup?api-version=7.6', { token: null });
    const started = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: { storageResourceUri: azurite.containerUri('backups'), token: sas },
    });
    await waitForJob(emulator, statusPathOf(started));

    const stats = emulator.stats();
    const everything = JSON.stringify(stats) + logLines.join('\n');
    expect(stats.acceptedBackupStarts).toBe(1);
    expect(stats.requests.slice(0, 2)).toEqual([
      { method: 'POST', path: '/backup', apiVersion: '7.6', hadAuthorization: false, status: 401 },
      { method: 'POST', path: '/backup', apiVersion: '7.6', hadAuthorization: true, status: 202 },
    ]);
    for (const secret of [TEST_TOKEN, sas, signature, encodeURIComponent(signature), 'sig=']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('forgets what it recorded on resetStats', async () => {
    await callHsm(emulator, 'POST', '/backup?api-version=7.6', { body: backupBody() });
    emulator.resetStats();

    expect(emulator.stats()).toEqual({
      acceptedBackupStarts: 0,
      acceptedRestoreStarts: 0,
      acceptedKeyRestoreStarts: 0,
      acceptedPreBackupStarts: 0,
      acceptedPreRestoreStarts: 0,
      requests: [],
    });
  });
});
