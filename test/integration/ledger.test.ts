import { createServices } from '../../shared/app/appServices';
import { loadConfig } from '../../shared/config/loadConfig';
import type { BackupLedger } from '../../shared/ledger/BackupLedger';
import type { BackupRecord } from '../../shared/ledger/BackupRecord';
import { attemptIdFor } from '../../shared/ledger/rowKeys';
import { localAppSettings } from '../support/appSettings';
import { startAzurite, type RunningAzurite } from '../support/azurite';

let azurite: RunningAzurite;
let ledger: BackupLedger;

beforeAll(async () => {
  azurite = await startAzurite();
  const config = loadConfig(
    localAppSettings(azurite, { url: 'https://127.0.0.1:1', name: 'contoso' }),
  );
  ledger = createServices(config).ledger;
});
afterAll(() => azurite?.stop());

function attempt(
  hsmName: string,
  occurrence: string,
  changes: Partial<BackupRecord> = {},
): BackupRecord {
  return {
    hsmName,
    attemptId: attemptIdFor(new Date(occurrence), 'schedule'),
    trigger: 'schedule',
    occurrence: new Date(occurrence),
    instanceId: `backup-${hsmName}`,
    status: 'Starting',
    createdAt: new Date(occurrence),
    ...changes,
  };
}

function succeeded(record: BackupRecord, endTime: string, folder: string): BackupRecord {
  return {
    ...record,
    status: 'Succeeded',
    jobId: 'a'.repeat(32),
    endTime: new Date(endTime),
    folder,
  };
}

describe('backup ledger', () => {
  it('keeps typed dates and finds an attempt again by its occurrence', async () => {
    const record = attempt('typed', '2026-12-01T02:00:00Z');
    await ledger.createBackup(record);
    await ledger.saveBackup(
      succeeded(record, '2026-12-01T02:00:11.250Z', 'mhsm-typed-2026120102000012'),
    );
    const again = await ledger.getBackup(
      'typed',
      attemptIdFor(new Date('2026-12-01T02:00:00Z'), 'schedule'),
    );
    expect(again?.endTime).toEqual(new Date('2026-12-01T02:00:11.250Z'));
    expect(again?.occurrence).toBeInstanceOf(Date);
    expect(again?.status).toBe('Succeeded');
  });

  it('returns the existing row, untouched, when an attempt is registered twice', async () => {
    const record = attempt('twice', '2026-12-02T02:00:00Z');
    expect((await ledger.createBackup(record)).created).toBe(true);
    await ledger.saveBackup({ ...record, status: 'InProgress', jobId: 'b'.repeat(32) });
    const second = await ledger.createBackup(record);
    expect(second.created).toBe(false);
    expect(second.record.jobId).toBe('b'.repeat(32));
  });

  it('answers "latest successful backup" by completion time, per HSM, in one query', async () => {
    // Completion order differs from occurrence order on purpose; failures and other HSMs
    // interleave.
    const rows: [string, string, string, string | undefined][] = [
      ['latest', '2026-11-01T02:00:00Z', 'Succeeded', '2026-11-01T02:00:10Z'],
      ['latest', '2026-11-03T02:00:00Z', 'Succeeded', '2026-11-03T02:00:09Z'],
      ['latest', '2026-11-04T02:00:00Z', 'Failed', '2026-11-04T02:00:30Z'],
      ['latest-dr', '2026-11-05T02:00:00Z', 'Succeeded', '2026-11-05T02:00:10Z'],
      ['latest', '2026-11-02T02:00:00Z', 'Succeeded', '2026-11-02T02:00:10Z'],
    ];
    for (const [hsm, occurrence, status, end] of rows) {
      const record = attempt(hsm, occurrence);
      await ledger.createBackup(record);
      const folder = `mhsm-${hsm}-${occurrence.replace(/\D/g, '').slice(0, 14)}00`;
      await ledger.saveBackup(
        status === 'Succeeded'
          ? succeeded(record, end!, folder)
          : { ...record, status: 'Failed', endTime: new Date(end!) },
      );
    }
    const latest = await ledger.latestSuccess('latest');
    expect(latest?.endTime).toEqual(new Date('2026-11-03T02:00:09Z'));
    expect(latest?.folder).toBe('mhsm-latest-2026110302000000');
    expect((await ledger.latestSuccess('latest-dr'))?.folder).toBe(
      'mhsm-latest-dr-2026110502000000',
    );
    expect(await ledger.latestSuccess('nobody')).toBeUndefined();
  });

  it(
    'lists attempts newest occurrence first ' + 'and marks pruning without changing status',
    async () => {
      for (const day of ['06', '08', '07']) {
        const record = attempt('listing', `2026-11-${day}T02:00:00Z`);
        await ledger.createBackup(record);
        await ledger.saveBackup(
          succeeded(record, `2026-11-${day}T02:00:10Z`, `mhsm-listing-202611${day}02000000`),
        );
      }
      const oldest = attemptIdFor(new Date('2026-11-06T02:00:00Z'), 'schedule');
      await ledger.markPruned('listing', oldest, new Date('2026-11-09T00:00:00Z'));
      const listed = [];
      for await (const record of ledger.listBackups('listing')) listed.push(record);
      expect(listed.map((r) => r.folder)).toEqual([
        'mhsm-listing-2026110802000000',
        'mhsm-listing-2026110702000000',
        'mhsm-listing-2026110602000000',
      ]);
      expect(listed[2]).toMatchObject({
        status: 'Succeeded',
        prunedAt: new Date('2026-11-09T00:00:00Z'),
      });
    },
  );
});
