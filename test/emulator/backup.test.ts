import { startEmulator, type RunningEmulator } from '../../local/emulator';
import {
  DEV_ACCOUNT_KEY,
  DEV_ACCOUNT_NAME,
  startAzuriteForEmulatorTests,
  type AzuriteForTests,
} from './azuriteForEmulatorTests';
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

async function startBackup(
  body: Record<string, unknown>,
  apiVersion = '7.6',
): Promise<{ status: number; statusPath: string; job: Record<string, unknown> }> {
  const response = await callHsm(emulator, 'POST', `/backup?api-version=${apiVersion}`, { body });
  if (response.status !== 202) {
    return { status: response.status, statusPath: '', job: response.json() };
  }
  return { status: 202, statusPath: statusPathOf(response), job: response.json() };
}

function sasBody(permissions: string, expiresInMs?: number, container = CONTAINER) {
  return {
    storageResourceUri: azurite.containerUri(container),
    token: azurite.containerSas(container, permissions, expiresInMs),
  };
}

async function blobsUnder(folder: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  const container = azurite.service.getContainerClient(CONTAINER);
  for await (const blob of container.listBlobsFlat({ prefix: `${folder}/` })) {
    found.set(blob.name.slice(folder.length + 1), blob.properties.contentLength ?? 0);
  }
  return found;
}

function folderOf(job: Record<string, unknown>): string {
  return String(job.azureStorageBlobContainerUri).split('/').pop() ?? '';
}

describe('a backup through a SAS', () => {
  it(
    'writes its folder through an rcwd SAS and ' + 'reports Succeeded with endTime and folder URL',
    async () => {
      emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 30 });
      emulator.createKey('signing-key');
      emulator.createKey('wrapping-key');

      const started = await startBackup(sasBody('rcwd'));
      const job = await waitForJob(emulator, started.statusPath);

      expect(job).toEqual({
        status: 'Succeeded',
        statusDetails: null,
        error: null,
        startTime: started.job.startTime,
        endTime: expect.any(Number),
        jobId: started.job.jobId,
        azureStorageBlobContainerUri: expect.stringMatching(
          new RegExp(`^${azurite.containerUri(CONTAINER)}/mhsm-contoso-\\d{16}$`),
        ),
      });
      expect(Number(job.endTime)).toBeGreaterThanOrEqual(Number(job.startTime));

      const blobs = await blobsUnder(folderOf(job));
      expect([...blobs.keys()].sort()).toEqual([
        'keys.json',
        'manifest.json',
        'partition-0.bin',
        'partition-1.bin',
        'partition-2.bin',
      ]);
      expect(Math.max(...blobs.values())).toBeGreaterThanOrEqual(256 * 1024);
    },
  );

  it(
    'names the folder after the HSM (hyphens kept) and the 16-digit UTC time the request ' +
      'arrived',
    async () => {
      const receivedAt = Date.UTC(2022, 4, 9, 21, 24, 29, 394);
      emulator = await startEmulator({
        hsmName: 'contoso-dr-2',
        jobDurationMs: 10,
        now: () => receivedAt,
      });

      const started = await startBackup(sasBody('rcwd'));
      const job = await waitForJob(emulator, started.statusPath);

      expect(folderOf(job)).toBe('mhsm-contoso-dr-2-2022050921242939');
      expect(job.startTime).toBe(Math.floor(receivedAt / 1000));
      expect(job.endTime).toBe(Math.floor(receivedAt / 1000));
    },
  );

  it('takes its times from the advanced clock when days have passed for the HSM', async () => {
    const receivedAt = Date.UTC(2022, 4, 9, 21, 24, 29, 394);
    emulator = await startEmulator({
      hsmName: 'contoso',
      jobDurationMs: 10,
      now: () => receivedAt,
    });
    emulator.advanceClock(3 * 24 * 3600 * 1000 + 5);

    const job = await waitForJob(emulator, (await startBackup(sasBody('rcwd'))).statusPath);

    expect(folderOf(job)).toBe('mhsm-contoso-2022051221242939');
    expect(job.startTime).toBe(Math.floor(receivedAt / 1000) + 3 * 24 * 3600);
  });

  it.each([
    ['an rl SAS (no write permission)', () => sasBody('rl'), 'AuthorizationPermissionMismatch'],
    ['a SAS without delete permission', () => sasBody('rcw'), 'AuthorizationPermissionMismatch'],
    ['an expired SAS', () => sasBody('rcwd', -60_000), 'AuthorizationFailure'],
  ])(
    'accepts a backup through %s, then fails the job with storage 403 in statusDetails',
    async (_case, body, code) => {
      emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });

      const started = await startBackup(body());
      const job = await waitForJob(emulator, started.statusPath);

      expect(started.status).toBe(202);
      expect(job).toMatchObject({
        status: 'Failed',
        endTime: expect.any(Number),
        azureStorageBlobContainerUri: null,
        error: { code, message: expect.stringContaining('403'), innererror: null },
      });
      expect(job.statusDetails).toEqual(expect.stringContaining(`403 ${code}`));
    },
  );

  it('fails the job with ContainerNotFound when the container does not exist', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });

    const job = await waitForJob(
      emulator,
      (await startBackup(sasBody('rcwd', undefined, 'no-such-container'))).statusPath,
    );

    expect(job).toMatchObject({ status: 'Failed', error: { code: 'ContainerNotFound' } });
    expect(job.statusDetails).toEqual(expect.stringContaining('404'));
  });

  it('refuses a second backup while one runs (409), and accepts one after it ends', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 300 });

    const first = await startBackup(sasBody('rcwd'));
    const second = await startBackup(sasBody('rcwd'));
    await waitForJob(emulator, first.statusPath);
    const third = await startBackup(sasBody('rcwd'));

    expect([first.status, second.status, third.status]).toEqual([202, 409, 202]);
    expect(second.job).toEqual({
      error: {
        code: expect.any(String),
        message: expect.stringContaining('Another backup operation is in progress'),
        innererror: null,
      },
    });
    expect(emulator.stats().acceptedBackupStarts).toBe(2);
  });
});

describe('a backup through the managed identity', () => {
  it('writes through the storage grant the emulator was started with', async () => {
    emulator = await startEmulator({
      hsmName: 'contoso',
      jobDurationMs: 10,
      managedIdentityStorage: { accountName: DEV_ACCOUNT_NAME, accountKey: DEV_ACCOUNT_KEY },
    });

    const job = await waitForJob(
      emulator,
      (
        await startBackup({
          storageResourceUri: azurite.containerUri(CONTAINER),
          useManagedIdentity: true,
        })
      ).statusPath,
    );

    expect(job.status).toBe('Succeeded');
    expect((await blobsUnder(folderOf(job))).has('manifest.json')).toBe(true);
  });

  it('fails the job with an authorization reason when no grant was given', async () => {
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 10 });

    const job = await waitForJob(
      emulator,
      (
        await startBackup({
          storageResourceUri: azurite.containerUri(CONTAINER),
          useManagedIdentity: true,
        })
      ).statusPath,
    );

    expect(job).toMatchObject({ status: 'Failed', error: { code: 'AuthorizationFailure' } });
    expect(job.statusDetails).toEqual(expect.stringContaining('managed identity'));
  });
});

describe('the pre-backup check', () => {
  it('succeeds with an rcwd SAS and leaves nothing behind in the container', async () => {
    emulator = await startEmulator({ hsmName: 'precheck', jobDurationMs: 10 });
    const response = await callHsm(emulator, 'POST', '/prebackup?api-version=7.6', {
      body: sasBody('rcwd'),
    });

    const job = await waitForJob(emulator, statusPathOf(response));

    expect(job).toMatchObject({ status: 'Succeeded', azureStorageBlobContainerUri: null });
    const left: string[] = [];
    for await (const blob of azurite.service.getContainerClient(CONTAINER).listBlobsFlat()) {
      left.push(blob.name);
    }
    expect(left.filter((name) => name.includes('precheck'))).toEqual([]);
    expect(emulator.stats().acceptedPreBackupStarts).toBe(1);
  });

  it('fails with an rl SAS, as the backup would', async () => {
    emulator = await startEmulator({ hsmName: 'precheck', jobDurationMs: 10 });
    const response = await callHsm(emulator, 'POST', '/prebackup?api-version=2025-07-01', {
      body: sasBody('rl'),
    });

    const job = await waitForJob(emulator, statusPathOf(response));

    expect(job).toMatchObject({
      status: 'Failed',
      error: { code: 'AuthorizationPermissionMismatch' },
    });
  });
});
