import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { TableClient } from '@azure/data-tables';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { localAppSettings } from './appSettings';
import { startAzurite, type RunningAzurite } from './azurite';
import { startHostProcess, stopAllHostProcesses, type HostProcess } from './hostProcess';

export type Outcome = Record<string, unknown>;

/**
 * Crash-and-resume runs: Azurite and the emulated HSM live in the test process (they survive
 * the crashes); the app runs in host processes that kill themselves at a chosen state write.
 */
export class CrashMatrix {
  emulator!: RunningEmulator;
  settings!: Record<string, string>;
  private azurite!: RunningAzurite;
  private workDir!: string;

  /**
   * Which writes to crash at: every one by default; CRASH_MATRIX_STRIDE=n tests every n-th (the
   * second CI run, on another Node version, samples the matrix to stay within its time budget).
   */
  readonly stride = Math.max(1, Number(process.env.CRASH_MATRIX_STRIDE ?? '1') || 1);

  async start(): Promise<void> {
    this.workDir = mkdtempSync(join(tmpdir(), 'hsm-backup-crash-'));
    this.azurite = await startAzurite();
    this.emulator = await startEmulator({ hsmName: 'contoso', jobDurationMs: 150 });
    const caCertFile = join(this.workDir, 'ca.pem');
    writeFileSync(caCertFile, this.emulator.caCertPem);
    this.settings = localAppSettings(
      this.azurite,
      { url: this.emulator.url, name: 'contoso', caCertFile },
      {
        RESTORE_ENABLED: 'true',
        BACKUP_POLL_INTERVAL: '1s',
      },
    );
    const blobs = BlobServiceClient.fromConnectionString(this.azurite.connectionString);
    await blobs.getContainerClient(this.settings.BACKUP_CONTAINER).create();
  }

  async stop(): Promise<void> {
    await stopAllHostProcesses();
    await this.emulator?.stop();
    await this.azurite?.stop();
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }

  /** How long the HSM's lock is still leased for, or undefined when nobody holds it. */
  async lockLease(): Promise<number | undefined> {
    try {
      const row = await this.ledger().getEntity<{ expiresAt: Date }>('contoso', 'lock');
      const left = new Date(row.expiresAt).getTime() - Date.now();
      return left > 0 ? left : undefined;
    } catch {
      return undefined;
    }
  }

  async clearLock(): Promise<void> {
    await this.ledger()
      .deleteEntity('contoso', 'lock')
      .catch(() => undefined);
  }

  private ledger(): TableClient {
    return TableClient.fromConnectionString(
      this.azurite.connectionString,
      this.settings.LEDGER_TABLE,
      {
        allowInsecureConnection: true,
      },
    );
  }

  host(crashAt?: string): Promise<HostProcess> {
    return startHostProcess(this.settings, mkdtempSync(join(this.workDir, 'state-')), crashAt);
  }

  /**
   * For each write (1, 1+stride, ...) and each side of it, runs `start` on a host that crashes
   * there, resumes on a fresh host over the same state, and hands the outcome to `check`. Stops
   * once a run finishes before reaching its crash point on both sides. Returns the points tested.
   */
  async everyCrashPoint(
    start: (host: HostProcess) => Promise<string>,
    locate: (host: HostProcess) => Promise<string | undefined>,
    check: (outcome: Outcome, point: string) => Promise<void> | void,
  ): Promise<string[]> {
    const tested: string[] = [];
    for (let write = 1; write < 500; write += this.stride) {
      let finishedFirst = 0;
      for (const moment of ['before', 'after']) {
        this.emulator.resetStats();
        const point = `${moment}:${write}`;
        const outcome = await this.crashAndResume(point, start, locate);
        if (!outcome) {
          finishedFirst++;
          continue;
        }
        tested.push(point);
        await check(outcome, point);
      }
      if (finishedFirst === 2) return tested;
    }
    throw new Error('the run never finished without reaching a crash point');
  }

  private async crashAndResume(
    crashAt: string,
    start: (host: HostProcess) => Promise<string>,
    locate: (host: HostProcess) => Promise<string | undefined>,
  ): Promise<Outcome | undefined> {
    const stateDir = mkdtempSync(join(this.workDir, 'state-'));
    const first = await startHostProcess(this.settings, stateDir, crashAt);
    // The host may die while answering the request itself: then the caller never got an id.
    const statusPath = await start(first).catch((error: unknown) => {
      // Checked by name: fetch's errors come from Node's realm, not the test's.
      if (
        (error as Error)?.name === 'TypeError' &&
        /fetch failed/.test(String((error as Error).message))
      ) {
        return undefined;
      }
      throw error;
    });
    const before = statusPath ? await waitForOutcome(first, statusPath) : { crashed: true };
    await first.stop();
    if (!before.crashed) return undefined;
    const second = await startHostProcess(this.settings, stateDir);
    try {
      const path = statusPath ?? (await locate(second));
      if (!path) return { notStarted: true };
      return await waitForOutcome(second, path);
    } finally {
      await second.stop();
    }
  }
}

/**
 * Polls a status endpoint until the run ends, or reports that the host died first, or that the
 * run was never stored (still unknown to the host after a few seconds).
 */
export async function waitForOutcome(
  host: HostProcess,
  path: string,
  timeoutMs = 120_000,
): Promise<Outcome> {
  const started = Date.now();
  while (Date.now() < started + timeoutMs) {
    if (host.child.exitCode !== null || host.child.signalCode !== null) return { crashed: true };
    const { status, body } = await host
      .call('GET', path)
      .catch(() => ({ status: 0, body: undefined }));
    if (status === 404 && Date.now() - started > 3000) return { notStarted: true };
    const outcome = body as Outcome | undefined;
    if (status === 200 && outcome && !['Pending', 'Running'].includes(String(outcome.status))) {
      return outcome;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no outcome at ${path} within ${timeoutMs} ms:\n${host.output().slice(-3000)}`);
}
