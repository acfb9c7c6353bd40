import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { nextSecond, startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startAppUnderTest({
    settings: { BACKUP_SCHEDULE: '* * * * * *', BACKUP_DEADLINE: '60s' },
  });
});
afterAll(() => app?.stop());

describe('storage going down in the middle of a cycle', () => {
  it(
    'the outcome is written once storage is ' + 'back: one job, one row, recorded Succeeded',
    async () => {
      await nextSecond();
      await app.host.invokeTimer('backupTimer');
      // Wait until the HSM has the job, then take storage away while the cycle still has to
      // record its outcome in the ledger, and bring it back a few seconds later.
      for (let i = 0; i < 200; i++) {
        const phase = (
          app.host.getInstance(backupInstanceId('contoso'))?.customStatus as { phase?: string }
        )?.phase;
        if (phase === 'waiting') break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      await app.restartAzurite(10_000);
      const done = await app.host.waitForInstance(backupInstanceId('contoso'), {
        timeoutMs: 60_000,
      });
      const result = done.output as BackupCycleResult;
      expect(result.status).toBe('Succeeded');
      expect(app.emulator.stats().acceptedBackupStarts).toBe(1);
      const rows = [];
      for await (const row of app.ledgerTable.listEntities({
        queryOptions: { filter: "RowKey ge 'backup_' and RowKey lt 'backup`'" },
      })) {
        rows.push(row);
      }
      expect(rows).toEqual([expect.objectContaining({ status: 'Succeeded', jobId: result.jobId })]);
      expect(
        app.logs.some((l) =>
          /recordBackupOutcomeActivity failed|ECONNREFUSED|connect/i.test(l.message),
        ),
      ).toBe(true);
    },
  );
});
