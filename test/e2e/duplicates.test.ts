import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startAppUnderTest({ settings: { BACKUP_SCHEDULE: '0 0 2 * * *' } });
});
afterAll(() => app?.stop());

async function fire(options: { isPastDue?: boolean } = {}): Promise<BackupCycleResult> {
  await app.host.invokeTimer('backupTimer', options);
  const done = await app.host.waitForInstance(backupInstanceId('contoso'), { timeoutMs: 30_000 });
  return done.output as BackupCycleResult;
}

describe('duplicate firings of the nightly timer', () => {
  it(
    'a past-due firing after a restart, when ' + 'that night already succeeded, starts nothing',
    async () => {
      // Tonight at 02:00 (simulated): the scheduled firing.
      const next0200 = new Date();
      next0200.setUTCHours(26, 0, 0, 0);
      app.advanceClock(next0200.getTime() - Date.now());
      const first = await fire();
      expect(first.status).toBe('Succeeded');
      app.emulator.resetStats();

      // 05:30: the host comes back after an outage and fires the missed occurrence, past due.
      app.advanceClock(3.5 * 3_600_000);
      const again = await fire({ isPastDue: true });
      expect(again).toMatchObject({ status: 'Succeeded', attemptId: first.attemptId });
      expect(app.emulator.stats().acceptedBackupStarts).toBe(0);
      expect(
        app.logs.some((l) => /already recorded as Succeeded; not starting again/.test(l.message)),
      ).toBe(true);
    },
  );

  it('the next night is a new occurrence and backs up normally', async () => {
    app.advanceClock(21 * 3_600_000);
    const next = await fire();
    expect(next.status).toBe('Succeeded');
    expect(app.emulator.stats().acceptedBackupStarts).toBe(1);
  });
});
