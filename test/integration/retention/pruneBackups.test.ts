import { randomBytes } from 'node:crypto';
import type { ContainerClient } from '@azure/storage-blob';
import { createServices, type AppServices } from '../../../shared/app/appServices';
import { pruneBackups } from '../../../shared/backup/pruneBackups';
import { loadConfig } from '../../../shared/config/loadConfig';
import { readRetentionPlanInput } from '../../../shared/retention/readRetentionInputs';
import { buildRetentionPreview } from '../../../shared/retention/retentionPreview';
import type { BackupRecord } from '../../../shared/ledger/BackupRecord';
import type { Logger } from '../../../shared/log/Logger';
import { localAppSettings } from '../../support/appSettings';
import { startAzurite, type RunningAzurite } from '../../support/azurite';
import { refusingContainer, type Refusal } from './refusingContainer';

let azurite: RunningAzurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

const day = 86_400_000;
/** Day 0 is 2026-03-02 02:00 UTC. */
const at = (dayIndex: number, offsetMs = 0) =>
  new Date(Date.UTC(2026, 2, 2, 2) + dayIndex * day + offsetMs);
const folderOf = (time: Date) =>
  `mhsm-contoso-${time
    .toISOString()
    .replace(/[-T:.Z]/g, '')
    .slice(0, 16)}`;
/** The folder a job of that day writes: received 12 s after the occurrence. */
const jobFolder = (dayIndex: number) => folderOf(at(dayIndex, 12_000));

/** A fresh container and ledger table, and services over them with these settings. */
async function store(settings: Record<string, string>) {
  const names = {
    BACKUP_CONTAINER: `retention-${randomBytes(4).toString('hex')}`,
    LEDGER_TABLE: `retention${randomBytes(4).toString('hex')}`,
  };
  const servicesWith = (more: Record<string, string> = {}) =>
    createServices(
      loadConfig(
        localAppSettings(
          azurite,
          { url: 'https://127.0.0.1:1', name: 'contoso' },
          { ...names, ...settings, ...more },
        ),
      ),
    );
  const services = servicesWith();
  await services.storage.container.create();
  return { services, servicesWith };
}

function attempt(dayIndex: number, changes: Partial<BackupRecord>): BackupRecord {
  return {
    hsmName: 'contoso',
    attemptId: `d${String(dayIndex).padStart(2, '0')}`,
    trigger: 'schedule',
    occurrence: at(dayIndex),
    instanceId: 'backup-contoso',
    status: 'Succeeded',
    jobId: `job${dayIndex}`,
    startTime: at(dayIndex, 12_000),
    endTime: at(dayIndex, 600_000),
    createdAt: at(dayIndex, 1000),
    ...changes,
  };
}

async function record(services: AppServices, dayIndex: number, changes = {}) {
  const row = attempt(dayIndex, { folder: jobFolder(dayIndex), ...changes });
  await services.ledger.saveBackup(row);
  return row;
}

async function fill(container: ContainerClient, folder: string, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `${folder}/blob-${i}`);
  for (let i = 0; i < names.length; i += 32) {
    await Promise.all(
      names.slice(i, i + 32).map((n) => container.getBlockBlobClient(n).upload('x', 1)),
    );
  }
}

async function blobsUnder(container: ContainerClient, folder: string): Promise<number> {
  let count = 0;
  for await (const blob of container.listBlobsFlat({ prefix: `${folder}/` })) if (blob) count++;
  return count;
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

const withContainer = (services: AppServices, container: ContainerClient): AppServices => ({
  ...services,
  storage: { ...services.storage, container },
});
const input = { hsmName: 'contoso', instanceId: 'backup-contoso' };

describe('pruning against Azurite', () => {
  it(
    'deletes a folder of 600 blobs in batches ' + 'of at most 256 and marks its row pruned',
    async () => {
      const { services } = await store({ RETENTION_KEEP_LAST: '1' });
      const { container } = services.storage;
      await record(services, 0);
      await record(services, 1);
      await fill(container, jobFolder(0), 600);
      await fill(container, jobFolder(1), 2);

      const batchSizes: number[] = [];
      const counting = refusingContainer(container, () => undefined, batchSizes);
      const summary = await pruneBackups(withContainer(services, counting), input, recordingLog());

      expect(batchSizes).toEqual([256, 256, 88]);
      expect(summary).toMatchObject({ kept: 1, prunedFolders: [jobFolder(0)], blobsDeleted: 600 });
      expect(await blobsUnder(container, jobFolder(0))).toBe(0);
      expect((await services.ledger.getBackup('contoso', 'd00'))?.prunedAt).toBeInstanceOf(Date);
      expect((await services.ledger.getBackup('contoso', 'd01'))?.prunedAt).toBeUndefined();
    },
  );

  it(
    'keeps a folder the service holds, marks its ' + 'row held, deletes the others, and retries',
    async () => {
      const { services } = await store({ RETENTION_KEEP_LAST: '1' });
      const { container } = services.storage;
      for (const dayIndex of [0, 1, 2, 3]) {
        await record(services, dayIndex);
        await fill(container, jobFolder(dayIndex), 10);
      }
      const locked = new Set([3, 5, 8].map((i) => `${jobFolder(1)}/blob-${i}`));
      const held: Refusal = { status: 409, code: 'BlobImmutableDueToPolicy' };
      const holding = refusingContainer(container, (blob) => (locked.has(blob) ? held : undefined));
      const log = recordingLog();

      const first = await pruneBackups(withContainer(services, holding), input, log);
      expect(first.prunedFolders).toEqual([jobFolder(0), jobFolder(2)]);
      expect(first.heldFolders).toEqual([
        { folder: jobFolder(1), code: 'BlobImmutableDueToPolicy' },
      ]);
      expect(await blobsUnder(container, jobFolder(1))).toBe(3);
      const heldRow = await services.ledger.getBackup('contoso', 'd01');
      expect(heldRow).toMatchObject({ status: 'Succeeded', heldCode: 'BlobImmutableDueToPolicy' });
      expect(heldRow?.prunedAt).toBeUndefined();
      expect(log.lines.filter((line) => line.startsWith('warn'))).toEqual([
        expect.stringContaining(`refused to delete 3 blobs of ${jobFolder(1)}`),
      ]);

      // The hold is lifted: the next run deletes the rest and marks the row pruned.
      const second = await pruneBackups(services, input, recordingLog());
      expect(second.prunedFolders).toEqual([jobFolder(1)]);
      expect(await blobsUnder(container, jobFolder(1))).toBe(0);
      expect((await services.ledger.getBackup('contoso', 'd01'))?.prunedAt).toBeInstanceOf(Date);
      expect(await blobsUnder(container, jobFolder(3))).toBe(10);
    },
  );

  it('retries a transient failure, and counts a blob already gone as deleted', async () => {
    const { services } = await store({ RETENTION_KEEP_LAST: '1' });
    const { container } = services.storage;
    await record(services, 0);
    await record(services, 1);
    await fill(container, jobFolder(0), 5);
    await fill(container, jobFolder(1), 1);
    const busyOnce = new Set([`${jobFolder(0)}/blob-1`, `${jobFolder(0)}/blob-2`]);
    const gone = `${jobFolder(0)}/blob-4`;
    const flaky = refusingContainer(container, (blob) => {
      // Someone else deletes blob-4 between our listing and our delete.
      if (blob === gone) return { status: 404, code: 'BlobNotFound', deletedFirst: true };
      return busyOnce.delete(blob) ? { status: 503, code: 'ServerBusy' } : undefined;
    });

    const summary = await pruneBackups(withContainer(services, flaky), input, recordingLog());
    expect(summary).toMatchObject({ prunedFolders: [jobFolder(0)], failedFolders: [] });
    expect(busyOnce.size).toBe(0);
    expect(summary.blobsDeleted).toBe(4);
  });

  it('deletes at most the cap per run, oldest first, and says the rest wait', async () => {
    const { services } = await store({
      RETENTION_KEEP_LAST: '1',
      RETENTION_MAX_DELETIONS_PER_RUN: '5',
    });
    const { container } = services.storage;
    for (let dayIndex = 0; dayIndex < 13; dayIndex++) {
      await record(services, dayIndex);
      await fill(container, jobFolder(dayIndex), 1);
    }
    const log = recordingLog();
    const runs = [];
    for (let run = 0; run < 3; run++) runs.push(await pruneBackups(services, input, log));

    expect(runs.map((r) => [r.prunedFolders.length, r.deferred])).toEqual([
      [5, 7],
      [5, 2],
      [2, 0],
    ]);
    expect(runs[0].prunedFolders).toEqual([0, 1, 2, 3, 4].map(jobFolder));
    expect(log.lines).toContain(
      'warn Retention for contoso: 12 folders are due for deletion; 5 go in this run and 7 ' +
        'wait for later runs (RETENTION_MAX_DELETIONS_PER_RUN=5).',
    );
  });

  it(
    'cleans a failed job’s folder, never an ' + 'unknown one’s, and reports unrecorded ones',
    async () => {
      const { services, servicesWith } = await store({
        RETENTION_KEEP_LAST: '2',
        RETENTION_CLEANUP_GRACE: '1d',
      });
      const { container } = services.storage;
      const manual = folderOf(at(4, 6 * 3_600_000));
      await services.ledger.saveBackup(attempt(0, { status: 'Failed', failureCode: 'JobFailed' }));
      const unknown = { status: 'Unknown', failureCode: 'DeadlinePassed' } as const;
      await services.ledger.saveBackup(attempt(1, { ...unknown, startTime: undefined }));
      for (const dayIndex of [2, 3, 5, 6]) await record(services, dayIndex);
      for (const folder of [0, 1, 2, 3, 5, 6].map(jobFolder).concat(manual)) {
        await fill(container, folder, 2);
      }

      const first = await pruneBackups(services, input, recordingLog());
      expect(first.cleanedFolders).toEqual([jobFolder(0)]);
      expect(first.prunedFolders).toEqual([jobFolder(2), jobFolder(3)]);
      expect(first.unrecordedFolders).toEqual([manual]);
      expect(await blobsUnder(container, jobFolder(1))).toBe(2);
      expect(await blobsUnder(container, manual)).toBe(2);
      expect((await services.ledger.getBackup('contoso', 'd00'))?.prunedAt).toBeInstanceOf(Date);

      const included = servicesWith({ RETENTION_INCLUDE_UNRECORDED: 'true' });
      const second = await pruneBackups(included, input, recordingLog());
      expect(second.cleanedFolders).toEqual([manual]);
      expect(await blobsUnder(container, jobFolder(1))).toBe(2);
    },
  );

  it('previews exactly what the prune then does, and an absent container as empty', async () => {
    const { services, servicesWith } = await store({ RETENTION_KEEP_LAST: '2' });
    const { container } = services.storage;
    for (const dayIndex of [0, 1, 2, 3]) {
      await record(services, dayIndex);
      await fill(container, jobFolder(dayIndex), 1);
    }
    const preview = buildRetentionPreview(await readRetentionPlanInput(services, 'contoso'));
    const toDelete = preview.entries.filter((e) => e.action === 'delete').map((e) => e.folder);
    const summary = await pruneBackups(services, input, recordingLog());
    expect(summary.prunedFolders).toEqual([...toDelete].reverse());
    expect(toDelete).toHaveLength(2);

    const elsewhere = servicesWith({ BACKUP_CONTAINER: 'never-created' });
    const empty = await readRetentionPlanInput(elsewhere, 'contoso');
    expect(empty.containerFolders).toEqual([]);
  });

  it('never deletes the safety backup of the latest restore', async () => {
    const { services } = await store({ RETENTION_KEEP_LAST: '1' });
    const { container } = services.storage;
    for (const dayIndex of [0, 1, 2]) {
      await record(services, dayIndex);
      await fill(container, jobFolder(dayIndex), 1);
    }
    await services.restores.save({
      hsmName: 'contoso',
      instanceId: 'restore-contoso-1',
      kind: 'full',
      folder: jobFolder(1),
      requestedAt: at(1, 3_600_000),
      status: 'Succeeded',
      safetyBackupFolder: jobFolder(0),
    });
    const summary = await pruneBackups(services, input, recordingLog());
    expect(summary.prunedFolders).toEqual([jobFolder(1)]);
    expect(await blobsUnder(container, jobFolder(0))).toBe(1);
  });
});
