import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { localAppSettings } from '../support/appSettings';
import { startAzurite, type RunningAzurite } from '../support/azurite';
import { startHostProcess, type HostProcess } from '../support/hostProcess';

/**
 * Kills the host (SIGKILL) right before and right after each of its writes of orchestration
 * state during one backup cycle and one restore, restarts it on the same state, and checks the
 * run completes with exactly one job accepted by the HSM. Each crash point is its own run.
 */
let azurite: RunningAzurite;
let emulator: RunningEmulator;
let settings: Record<string, string>;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-crash-'));
  azurite = await startAzurite();
  emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 150 });
  const caCertFile = join(workDir, 'ca.pem');
  writeFileSync(caCertFile, emulator.caCertPem);
  settings = localAppSettings(
    azurite,
    { url: emulator.url, name: 'contoso', caCertFile },
    {
      BACKUP_SCHEDULE: '* * * * * *',
      RESTORE_ENABLED: 'true',
      BACKUP_POLL_INTERVAL: '1s',
    },
  );
  const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString);
  await blobs.getContainerClient(settings.BACKUP_CONTAINER).create();
});
afterAll(async () => {
  await emulator?.stop();
  await azurite?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

type Outcome = Record<string, unknown>;

async function waitForOutcome(
  host: HostProcess,
  path: string,
  timeoutMs = 30_000,
): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status, body } = await host
      .call('GET', path)
      .catch(() => ({ status: 0, body: undefined }));
    const outcome = body as Outcome | undefined;
    if (status === 200 && outcome && !['Pending', 'Running'].includes(String(outcome.status)))
      return outcome;
    if (host.child.exitCode !== null || host.child.signalCode !== null) return { crashed: true };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no outcome at ${path} within ${timeoutMs} ms:\n${host.output().slice(-3000)}`);
}

/**
 * Runs `start` in a host that crashes at the given point, then resumes on a new host. Returns the
 * outcome, or undefined when the run finished before reaching the crash point.
 */
async function crashAndResume(
  crashAt: string,
  start: (host: HostProcess) => Promise<string>,
): Promise<Outcome | undefined> {
  const stateDir = mkdtempSync(join(workDir, 'state-'));
  const first = await startHostProcess(settings, stateDir, crashAt);
  const statusPath = await start(first);
  const before = await waitForOutcome(first, statusPath);
  await first.stop();
  if (!before.crashed) return undefined;
  const second = await startHostProcess(settings, stateDir);
  try {
    return await waitForOutcome(second, statusPath);
  } finally {
    await second.stop();
  }
}

async function startBackup(host: HostProcess): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 20));
  const fired = await host.call('POST', '/admin/functions/backupTimer', {}, 'master');
  expect(fired.status).toBe(202);
  return '/api/backups/backup-contoso';
}

async function everyCrashPoint(
  start: (host: HostProcess) => Promise<string>,
  check: (outcome: Outcome, point: string) => Promise<void> | void,
): Promise<number> {
  let points = 0;
  for (let write = 1; write < 200; write++) {
    let finishedFirst = 0;
    for (const moment of ['before', 'after']) {
      emulator.resetStats();
      const point = `${moment}:${write}`;
      const outcome = await crashAndResume(point, start);
      if (!outcome) {
        finishedFirst++;
        continue;
      }
      points++;
      await check(outcome, point);
    }
    if (finishedFirst === 2) return points;
  }
  throw new Error('the run never finished without reaching a crash point');
}

describe('a host killed at any step boundary resumes and completes', () => {
  it('a backup cycle: one job, recorded once, whatever the crash point', async () => {
    const points = await everyCrashPoint(startBackup, (outcome, point) => {
      expect({ point, status: outcome.status }).toEqual({ point, status: 'Succeeded' });
      expect({ point, starts: emulator.stats().acceptedBackupStarts }).toEqual({
        point,
        starts: 1,
      });
    });
    expect(points).toBeGreaterThan(8);
  });

  it('a restore: one restore job and the lock released, whatever the crash point', async () => {
    // A fresh backup to restore, taken by a host that is not crashed.
    const stateDir = mkdtempSync(join(workDir, 'state-'));
    const host = await startHostProcess(settings, stateDir);
    const backup = await waitForOutcome(host, await startBackup(host));
    await host.stop();
    const folder = backup.folder as string;

    const points = await everyCrashPoint(
      async (h) => {
        const accepted = await h.call('POST', '/api/restore', { folder, confirm: 'contoso' });
        expect(accepted.status).toBe(202);
        return (accepted.body as { statusUrl: string }).statusUrl;
      },
      async (outcome, point) => {
        expect({ point, status: outcome.status }).toEqual({ point, status: 'Succeeded' });
        expect({ point, starts: emulator.stats().acceptedRestoreStarts }).toEqual({
          point,
          starts: 1,
        });
        const again = await startHostProcess(settings, mkdtempSync(join(workDir, 'state-')));
        const dry = await again.call('POST', '/api/restore', {
          folder,
          confirm: 'contoso',
          dryRun: true,
        });
        await again.stop();
        expect({ point, lockFree: dry.status === 202 }).toEqual({ point, lockFree: true });
      },
    );
    expect(points).toBeGreaterThan(8);
  });
});
