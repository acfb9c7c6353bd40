import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { devAccountKey } from '../support/azurite';
import {
  nextSecond,
  readAllFiles,
  startAppUnderTest,
  type AppUnderTest,
} from '../support/appUnderTest';

let app: AppUnderTest;
const instanceId = backupInstanceId('contoso');

beforeAll(async () => {
  app = await startAppUnderTest({
    settings: {
      // Every second is an occurrence: each cycle below waits for its own.
      BACKUP_SCHEDULE: '* * * * * *',
      RETENTION_KEEP_LAST: '2',
      BACKUP_DEADLINE: '8s',
    },
  });
  // Another HSM's backup with a shared name prefix, and a stray blob: neither may ever be touched.
  const container = app.blobService.getContainerClient(app.settings.BACKUP_CONTAINER);
  await container.getBlockBlobClient('mhsm-contoso-dr-2020010100000000/keys.bin').upload('x', 1);
  await container.getBlockBlobClient('notes/readme.txt').upload('x', 1);
});
afterAll(() => app?.stop());
beforeEach(() => app.emulator.setFaults([]));

async function runCycle(): Promise<BackupCycleResult> {
  await nextSecond();
  await app.host.invokeTimer('backupTimer');
  const instance = await app.host.waitForInstance(instanceId, { timeoutMs: 30_000 });
  expect(instance.runtimeStatus).toBe('Completed');
  return instance.output as BackupCycleResult;
}

async function foldersInContainer(): Promise<string[]> {
  const container = app.blobService.getContainerClient(app.settings.BACKUP_CONTAINER);
  const folders: string[] = [];
  for await (const item of container.listBlobsByHierarchy('/')) {
    if (item.kind === 'prefix') folders.push(item.name.replace(/\/$/, ''));
  }
  return folders.sort();
}

describe('the scheduled backup cycle, through the local host', () => {
  const succeeded: BackupCycleResult[] = [];

  it('backs up into a folder of blobs written through the SAS, and records it', async () => {
    const result = await runCycle();
    succeeded.push(result);
    expect(result).toMatchObject({ status: 'Succeeded', hsmName: 'contoso' });
    expect(result.folder).toMatch(/^mhsm-contoso-\d{16}$/);
    const row = await app.ledgerTable.getEntity<Record<string, unknown>>(
      'contoso',
      `backup_${result.attemptId}`,
    );
    expect(row).toMatchObject({ status: 'Succeeded', jobId: result.jobId, folder: result.folder });
    expect(row.endTime).toBeInstanceOf(Date);
    expect(row.blobCount as number).toBeGreaterThan(1);
  });

  it('keeps the newest RETENTION_KEEP_LAST backups and prunes older ones', async () => {
    for (let i = 0; i < 3; i++) succeeded.push(await runCycle());
    expect(succeeded.map((r) => r.status)).toEqual([
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Succeeded',
    ]);
    const kept = succeeded.slice(2).map((r) => r.folder as string);
    expect(await foldersInContainer()).toEqual(
      [...kept, 'mhsm-contoso-dr-2020010100000000', 'notes'].sort(),
    );
    for (const pruned of succeeded.slice(0, 2)) {
      const row = await app.ledgerTable.getEntity<Record<string, unknown>>(
        'contoso',
        `backup_${pruned.attemptId}`,
      );
      expect(row.status).toBe('Succeeded');
      expect(row.prunedAt).toBeInstanceOf(Date);
    }
  });

  it('records a failed job by its statusDetails and prunes nothing after it', async () => {
    const before = await foldersInContainer();
    app.emulator.setFaults(['fail-null-error']);
    const result = await runCycle();
    expect(result).toMatchObject({ status: 'Failed', failureCode: 'JobFailed' });
    expect(result.reason).toBeTruthy();
    expect(result.prune).toBeUndefined();
    expect(await foldersInContainer()).toEqual(before);
  });

  it('waits out throttling on durable timers and then succeeds', async () => {
    app.emulator.setFaults([{ name: 'throttle-start', count: 2 }]);
    const result = await runCycle();
    expect(result.status).toBe('Succeeded');
  });

  it('starts one job when the timer fires twice for one occurrence', async () => {
    app.emulator.resetStats();
    await nextSecond();
    await app.host.invokeTimer('backupTimer');
    await app.host.invokeTimer('backupTimer');
    const first = await app.host.waitForInstance(instanceId, { timeoutMs: 30_000 });
    expect((first.output as BackupCycleResult).status).toBe('Succeeded');
    expect(app.emulator.stats().acceptedBackupStarts).toBe(1);
    expect(
      app.logs.some((l) => /skipped: instance backup-contoso is (Running|Pending)/.test(l.message)),
    ).toBe(true);
  });

  it('records a job still running at the deadline as Unknown, never as failed', async () => {
    app.emulator.setFaults(['stuck']);
    const result = await runCycle();
    expect(result).toMatchObject({ status: 'Unknown', failureCode: 'DeadlinePassed' });
    expect(result.prune).toBeUndefined();
  });

  it('records the next cycle as HsmBusy while the HSM still runs the earlier job', async () => {
    // The stuck job above is still running on the HSM: one backup at a time, so it answers 409.
    const result = await runCycle();
    expect(result).toMatchObject({ status: 'Failed', failureCode: 'HsmBusy' });
    expect(result.reason).toMatch(/busy/);
  });

  it(
    'leaves no SAS, account key or token in ' + 'logs, task-hub history, outputs or the ledger',
    async () => {
      const captured: string[] = [];
      captured.push(JSON.stringify(app.logs));
      for (const instance of app.host.listInstances()) captured.push(JSON.stringify(instance));
      captured.push(readAllFiles(app.stateDir));
      for await (const row of app.ledgerTable.listEntities()) captured.push(JSON.stringify(row));
      const everything = captured.join('\n');
      expect(everything.length).toBeGreaterThan(10_000);
      expect(everything).toContain('mhsm-contoso-');
      for (const secret of [
        /sig=/i,
        /[?&]se=\d{4}/,
        /sp=rcwd/,
        /local-static-token/,
        /AccountKey/i,
      ]) {
        expect(everything).not.toMatch(secret);
      }
      expect(everything).not.toContain(devAccountKey);
      expect(everything).not.toContain(devAccountKey.slice(0, 20));
    },
  );
});
