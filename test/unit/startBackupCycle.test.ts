import type { DurableClient } from 'durable-functions';
import { startBackupCycle } from '../../shared/backup/startBackupCycle';
import { useClock } from '../../shared/app/clock';
import { loadConfig } from '../../shared/config/loadConfig';
import type { Logger } from '../../shared/log/Logger';

const config = loadConfig({
  HSM_URL: 'https://contoso.managedhsm.azure.net',
  BACKUP_STORAGE_URL: 'https://contosobackups.blob.core.windows.net',
  BACKUP_CONTAINER: 'hsm-backups',
  BACKUP_DEADLINE: '1h',
});

/** Just enough of a durable client: one instance, and a record of what was asked of it. */
class FakeDurableClient {
  readonly calls: string[] = [];
  constructor(private instance?: { runtimeStatus: string; createdTime: Date }) {}

  async getStatus() {
    if (!this.instance)
      throw new Error(
        'DurableClient error: Durable Functions extension replied with HTTP 404 response.',
      );
    return this.instance;
  }
  async terminate(id: string, reason: string) {
    this.calls.push(`terminate ${id}: ${reason}`);
    this.instance = { ...this.instance!, runtimeStatus: 'Terminated' };
  }
  async startNew(name: string, options: { instanceId: string }) {
    this.calls.push(`start ${name} ${options.instanceId}`);
    return options.instanceId;
  }
}

const now = new Date('2026-12-04T02:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
const lines: string[] = [];
const log: Logger = {
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(`ERROR ${m}`),
};

beforeAll(() => useClock(() => now.getTime()));
beforeEach(() => lines.splice(0));

async function fire(client: FakeDurableClient) {
  return startBackupCycle(
    client as unknown as DurableClient,
    config,
    { trigger: 'schedule', occurrence: now },
    log,
  );
}

describe('starting the backup orchestration', () => {
  it('starts one when none exists', async () => {
    const client = new FakeDurableClient();
    expect(await fire(client)).toEqual({ started: true, instanceId: 'backup-contoso' });
    expect(client.calls).toEqual(['start backupCycleOrchestrator backup-contoso']);
  });

  it('skips while one is running within its time', async () => {
    const client = new FakeDurableClient({ runtimeStatus: 'Running', createdTime: minutesAgo(90) });
    expect(await fire(client)).toMatchObject({ started: false, runtimeStatus: 'Running' });
    expect(client.calls).toEqual([]);
  });

  it('replaces, loudly, an instance stuck Pending from an earlier crash', async () => {
    const client = new FakeDurableClient({ runtimeStatus: 'Pending', createdTime: minutesAgo(16) });
    expect(await fire(client)).toEqual({ started: true, instanceId: 'backup-contoso' });
    expect(client.calls[0]).toMatch(/^terminate backup-contoso: replaced: Pending for 16 minutes/);
    expect(client.calls[1]).toBe('start backupCycleOrchestrator backup-contoso');
    expect(lines.some((l) => l.startsWith('ERROR') && /stuck/.test(l))).toBe(true);
  });

  it('replaces an instance still Running far past its deadline and lock lease', async () => {
    // Deadline 1h: the lease is 2h + 1h; at 3h 1m the instance cannot be doing anything useful.
    const client = new FakeDurableClient({
      runtimeStatus: 'Running',
      createdTime: minutesAgo(181),
    });
    expect(await fire(client)).toEqual({ started: true, instanceId: 'backup-contoso' });
    expect(client.calls[0]).toMatch(/terminate .*Running for 181 minutes/);
  });

  it('does not replace a Pending instance that is only a few minutes old', async () => {
    const client = new FakeDurableClient({ runtimeStatus: 'Pending', createdTime: minutesAgo(5) });
    expect(await fire(client)).toMatchObject({ started: false });
  });
});
