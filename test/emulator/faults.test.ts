import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { startAzuriteForEmulatorTests, type AzuriteForTests } from './azuriteForEmulatorTests';
import { callHsm, statusPathOf, waitForJob, type HsmResponse } from './hsmTestClient';

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
beforeEach(async () => {
  emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 20, retryAfterSeconds: 7 });
});
afterEach(async () => {
  await emulator?.stop();
});

function sasParameters(permissions = 'rcwd') {
  return {
    storageResourceUri: azurite.containerUri(CONTAINER),
    token: azurite.containerSas(CONTAINER, permissions),
  };
}

function startBackup(): Promise<HsmResponse> {
  return callHsm(emulator, 'POST', '/backup?api-version=7.6', { body: sasParameters() });
}

async function startedStatusPath(): Promise<string> {
  const response = await startBackup();
  expect(response.status).toBe(202);
  return statusPathOf(response);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('authentication faults', () => {
  it('challenge-loop answers even a request with a token with the 401 challenge', async () => {
    emulator.setFaults(['challenge-loop']);

    const response = await startBackup();

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer authorization="/);
    expect(emulator.stats().acceptedBackupStarts).toBe(0);
  });

  it('cae-on-poll asks once for new claims on a status poll, then answers normally', async () => {
    const statusPath = await startedStatusPath();
    emulator.setFaults(['cae-on-poll']);

    const first = await callHsm(emulator, 'GET', statusPath);
    const second = await callHsm(emulator, 'GET', statusPath);

    expect(first.status).toBe(401);
    const header = String(first.headers['www-authenticate']);
    expect(header).toContain('error="insufficient_claims"');
    const claims = /claims="([^"]+)"/.exec(header)?.[1] ?? '';
    expect(JSON.parse(Buffer.from(claims, 'base64').toString('utf8'))).toHaveProperty(
      'access_token.nbf.essential',
      true,
    );
    expect(second.status).toBe(200);
    expect(emulator.activeFaults()).toEqual([]);
  });
});

describe('front-door faults on start calls', () => {
  it(
    'throttle-start with a count of 2 answers ' + '429 with Retry-After twice, then starts',
    async () => {
      emulator.setFaults([{ name: 'throttle-start', count: 2 }]);

      const answers = [await startBackup(), await startBackup(), await startBackup()];

      expect(answers.map((a) => a.status)).toEqual([429, 429, 202]);
      expect(answers[0].headers['retry-after']).toBe('7');
      expect(answers[0].json()).toHaveProperty('error.code');
      expect(emulator.stats().acceptedBackupStarts).toBe(1);
    },
  );

  it('unavailable-start answers 503 until the faults are cleared', async () => {
    emulator.setFaults(['unavailable-start']);
    const during = [await startBackup(), await startBackup()];
    emulator.setFaults([]);

    expect(during.map((a) => a.status)).toEqual([503, 503]);
    expect((await startBackup()).status).toBe(202);
  });

  it('drop-start destroys the connection and starts nothing', async () => {
    emulator.setFaults([{ name: 'drop-start', count: 1 }]);

    await expect(startBackup()).rejects.toThrow();

    expect(emulator.stats().acceptedBackupStarts).toBe(0);
    expect(emulator.stats().requests[0].status).toBe('dropped');
  });

  it('drop-start-accepted starts the job but loses the answer, so a retry meets 409', async () => {
    await emulator.stop();
    emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 500 });
    emulator.setFaults([{ name: 'drop-start-accepted', count: 1 }]);

    await expect(startBackup()).rejects.toThrow();
    const retry = await startBackup();

    expect(emulator.stats().acceptedBackupStarts).toBe(1);
    expect(retry.status).toBe(409);
  });

  it('conflict-start answers 409 and malformed-sas answers 400 to a good request', async () => {
    emulator.setFaults([
      { name: 'conflict-start', count: 1 },
      { name: 'malformed-sas', count: 1 },
    ]);

    const conflict = await startBackup();
    const malformed = await startBackup();

    expect(conflict.status).toBe(409);
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toHaveProperty(
      'error.message',
      expect.stringContaining('SAS token is malformed'),
    );
  });
});

describe('faults on status polls', () => {
  it.each([
    ['throttle-poll', 429],
    ['unavailable-poll', 503],
    ['poll-404', 404],
  ] as const)('%s answers %i to a poll of a job that exists', async (name, status) => {
    const statusPath = await startedStatusPath();
    emulator.setFaults([{ name, count: 1 }]);

    const faulted = await callHsm(emulator, 'GET', statusPath);
    const after = await callHsm(emulator, 'GET', statusPath);

    expect(faulted.status).toBe(status);
    expect(faulted.json()).toHaveProperty('error.code');
    expect(after.status).toBe(200);
  });

  it('drop-poll destroys the connection of a status poll', async () => {
    const statusPath = await startedStatusPath();
    emulator.setFaults([{ name: 'drop-poll', count: 1 }]);

    await expect(callHsm(emulator, 'GET', statusPath)).rejects.toThrow();
    expect((await callHsm(emulator, 'GET', statusPath)).status).toBe(200);
  });

  it('slow-poll holds the answer for delayMs', async () => {
    const statusPath = await startedStatusPath();
    emulator.setFaults([{ name: 'slow-poll', count: 1, delayMs: 250 }]);

    const began = Date.now();
    const response = await callHsm(emulator, 'GET', statusPath);

    expect(response.status).toBe(200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(240);
  });
});

describe('faults in jobs', () => {
  it('fail-null-error ends the job Failed with every error field null and a reason', async () => {
    emulator.setFaults(['fail-null-error']);

    const job = await waitForJob(emulator, await startedStatusPath());

    expect(job).toMatchObject({
      status: 'Failed',
      endTime: expect.any(Number),
      error: { code: null, message: null, innererror: null },
      statusDetails: expect.any(String),
    });
  });

  it('canceled ends the job Canceled with an endTime', async () => {
    emulator.setFaults(['canceled']);

    const job = await waitForJob(emulator, await startedStatusPath());

    expect(job).toMatchObject({ status: 'Canceled', endTime: expect.any(Number) });
  });

  it('stuck keeps the job InProgress and the backup slot busy', async () => {
    emulator.setFaults([{ name: 'stuck', count: 1 }]);
    const statusPath = await startedStatusPath();
    await sleep(100);

    const job = (await callHsm(emulator, 'GET', statusPath)).json();
    const another = await startBackup();

    expect(job).toMatchObject({ status: 'InProgress', endTime: null });
    expect(another.status).toBe(409);
  });

  it("unknown-status leaves the job at status 'Paused', never finished", async () => {
    emulator.setFaults([{ name: 'unknown-status', count: 1 }]);
    const statusPath = await startedStatusPath();
    await sleep(100);

    const job = (await callHsm(emulator, 'GET', statusPath)).json();

    expect(job).toMatchObject({ status: 'Paused', endTime: null });
  });

  it('partial-write fails the backup midway, leaving a folder a restore refuses', async () => {
    await emulator.stop();
    emulator = await startEmulator({ hsmName: 'partial', jobDurationMs: 20 });
    emulator.setFaults([{ name: 'partial-write', count: 1 }]);

    const job = await waitForJob(emulator, await startedStatusPath());
    const left: string[] = [];
    const container = azurite.service.getContainerClient(CONTAINER);
    for await (const blob of container.listBlobsFlat({ prefix: 'mhsm-partial-' })) {
      left.push(blob.name);
    }
    const folder = left[0]?.split('/')[0] ?? '';

    expect(job).toMatchObject({
      status: 'Failed',
      endTime: expect.any(Number),
      azureStorageBlobContainerUri: null,
      error: { code: expect.any(String), message: expect.any(String) },
    });
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((name) => name.startsWith(`${folder}/`))).toBe(true);
    expect(left).not.toContain(`${folder}/manifest.json`);

    const restore = await callHsm(emulator, 'PUT', '/restore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folderToRestore: folder },
    });
    const restoreJob = await waitForJob(emulator, statusPathOf(restore));
    expect(restoreJob).toMatchObject({
      status: 'Failed',
      error: { code: null, message: null, innererror: null },
      statusDetails: expect.stringMatching(/^Invalid backup provided/),
    });
  });

  it('partial-write spares restore jobs and strikes the next backup', async () => {
    emulator.setFaults([{ name: 'partial-write', count: 1 }]);

    const restore = await callHsm(emulator, 'PUT', '/restore?api-version=7.6', {
      body: { sasTokenParameters: sasParameters('rl'), folderToRestore: 'mhsm-contoso-none' },
    });
    await waitForJob(emulator, statusPathOf(restore));

    expect(emulator.activeFaults()).toEqual([{ name: 'partial-write', count: 1 }]);
  });
});

describe('setting faults', () => {
  it('refuses an unknown fault name and a count that is not a positive integer', () => {
    expect(() => emulator.setFaults([{ name: 'no-such-fault' as 'stuck' }])).toThrow(
      /Unknown fault/,
    );
    expect(() => emulator.setFaults([{ name: 'stuck', count: 0 }])).toThrow(/positive integer/);
  });

  it('replaces the whole set on each call and reports what remains', () => {
    emulator.setFaults(['throttle-start', { name: 'slow-poll', count: 3, delayMs: 10 }]);
    emulator.setFaults([{ name: 'poll-404', count: 2 }]);

    expect(emulator.activeFaults()).toEqual([{ name: 'poll-404', count: 2 }]);
  });
});
