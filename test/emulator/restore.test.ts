import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { startAzuriteForEmulatorTests, type AzuriteForTests } from './azuriteForEmulatorTests';
import { callHsm, statusPathOf, waitForJob } from './hsmTestClient';

const CONTAINER = 'backups';
let azurite: AzuriteForTests;
let emulator: RunningEmulator;

beforeAll(async () => {
  azurite = await startAzuriteForEmulatorTests();
  await azurite.createContainer(CONTAINER);
});
afterAll(async () => {
  await azurite?.stop();
});
afterEach(async () => {
  await emulator?.stop();
});

function sasParameters(permissions: string) {
  return {
    storageResourceUri: azurite.containerUri(CONTAINER),
    token: azurite.containerSas(CONTAINER, permissions),
  };
}

/** Takes a backup and returns its folder name. */
async function backUp(): Promise<string> {
  const response = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
    body: sasParameters('rcwd'),
  });
  const job = await waitForJob(emulator, statusPathOf(response));
  expect(job.status).toBe('Succeeded');
  return String(job.azureStorageBlobContainerUri).split('/').pop() ?? '';
}

async function restoreFrom(folderToRestore: string, permissions = 'rl') {
  const response = await callHsm(emulator, 'PUT', '/restore?api-version=7.6', {
    body: { sasTokenParameters: sasParameters(permissions), folderToRestore },
  });
  expect(response.status).toBe(202);
  return { response, statusPath: statusPathOf(response) };
}

describe('a full restore', () => {
  it('returns the key set to exactly the backup’s state', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 20 });
    emulator.createKey('signing-key');
    emulator.rotateKey('signing-key');
    emulator.createKey('wrapping-key');
    const atBackup = emulator.keys();
    const folder = await backUp();

    emulator.rotateKey('signing-key');
    emulator.deleteKey('wrapping-key');
    emulator.createKey('created-after-backup');
    expect(emulator.keys()).not.toEqual(atBackup);

    const { response, statusPath } = await restoreFrom(folder);
    const job = await waitForJob(emulator, statusPath);

    expect(statusPath).toMatch(/^\/restore\/[0-9a-f]{32}\/pending$/);
    expect(response.headers['azure-asyncoperation']).toBe(`${emulator.url}${statusPath}`);
    expect(job).toEqual({
      status: 'Succeeded',
      statusDetails: null,
      error: null,
      startTime: expect.any(Number),
      endTime: expect.any(Number),
      jobId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(emulator.keys()).toEqual(atBackup);
    expect(emulator.stats().acceptedRestoreStarts).toBe(1);
  });

  it('refuses every other call while it runs, answering only the restore status poll', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 300 });
    emulator.createKey('k1');
    const backup = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: sasParameters('rcwd'),
    });
    const backupStatusPath = statusPathOf(backup);
    const folder = String(
      (await waitForJob(emulator, backupStatusPath)).azureStorageBlobContainerUri,
    )
      .split('/')
      .pop();

    const { statusPath } = await restoreFrom(String(folder));
    const duringRestore = await Promise.all([
      callHsm(emulator, 'POST', '/backup?api-version=7.6', { body: sasParameters('rcwd') }),
      callHsm(emulator, 'GET', backupStatusPath),
      callHsm(emulator, 'PUT', '/keys/k1/restore?api-version=7.6', {
        body: { sasTokenParameters: sasParameters('rl'), folder },
      }),
      callHsm(emulator, 'PUT', '/restore?api-version=7.6', {
        body: { sasTokenParameters: sasParameters('rl'), folderToRestore: folder },
      }),
    ]);
    const poll = await callHsm(emulator, 'GET', statusPath);
    await waitForJob(emulator, statusPath);
    const afterRestore = await callHsm(emulator, 'POST', '/backup?api-version=7.6', {
      body: sasParameters('rcwd'),
    });

    expect(duringRestore.map((r) => r.status)).toEqual([409, 409, 409, 409]);
    expect(duringRestore[0].json()).toHaveProperty('error.message');
    expect(poll.status).toBe(200);
    expect(afterRestore.status).toBe(202);
  });

  it(
    'fails a missing folder with the null-error ' + 'shape and the reason in statusDetails',
    async () => {
      emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
      emulator.createKey('k1');
      const before = emulator.keys();

      const job = await waitForJob(
        emulator,
        (await restoreFrom('mhsm-contoso-2020010100000000')).statusPath,
      );

      expect(job).toMatchObject({
        status: 'Failed',
        endTime: expect.any(Number),
        error: { code: null, message: null, innererror: null },
        statusDetails: expect.stringMatching(/^Invalid backup provided/),
      });
      expect(emulator.keys()).toEqual(before);
    },
  );

  it('fails when the SAS cannot list (rcwd), with storage’s 403 in statusDetails', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    const folder = await backUp();

    const job = await waitForJob(emulator, (await restoreFrom(folder, 'rcwd')).statusPath);

    expect(job).toMatchObject({
      status: 'Failed',
      error: { code: 'AuthorizationPermissionMismatch' },
      statusDetails: expect.stringContaining('403'),
    });
  });

  it('fails a folder whose blob was altered after the backup, as an invalid backup', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    const folder = await backUp();
    await azurite.service
      .getContainerClient(CONTAINER)
      .getBlockBlobClient(`${folder}/partition-1.bin`)
      .uploadData(Buffer.from('tampered'));

    const job = await waitForJob(emulator, (await restoreFrom(folder)).statusPath);

    expect(job).toMatchObject({ status: 'Failed', error: { code: null } });
    expect(job.statusDetails).toEqual(expect.stringContaining('partition-1.bin'));
  });

  it('restores a backup taken by another HSM sharing the container', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    emulator.createKey('shared-key');
    const fromPrimary = emulator.keys();
    const folder = await backUp();
    await emulator.stop();

    emulator = await startEmulator({ hsmName: 'contoso-dr', jobDurationMs: 10 });
    const job = await waitForJob(emulator, (await restoreFrom(folder)).statusPath);

    expect(job.status).toBe('Succeeded');
    expect(emulator.keys()).toEqual(fromPrimary);
  });
});

describe('a selective key restore', () => {
  it('brings one key back with all its versions and leaves the other keys alone', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    emulator.createKey('restored');
    emulator.rotateKey('restored');
    emulator.createKey('untouched');
    const atBackup = emulator.keys();
    const folder = await backUp();
    emulator.rotateKey('restored');
    emulator.rotateKey('untouched');
    const untouchedNow = emulator.keys().untouched;

    const response = await callHsm(emulator, 'PUT', '/keys/restored/restore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folder },
    });
    const job = await waitForJob(emulator, statusPathOf(response));

    expect(response.status).toBe(202);
    expect(statusPathOf(response)).toMatch(/^\/restore\/[0-9a-f]{32}\/pending$/);
    expect(job).toMatchObject({ status: 'Succeeded', error: null });
    expect(emulator.keys()).toEqual({ restored: atBackup.restored, untouched: untouchedNow });
    expect(emulator.stats().acceptedKeyRestoreStarts).toBe(1);
  });

  it('brings back a key deleted since the backup', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    emulator.createKey('deleted-later');
    const atBackup = emulator.keys();
    const folder = await backUp();
    emulator.deleteKey('deleted-later');

    const response = await callHsm(emulator, 'PUT', '/keys/deleted-later/restore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folder },
    });
    await waitForJob(emulator, statusPathOf(response));

    expect(emulator.keys()).toEqual(atBackup);
  });

  it('fails with KeyNotFound when the backup does not hold the key', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    const folder = await backUp();

    const response = await callHsm(emulator, 'PUT', '/keys/never-existed/restore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folder },
    });
    const job = await waitForJob(emulator, statusPathOf(response));

    expect(job).toMatchObject({ status: 'Failed', error: { code: 'KeyNotFound' } });
  });

  it.each(['bad_name', 'constructor%20x', 'a'.repeat(128)])(
    'refuses key name %s with 400 before starting anything',
    async (keyName) => {
      emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });

      const response = await callHsm(emulator, 'PUT', `/keys/${keyName}/restore?api-version=7.6`, {
        body: { sasTokenParameters: sasParameters('rl'), folder: 'mhsm-contoso-x' },
      });

      expect(response.status).toBe(400);
      expect(emulator.stats().acceptedKeyRestoreStarts).toBe(0);
    },
  );

  it(
    'fails, rather than crashes, for a key named like an object member that is not in the ' +
      'backup',
    async () => {
      emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
      const folder = await backUp();

      const response = await callHsm(emulator, 'PUT', '/keys/constructor/restore?api-version=7.6', {
        body: { sasTokenParameters: sasParameters('rl'), folder },
      });
      const job = await waitForJob(emulator, statusPathOf(response));

      expect(job).toMatchObject({ status: 'Failed', error: { code: 'KeyNotFound' } });
    },
  );

  it('requires the folder in `folder`, not `folderToRestore` (400)', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });

    const response = await callHsm(emulator, 'PUT', '/keys/k1/restore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folderToRestore: 'mhsm-contoso-x' },
    });

    expect(response.status).toBe(400);
    expect(response.json()).toHaveProperty('error.message', expect.stringContaining("'folder'"));
  });
});

describe('the pre-restore check', () => {
  it('reads and checks the folder without changing any key', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });
    emulator.createKey('k1');
    const folder = await backUp();
    emulator.rotateKey('k1');
    const now = emulator.keys();

    const response = await callHsm(emulator, 'PUT', '/prerestore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folderToRestore: folder },
    });
    const job = await waitForJob(emulator, statusPathOf(response));

    expect(job.status).toBe('Succeeded');
    expect(emulator.keys()).toEqual(now);
    expect(emulator.stats().acceptedPreRestoreStarts).toBe(1);
  });

  it('fails a missing folder as the restore would', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });

    const response = await callHsm(emulator, 'PUT', '/prerestore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folderToRestore: 'mhsm-contoso-missing' },
    });
    const job = await waitForJob(emulator, statusPathOf(response));

    expect(job).toMatchObject({
      status: 'Failed',
      statusDetails: expect.stringMatching(/^Invalid backup provided/),
    });
  });
});
