import { backupInstanceId } from '../../shared/backup/BackupCycle';
import { startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

let app: AppUnderTest;

beforeAll(async () => {
  app = await startAppUnderTest({ settings: { HISTORY_RETENTION_DAYS: '30' } });
});
afterAll(() => app?.stop());

describe('years of running', () => {
  it(
    'purges finished orchestration history older than HISTORY_RETENTION_DAYS; the ledger ' +
      'keeps the record',
    async () => {
      await app.host.invokeTimer('backupTimer');
      await app.host.waitForInstance(backupInstanceId('contoso'), { timeoutMs: 30_000 });
      await app.host.invokeTimer('historyPurgeTimer');
      expect(app.host.getInstance(backupInstanceId('contoso'))).toBeDefined();

      app.advanceClock(31 * 86_400_000);
      await app.host.invokeTimer('historyPurgeTimer');
      expect(app.host.getInstance(backupInstanceId('contoso'))).toBeUndefined();
      const list = await app.call('GET', '/api/backups');
      expect((list.body as { backups: { status: string }[] }).backups).toEqual([
        expect.objectContaining({ status: 'Succeeded' }),
      ]);
      expect(
        app.logs.some((l) => /Purged the history of 1 finished orchestrations/.test(l.message)),
      ).toBe(true);
    },
  );
});
