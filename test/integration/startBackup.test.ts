import { createServices, type AppServices } from '../../shared/app/appServices';
import { startBackup } from '../../shared/backup/startBackup';
import type { StartBackupInput } from '../../shared/backup/BackupCycle';
import { loadConfig } from '../../shared/config/loadConfig';
import { attemptIdFor } from '../../shared/ledger/rowKeys';
import type { Logger } from '../../shared/log/Logger';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAppSettings } from '../support/appSettings';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite;
let emulator: RunningEmulator;
let services: AppServices;
const lines: string[] = [];
const log: Logger = {
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(m),
};

beforeAll(async () => {
  azurite = await startAzurite();
  emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 5000 });
  const caCertFile = join(mkdtempSync(join(tmpdir(), 'ca-')), 'ca.pem');
  writeFileSync(caCertFile, emulator.caCertPem);
  services = createServices(
    loadConfig(localAppSettings(azurite, { url: emulator.url, name: 'contoso', caCertFile })),
  );
  await services.storage.container.create();
});
afterAll(async () => {
  await emulator?.stop();
  await azurite?.stop();
});

function inputFor(occurrence: string): StartBackupInput {
  return {
    hsmName: 'contoso',
    attemptId: attemptIdFor(new Date(occurrence), 'schedule'),
    trigger: 'schedule',
    occurrence,
    instanceId: 'backup-contoso',
    sasValidityMs: 600_000,
  };
}

describe('starting a backup', () => {
  it(
    'adopts the recorded job when run again for ' + 'the same occurrence, starting nothing new',
    async () => {
      const input = inputFor('2026-12-04T02:00:00.000Z');
      const first = await startBackup(services, input, log);
      const again = await startBackup(services, input, log);
      expect(first).toMatchObject({ outcome: 'started', adopted: false });
      expect(again).toEqual({
        outcome: 'started',
        jobId: first.outcome === 'started' ? first.jobId : '',
        adopted: true,
      });
      expect(emulator.stats().acceptedBackupStarts).toBe(1);
      const row = await services.ledger.getBackup('contoso', input.attemptId);
      expect(row).toMatchObject({
        status: 'InProgress',
        jobId: (first as { jobId: string }).jobId,
      });
    },
  );

  it('does not start again once the outcome is recorded', async () => {
    const input = inputFor('2026-12-03T02:00:00.000Z');
    await services.ledger.createBackup({
      hsmName: 'contoso',
      attemptId: input.attemptId,
      trigger: 'schedule',
      occurrence: new Date(input.occurrence),
      instanceId: 'backup-contoso',
      status: 'Failed',
      failureCode: 'JobFailed',
      createdAt: new Date(),
    });
    const before = emulator.stats().acceptedBackupStarts;
    expect(await startBackup(services, input, log)).toEqual({
      outcome: 'already-recorded',
      status: 'Failed',
      jobId: undefined,
    });
    expect(emulator.stats().acceptedBackupStarts).toBe(before);
  });

  it('refuses plainly when the container does not exist, without calling the HSM', async () => {
    const missing = createServices(
      loadConfig({
        ...localAppSettings(azurite, { url: emulator.url, name: 'contoso' }),
        BACKUP_CONTAINER: 'no-such-container',
      }),
    );
    emulator.resetStats();
    const result = await startBackup(missing, inputFor('2026-12-02T02:00:00.000Z'), log);
    expect(result).toMatchObject({ outcome: 'refused', failureCode: 'ContainerMissing' });
    expect(emulator.stats().requests).toEqual([]);
  });
});
