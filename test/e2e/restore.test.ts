import { backupInstanceId, type BackupCycleResult } from '../../shared/backup/BackupCycle';
import { nextSecond, startAppUnderTest, type AppUnderTest } from '../support/appUnderTest';

let app: AppUnderTest;
type Json = Record<string, unknown> & { error?: { code: string; message: string } };

beforeAll(async () => {
  app = await startAppUnderTest({
    settings: {
      BACKUP_SCHEDULE: '* * * * * *',
      RESTORE_ENABLED: 'true',
      RETENTION_KEEP_LAST: '3',
      BACKUP_DEADLINE: '20s',
    },
  });
  app.emulator.createKey('payments');
  app.emulator.createKey('tokens');
});
afterAll(() => app?.stop());

async function backupNow(): Promise<BackupCycleResult> {
  await nextSecond();
  await app.host.invokeTimer('backupTimer');
  const instance = await app.host.waitForInstance(backupInstanceId('contoso'), {
    timeoutMs: 30_000,
  });
  return instance.output as BackupCycleResult;
}

async function restoreUntilDone(statusUrl: string): Promise<Json> {
  for (let i = 0; i < 200; i++) {
    const { body } = await app.call('GET', statusUrl);
    const status = (body as Json).status;
    if (status === 'Succeeded' || status === 'Failed') return body as Json;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the restore did not finish');
}

describe('guarded restores over HTTP', () => {
  let folder: string;

  it('restores the named backup and the HSM holds exactly the backup keys again', async () => {
    const backup = await backupNow();
    expect(backup.status).toBe('Succeeded');
    folder = backup.folder as string;
    const atBackup = app.emulator.keys();
    app.emulator.rotateKey('payments');
    app.emulator.createKey('created-after-backup');
    expect(app.emulator.keys()).not.toEqual(atBackup);

    const accepted = await app.call('POST', '/api/restore', { folder, confirm: 'contoso' });
    expect(accepted.status).toBe(202);
    const { id, statusUrl } = accepted.body as { id: string; statusUrl: string };
    expect(statusUrl).toBe(`/api/restore/${id}`);
    expect(JSON.stringify(accepted.body)).not.toMatch(/runtime\/webhooks|code=|sig=/);

    const done = await restoreUntilDone(statusUrl);
    expect(done).toMatchObject({ status: 'Succeeded', folder, kind: 'full', dryRun: false });
    expect(done.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(done.backupAccessAfterRestore).toMatch(/^verified/);
    expect(app.emulator.keys()).toEqual(atBackup);
    const rows = [];
    for await (const row of app.ledgerTable.listEntities({
      queryOptions: { filter: "RowKey ge 'restore_' and RowKey lt 'restore`'" },
    })) {
      rows.push(row);
    }
    expect(rows).toEqual([
      expect.objectContaining({ instanceId: id, folder, status: 'Succeeded' }),
    ]);
  });

  it(
    'accepts the folder URL the service ' + 'returned, under the configured container only',
    async () => {
      const containerUrl = `${app.settings.BACKUP_STORAGE_URL}/${app.settings.BACKUP_CONTAINER}`;
      const dry = await app.call('POST', '/api/restore', {
        folder: `${containerUrl}/${folder}`,
        confirm: 'contoso',
        dryRun: true,
      });
      expect(dry.status).toBe(202);
      const done = await restoreUntilDone((dry.body as { statusUrl: string }).statusUrl);
      expect(done).toMatchObject({ status: 'Succeeded', dryRun: true, folder });
    },
  );

  it(
    'runs every check on a dry run, the service pre-restore check included, and changes ' +
      'nothing',
    async () => {
      app.emulator.resetStats();
      const keys = app.emulator.keys();
      const accepted = await app.call('POST', '/api/restore', {
        folder,
        confirm: 'contoso',
        dryRun: true,
      });
      const done = await restoreUntilDone((accepted.body as { statusUrl: string }).statusUrl);
      const report = done.report as {
        wouldProceed: boolean;
        checks: { check: string; ok: boolean }[];
      };
      expect(report.wouldProceed).toBe(true);
      expect(report.checks.map((c) => [c.check, c.ok])).toEqual([
        ['folder', true],
        ['recent-backup', true],
        ['hsm-idle', true],
        ['service-pre-restore-check', true],
      ]);
      expect((done.warnings as string[]).join(' ')).toMatch(/role assignments/);
      expect(app.emulator.stats()).toMatchObject({
        acceptedRestoreStarts: 0,
        acceptedPreRestoreStarts: 1,
      });
      expect(app.emulator.keys()).toEqual(keys);
    },
  );

  it(
    'refuses a full restore when the last backup is 31 minutes old, saying when and what to ' +
      'do',
    async () => {
      app.advanceClock(31 * 60_000);
      const refused = await app.call('POST', '/api/restore', { folder, confirm: 'contoso' });
      expect(refused.status).toBe(409);
      const body = refused.body as Json & { error: Record<string, unknown> };
      expect(body.error.code).toBe('BackupTooOld');
      expect(body.error.lastBackupAgeMinutes).toBeGreaterThanOrEqual(31);
      expect(typeof body.error.lastBackupCompletedAt).toBe('string');
      expect(String(body.error.message)).toMatch(/backupFirst/);
    },
  );

  it(
    'with backupFirst takes a fresh backup, ' + 'recorded as the restore trigger, then restores',
    async () => {
      const before = app.emulator.stats().acceptedBackupStarts;
      const accepted = await app.call('POST', '/api/restore', {
        folder,
        confirm: 'contoso',
        backupFirst: true,
      });
      expect(accepted.status).toBe(202);
      const done = await restoreUntilDone((accepted.body as { statusUrl: string }).statusUrl);
      expect(done.status).toBe('Succeeded');
      expect(done.safetyBackupFolder).toMatch(/^mhsm-contoso-\d{16}$/);
      expect(app.emulator.stats().acceptedBackupStarts).toBe(before + 1);
      const list = (await app.call('GET', '/api/backups?limit=1')).body as {
        backups: { folder: string; trigger: string; status: string; endTime: string }[];
      };
      expect(list.backups[0]).toMatchObject({
        folder: done.safetyBackupFolder,
        trigger: 'restore',
        status: 'Succeeded',
      });
      expect(Date.parse(list.backups[0].endTime)).toBeLessThanOrEqual(
        Date.parse(String(done.startTime)),
      );
    },
  );

  it('refuses a restore while a backup runs, saying what runs', async () => {
    app.emulator.setFaults([{ name: 'slow-poll', count: 1, delayMs: 1500 }]);
    await nextSecond();
    expect((await app.call('POST', '/api/backups')).status).toBe(202);
    for (let i = 0; i < 100; i++) {
      const run = (await app.call('GET', `/api/backups/${backupInstanceId('contoso')}`))
        .body as Json;
      if (run.phase === 'waiting') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const refused = await app.call('POST', '/api/restore', {
      folder,
      confirm: 'contoso',
      backupFirst: true,
    });
    expect(refused.status).toBe(409);
    expect((refused.body as Json).error).toMatchObject({
      code: 'OperationInProgress',
      running: { operation: 'backup' },
    });
    await app.host.waitForInstance(backupInstanceId('contoso'), { timeoutMs: 30_000 });
  });

  it('skips, and records, a scheduled backup that fires while a restore runs', async () => {
    const starts = app.emulator.stats().acceptedBackupStarts;
    const accepted = await app.call('POST', '/api/restore', {
      folder,
      confirm: 'contoso',
      backupFirst: true,
    });
    expect(accepted.status).toBe(202);
    await nextSecond();
    await app.host.invokeTimer('backupTimer');
    const skipped = await app.host.waitForInstance(backupInstanceId('contoso'), {
      timeoutMs: 30_000,
    });
    expect(skipped.output).toMatchObject({ status: 'Skipped' });
    expect((skipped.output as BackupCycleResult).reason).toMatch(/^restore restore-contoso-/);
    await restoreUntilDone((accepted.body as { statusUrl: string }).statusUrl);
    // The restore's own safety backup is the only backup that ran.
    expect(app.emulator.stats().acceptedBackupStarts).toBe(starts + 1);
    const skips = [];
    for await (const row of app.ledgerTable.listEntities({
      queryOptions: { filter: "RowKey ge 'skip_' and RowKey lt 'skip`'" },
    })) {
      skips.push(row);
    }
    expect(skips).toHaveLength(1);
  });

  it(
    'restores one key from a backup, without the ' + '30-minute rule, and leaves other keys alone',
    async () => {
      app.advanceClock(40 * 60_000);
      const backup = (await app.call('GET', '/api/backups?status=Succeeded&limit=1')).body as {
        backups: { folder: string }[];
      };
      const source = backup.backups[0].folder;
      const before = app.emulator.keys();
      app.emulator.rotateKey('payments');
      app.emulator.rotateKey('tokens');
      const accepted = await app.call('POST', '/api/restore/keys/payments', {
        folder: source,
        confirm: 'contoso',
      });
      expect(accepted.status).toBe(202);
      const done = await restoreUntilDone((accepted.body as { statusUrl: string }).statusUrl);
      expect(done).toMatchObject({ status: 'Succeeded', kind: 'key', keyName: 'payments' });
      const after = app.emulator.keys() as Record<string, unknown>;
      expect(after.payments).toEqual((before as Record<string, unknown>).payments);
      expect(after.tokens).not.toEqual((before as Record<string, unknown>).tokens);
    },
  );
});
