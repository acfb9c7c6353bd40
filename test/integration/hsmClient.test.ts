import { StaticLocalCredential } from '../../shared/auth/StaticLocalCredential';
import { createServices, type AppServices } from '../../shared/app/appServices';
import { storageTargetFor } from '../../shared/backup/storageTarget';
import { loadConfig } from '../../shared/config/loadConfig';
import { HsmRequestError } from '../../shared/hsm/HsmRequestError';
import { ManagedHsmClient, type StartedJob } from '../../shared/hsm/ManagedHsmClient';
import type { HsmJob } from '../../shared/hsm/HsmJob';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { localAppSettings } from '../support/appSettings';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite;
let emulator: RunningEmulator;
let services: AppServices;
let client: ManagedHsmClient;

beforeAll(async () => {
  azurite = await startAzurite();
  emulator = await startEmulator({
    hsmName: 'contoso-dr',
    jobDurationMs: 200,
    retryAfterSeconds: 1,
  });
  const settings = localAppSettings(azurite, { url: emulator.url, name: 'contoso-dr' });
  const config = loadConfig(settings);
  services = createServices(config);
  await services.storage.container.create();
  client = new ManagedHsmClient(emulator.url, new StaticLocalCredential(), {
    apiVersion: '2025-07-01',
    disableChallengeResourceVerification: true,
    caCertPem: emulator.caCertPem,
    requestTimeoutMs: 5000,
  });
});
afterAll(async () => {
  await emulator?.stop();
  await azurite?.stop();
});
beforeEach(() => {
  emulator.setFaults([]);
  emulator.resetStats();
});

async function waitForBackup(jobId: string): Promise<HsmJob> {
  for (;;) {
    const job = await client.getBackupStatus(jobId);
    if (job.finished) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function refusal(action: Promise<unknown>): Promise<HsmRequestError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof HsmRequestError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

const backupTarget = () => storageTargetFor(services, 'backup', 600_000);

describe('Managed HSM client against the emulator', () => {
  it(
    'answers the challenge: the first request ' + 'goes body-less and unauthenticated, once',
    async () => {
      const fresh = new ManagedHsmClient(emulator.url, new StaticLocalCredential(), {
        apiVersion: '7.5',
        disableChallengeResourceVerification: true,
        caCertPem: emulator.caCertPem,
      });
      const started = await fresh.beginFullBackup(await backupTarget());
      await waitForBackup(started.jobId);
      const starts = emulator.stats().requests.filter((r) => r.path === '/backup');
      expect(starts.map((r) => [r.hadAuthorization, r.status])).toEqual([
        [false, 401],
        [true, 202],
      ]);
      expect(emulator.stats().acceptedBackupStarts).toBe(1);
    },
  );

  it('refuses a loopback emulator unless the challenge resource check is relaxed', async () => {
    const strict = new ManagedHsmClient(emulator.url, new StaticLocalCredential(), {
      apiVersion: '7.5',
      caCertPem: emulator.caCertPem,
    });
    const error = await refusal(strict.beginFullBackup(await backupTarget()));
    expect(error.kind).toBe('permanent');
    expect(error.message).toMatch(/challenge resource/);
  });

  it(
    'starts a backup, honours the job body and ' + 'finds the folder the HSM wrote through the SAS',
    async () => {
      const started: StartedJob = await client.beginFullBackup(await backupTarget());
      expect(started.jobId).toMatch(/^[0-9a-f]{32}$/);
      expect(started.retryAfterSeconds).toBe(1);
      const job = await waitForBackup(started.jobId);
      expect(job.status).toBe('Succeeded');
      expect(job.endTime!.getTime()).toBeGreaterThanOrEqual(job.startTime!.getTime());
      const folder = job.folderUrl!.split('/').pop()!;
      expect(folder).toMatch(/^mhsm-contoso-dr-\d{16}$/);
      let blobs = 0;
      for await (const blob of services.storage.container.listBlobsFlat({ prefix: `${folder}/` })) {
        if (blob) blobs++;
      }
      expect(blobs).toBeGreaterThan(1);
    },
  );

  it('strips a leading "?" from the SAS', async () => {
    const target = await backupTarget();
    if (!('sasToken' in target)) throw new Error('expected a SAS target');
    const job = await waitForBackup(
      (await client.beginFullBackup({ ...target, sasToken: `?${target.sasToken}` })).jobId,
    );
    expect(job.status).toBe('Succeeded');
  });

  it('classifies a start while a backup runs as a conflict', async () => {
    const first = await client.beginFullBackup(await backupTarget());
    const error = await refusal(client.beginFullBackup(await backupTarget()));
    expect(error.kind).toBe('conflict');
    expect(error.details.statusCode).toBe(409);
    await waitForBackup(first.jobId);
  });

  it('gets a fresh token when a status poll is re-challenged (CAE) and carries on', async () => {
    const started = await client.beginFullBackup(await backupTarget());
    emulator.setFaults(['cae-on-poll']);
    const job = await waitForBackup(started.jobId);
    expect(job.status).toBe('Succeeded');
    const polls = emulator.stats().requests.filter((r) => r.path.endsWith('/pending'));
    expect(polls.some((r) => r.status === 401 && r.hadAuthorization)).toBe(true);
  });

  it('reports a Failed job with all-null error fields by its statusDetails', async () => {
    emulator.setFaults(['fail-null-error']);
    const job = await waitForBackup((await client.beginFullBackup(await backupTarget())).jobId);
    expect(job.status).toBe('Failed');
    expect(job.error).toBeUndefined();
    expect(job.statusDetails).toBeTruthy();
  });

  it('classifies throttling as retriable and passes Retry-After on', async () => {
    emulator.setFaults([{ name: 'throttle-start', count: 1 }]);
    const error = await refusal(client.beginFullBackup(await backupTarget()));
    expect(error.kind).toBe('retriable');
    expect(error.details.statusCode).toBe(429);
    expect(error.details.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('classifies an unknown job id as not found, and a malformed SAS as permanent', async () => {
    expect((await refusal(client.getBackupStatus('f'.repeat(32)))).kind).toBe('not-found');
    const target = await backupTarget();
    const error = await refusal(
      client.beginFullBackup({ containerUrl: target.containerUrl, sasToken: 'sv=2020&sig=abc' }),
    );
    expect(error.kind).toBe('permanent');
    expect(error.details.statusCode).toBe(400);
  });

  it('runs the pre-backup check only on API versions that have it', async () => {
    const started = await client.beginPreBackupCheck(await backupTarget());
    expect((await waitForBackup(started.jobId)).status).toBe('Succeeded');
    const old = new ManagedHsmClient(emulator.url, new StaticLocalCredential(), {
      apiVersion: '7.5',
      disableChallengeResourceVerification: true,
      caCertPem: emulator.caCertPem,
    });
    expect((await refusal(old.beginPreBackupCheck(await backupTarget()))).message).toMatch(/7\.6/);
  });

  it('restores the HSM from a backup folder through a read-list SAS', async () => {
    emulator.createKey('restore-me');
    const before = emulator.keys();
    const backup = await waitForBackup((await client.beginFullBackup(await backupTarget())).jobId);
    const folder = backup.folderUrl!.split('/').pop()!;
    emulator.rotateKey('restore-me');
    emulator.createKey('created-after');
    const restoreTarget = await storageTargetFor(services, 'restore', 600_000);
    const restore = await client.beginFullRestore(restoreTarget, folder);
    for (;;) {
      const job = await client.getRestoreStatus(restore.jobId);
      if (job.finished) {
        expect(job.status).toBe('Succeeded');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(emulator.keys()).toEqual(before);
  });
});
