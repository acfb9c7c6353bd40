import type { FaultSpec } from '../../local/emulator';
import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { nextSecond, startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

/**
 * Every HSM fault the emulator can inject, through a whole scheduled cycle: what the ledger must
 * end up saying, that nothing is pruned after anything but a success, and that the next cycle
 * runs normally.
 */
let app: AppUnderTest;

beforeAll(async () => {
  app = await startAppUnderTest({
    settings: {
      BACKUP_SCHEDULE: '* * * * * *',
      BACKUP_DEADLINE: '6s',
      HSM_REQUEST_TIMEOUT: '1s',
      RETENTION_KEEP_LAST: '1',
    },
  });
});
afterAll(() => app?.stop());

async function cycle(): Promise<BackupCycleResult> {
  await nextSecond();
  await app.host.invokeTimer('backupTimer');
  const done = await app.host.waitForInstance(backupInstanceId('contoso'), { timeoutMs: 60_000 });
  expect(done.runtimeStatus).toBe('Completed');
  return done.output as BackupCycleResult;
}

type Expected = { status: BackupCycleResult['status']; failureCode?: string; reason?: RegExp };

const table: [string, FaultSpec, Expected][] = [
  // Transient: retried (durable timers, Retry-After honoured), then the backup succeeds.
  ['429 on start', { name: 'throttle-start', count: 2 }, { status: 'Succeeded' }],
  ['503 on start', { name: 'unavailable-start', count: 2 }, { status: 'Succeeded' }],
  ['a dropped connection on start', { name: 'drop-start', count: 1 }, { status: 'Succeeded' }],
  ['429 on a poll', { name: 'throttle-poll', count: 2 }, { status: 'Succeeded' }],
  ['503 on a poll', { name: 'unavailable-poll', count: 2 }, { status: 'Succeeded' }],
  ['a dropped connection on a poll', { name: 'drop-poll', count: 2 }, { status: 'Succeeded' }],
  [
    'a poll slower than the client timeout',
    { name: 'slow-poll', count: 1, delayMs: 2500 },
    { status: 'Succeeded' },
  ],
  ['a CAE re-challenge on a poll', { name: 'cae-on-poll', count: 1 }, { status: 'Succeeded' }],
  // Permanent: fail fast, cause recorded.
  [
    'a challenge loop (every request 401)',
    { name: 'challenge-loop' },
    { status: 'Failed', failureCode: 'StartRefused', reason: /401/ },
  ],
  [
    'a malformed-SAS 400',
    { name: 'malformed-sas', count: 1 },
    { status: 'Failed', failureCode: 'StartRefused', reason: /400/ },
  ],
  [
    '409 on start',
    { name: 'conflict-start', count: 1 },
    { status: 'Failed', failureCode: 'HsmBusy', reason: /busy/ },
  ],
  [
    'a job failing with all error fields null',
    { name: 'fail-null-error', count: 1 },
    { status: 'Failed', failureCode: 'JobFailed', reason: /Backup failed/ },
  ],
  [
    'a canceled job',
    { name: 'canceled', count: 1 },
    { status: 'Failed', failureCode: 'JobFailed', reason: /cancel/i },
  ],
  [
    'the storage write failing mid-backup',
    { name: 'partial-write', count: 1 },
    { status: 'Failed', failureCode: 'JobFailed' },
  ],
  // Unknowable: recorded as Unknown, never as failed, never pruned or cleaned.
  [
    'a poll answered 404 (job forgotten)',
    { name: 'poll-404', count: 1 },
    { status: 'Unknown', failureCode: 'JobForgotten' },
  ],
];

describe('HSM faults through a whole backup cycle', () => {
  it.each(table)(
    '%s ends recorded as expected, and the next cycle runs normally',
    async (_, fault, expected) => {
      const pruneBefore = await foldersInContainer();
      app.emulator.setFaults([fault]);
      const result = await cycle();
      app.emulator.setFaults([]);
      expect(result).toMatchObject({
        status: expected.status,
        ...(expected.failureCode ? { failureCode: expected.failureCode } : {}),
      });
      if (expected.reason) expect(result.reason).toMatch(expected.reason);
      const row = await app.ledgerTable.getEntity<Record<string, unknown>>(
        'contoso',
        `backup_${result.attemptId}`,
      );
      expect(row.status).toBe(expected.status);
      if (expected.status !== 'Succeeded') {
        expect(result.prune).toBeUndefined();
        // Nothing that existed before was deleted by this cycle.
        expect((await foldersInContainer()).filter((f) => pruneBefore.includes(f))).toEqual(
          pruneBefore,
        );
        // A job whose answer was lost may still be running on the HSM: wait it out, as the schedule
        // would.
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect((await cycle()).status).toBe('Succeeded');
      }
    },
  );

  it(
    'a start accepted but whose answer is lost: retried, recorded, and the extra folder ' +
      'reported',
    async () => {
      app.emulator.resetStats();
      app.emulator.setFaults([{ name: 'drop-start-accepted', count: 1 }]);
      const result = await cycle();
      app.emulator.setFaults([]);
      const row = await app.ledgerTable.getEntity<Record<string, unknown>>(
        'contoso',
        `backup_${result.attemptId}`,
      );
      expect(row.startAnswerLostAt).toBeInstanceOf(Date);
      // There is no job listing: the retry either met the first job (409, HsmBusy) or, the first
      // having finished already, started a second. Either way the row says what happened.
      const starts = app.emulator.stats().acceptedBackupStarts;
      if (result.status === 'Succeeded') {
        expect(starts).toBe(2);
        const preview = (await app.call('GET', '/api/retention/preview')).body as {
          entries: { kind: string; folder?: string; action: string }[];
        };
        const extra = preview.entries.filter(
          (e) => e.kind !== 'backup' && e.folder && e.action !== 'delete',
        );
        expect(extra.length).toBeGreaterThanOrEqual(1);
      } else {
        expect(result).toMatchObject({ status: 'Failed', failureCode: 'HsmBusy' });
        expect(starts).toBe(1);
      }
    },
  );

  it(
    'an unknown job status is never read as ' + 'success: recorded Unknown at the deadline',
    async () => {
      app.emulator.setFaults([{ name: 'unknown-status', count: 1 }]);
      const result = await cycle();
      expect(result).toMatchObject({ status: 'Unknown', failureCode: 'DeadlinePassed' });
      expect(result.prune).toBeUndefined();
    },
  );
});

async function foldersInContainer(): Promise<string[]> {
  const container = app.blobService.getContainerClient(app.settings.BACKUP_CONTAINER);
  const folders: string[] = [];
  for await (const item of container.listBlobsByHierarchy('/')) {
    if (item.kind === 'prefix') folders.push(item.name.replace(/\/$/, ''));
  }
  return folders.sort();
}
